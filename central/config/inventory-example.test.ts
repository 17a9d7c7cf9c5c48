// config/inventory.example.yaml loads, and says what its comments say it says.
import { join } from 'node:path';
import t from 'tap';
import { customerHoldings, holdersOf, unassignedPoints } from '../model/holders.js';
import { selectPoints } from '../model/select.js';
import { localMidnight } from '../../common/local-time.js';
import { readInventory } from './inventory-load.js';

const ROOT = join(import.meta.dirname, '..', '..');
const { model, files } = await readInventory(join(ROOT, 'config', 'inventory.example.yaml'));
const ams = (date: string) => localMidnight(date, 'Europe/Amsterdam');
const sin = (date: string) => localMidnight(date, 'Asia/Singapore');
const OCT_AMS = { fromMs: ams('2026-10-01'), toMs: ams('2026-11-01') };

t.test('it loads from four files: three sites, five customers', async (t) => {
  t.same(
    files.map((f) => f.slice(ROOT.length + 1)),
    [
      'config/inventory.example.yaml',
      'config/inventory/ams1.example.yaml',
      'config/inventory/ams2.example.yaml',
      'config/inventory/sin1.example.yaml',
    ],
  );
  t.same(
    [...model.sites.values()].map((s) => [s.id, s.timeZone, s.currency, s.rooms.length]),
    [
      ['ams1', 'Europe/Amsterdam', 'EUR', 2],
      ['ams2', 'Europe/Amsterdam', 'EUR', 1],
      ['sin1', 'Asia/Singapore', 'SGD', 1],
    ],
  );
  t.equal(model.customers.size, 5);
  t.equal(selectPoints(model, { feed: 'A' }).length > 0 && selectPoints(model, { feed: 'B' }).length > 0, true, 'both feeds metered');
  t.same(
    selectPoints(model, { node: 'ams1-r101-bb-a', phase: 'L2' }).map((p) => p.id),
    ['ams1-r101-bb-a/l2', 'ams1-r101-a1-02/total', 'ams1-r14-a', 'ams1-r14-a-o1', 'ams1-r14-a-o2'],
    'the busbar phase and the single-phase circuit under it',
  );
});

t.test('rack K11 passes from Nordwind to Acme on 15 October, Amsterdam time', async (t) => {
  for (const id of ['ams1-k11-pdu-a/total', 'ams1-k11-pdu-b/total']) {
    t.same(
      holdersOf(model, id, OCT_AMS).map((s) => [s.customer, s.version, s.fromMs, s.toMs]),
      [
        ['nordwind', 1, OCT_AMS.fromMs, ams('2026-10-15')],
        ['acme', 2, ams('2026-10-15'), OCT_AMS.toMs],
      ],
      id,
    );
  }
});

t.test('Acme holds racks in both sites, on both feeds', async (t) => {
  const held = customerHoldings(model, 'acme', { fromMs: ams('2026-10-20'), toMs: ams('2026-10-21') });
  const bySite = (site: string) => held.filter((h) => h.point.site === site).map((h) => `${h.point.id} ${h.point.feed}`);
  t.same(bySite('sin1'), ['sin1-r01-pdu-a/total A', 'sin1-r01-pdu-b/total B']);
  t.ok(bySite('ams1').includes('ams1-r12-a A') && bySite('ams1').includes('ams1-r12-b B'), 'r12 on A and B');
  t.ok(bySite('ams1').includes('ams1-r101-a1-01/total A'), 'and the branch circuit dedicated to r12');
  t.notOk(bySite('ams1').includes('ams1-r14-a-o1 A'), 'but not the outlet Nordwind holds in its rack');
  t.same(holdersOf(model, 'sin1-r01-pdu-a/total', { fromMs: 0, toMs: Infinity })[0]?.fromMs, sin('2026-02-01'), 'from Singapore midnight');
});

t.test('the outlet from 14:00, the cage and the suite by rule', async (t) => {
  t.same(
    holdersOf(model, 'ams1-r14-a-o1', { fromMs: ams('2026-06-10'), toMs: ams('2026-06-11') }).map((s) => [
      s.customer,
      new Date(s.fromMs).toISOString(),
    ]),
    [
      ['acme', '2026-06-09T22:00:00.000Z'],
      ['nordwind', '2026-06-10T12:00:00.000Z'],
    ],
  );
  t.same(
    holdersOf(model, 'ams1-c7-k02-pdu-b/total', OCT_AMS).map((s) => [s.customer, s.level]),
    [['nordwind', 'rule']],
  );
  t.same(
    holdersOf(model, 'sin1-r02-pdu-a/total', OCT_AMS).map((s) => [s.customer, s.level]),
    [['lumen', 'rule']],
  );
});

t.test("the review list in October: Fjord's rack before it moves in, the unsold rack in Singapore", async (t) => {
  t.same(
    unassignedPoints(model, OCT_AMS).map((u) => [u.point.id, u.gaps.map((g) => [g.fromMs, g.toMs])]),
    [
      ['ams2-r04-pdu-a/total', [[OCT_AMS.fromMs, ams('2026-10-16')]]],
      ['ams2-r04-pdu-b/total', [[OCT_AMS.fromMs, ams('2026-10-16')]]],
      ['sin1-r03-pdu-a/total', [[OCT_AMS.fromMs, OCT_AMS.toMs]]],
    ],
  );
});

t.test('who invoices whom: one entity for both Amsterdam sites, one for Singapore; accounts and contracts', async (t) => {
  const { parties } = model;
  t.same(
    [...parties.entities.values()].map((e) => [e.id, e.timeZone, e.sites, e.implied]),
    [
      ['nl-bv', 'Europe/Amsterdam', ['ams1', 'ams2'], false],
      ['sin1', 'Asia/Singapore', ['sin1'], false],
    ],
  );
  t.same(
    [...parties.entities.values()].map((e) => [e.details?.[0]?.vatId, e.details?.[0]?.address.country]),
    [
      ['NL859123456B01', 'NL'],
      ['SGM91234567X', 'SG'],
    ],
    'both entities have legal details',
  );
  t.same(
    [...parties.defaultAccount],
    [
      ['nordwind', 'nordwind-nl'],
      ['acme', 'acme'],
      ['kestrel', 'kestrel'],
      ['fjord', 'fjord'],
      ['lumen', 'lumen'],
    ],
    "Nordwind's invoices go to its Dutch account; everyone else to an account of its own id",
  );
  t.same(
    [...parties.accounts.values()].map((a) => [a.id, a.details?.[0]?.taxTreatment]),
    [
      ['nordwind-nl', 'standard'],
      ['acme', 'standard'],
      ['kestrel', 'reverse-charge'],
      ['fjord', 'standard'],
      ['lumen', 'standard'],
    ],
    'Kestrel, a German business, is invoiced under reverse charge',
  );
  t.same(
    [...parties.contracts.values()].map((c) => [
      c.id,
      c.customer,
      c.account,
      c.sites,
      c.versions.map((v) => [v.version, v.validFrom, v.prorate]),
    ]),
    [
      [
        'kestrel-colo',
        'kestrel',
        'kestrel',
        ['ams2'],
        [
          ['2026', '2026-05-01', 'days-held'],
          ['2026-10', '2026-10-20', 'days-held'],
        ],
      ],
      ['fjord-colo', 'fjord', 'fjord', ['ams2'], [['2026', '2026-10-01', 'days-held']]],
    ],
  );
  t.same(
    holdersOf(model, 'ams2-r04-pdu-a/total', OCT_AMS).map((s) => [s.customer, s.fromMs]),
    [['fjord', ams('2026-10-16')]],
    'Fjord from Amsterdam midnight of the 16th',
  );
});
