// The invoice runs' guarantees per issuing entity, with consolidated invoices (issue 19), on three central
// instances sharing one PostgreSQL: NL B.V. invoices ams1 (Amsterdam) and dub1 (Dublin), fra1 (Berlin)
// invoices alone (entity-world.ts). The instances tick at the same moments; every closed month of every
// entity is invoiced once, in order, a month closing only once it closed in every zone of the entity; one
// invoice per billing account and month, with a section per site; numbers gap-free per entity and year;
// final rows refused an UPDATE or DELETE by the database; late data at one site of a consolidated invoice
// gives one note against it, whichever instance rechecks.
import pg from 'pg';
import t from 'tap';
import { closesAtMs } from '../../central/billing/run/machine.js';
import { InvoiceRunner, type TickReport } from '../../central/billing/run/runner.js';
import type { RunSettings } from '../../central/billing/run/types.js';
import { openPostgresBillingStore, type PostgresBillingStore } from '../../central/storage/billing/postgres.js';
import { InvoiceImmutableError, type StoredInvoice } from '../../central/storage/billing/types.js';
import { needPeer, quietLog } from '../helpers/env.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';
import { EntityWorld } from './entity-world.js';

const schemas = pgSchemas('jb_entity_runs');
const H = 3_600_000;
const SETTINGS: RunSettings = { graceMs: H, minMeasuredShare: 0.999, recheckMonths: 0 };

const row = (i: StoredInvoice) => [i.entity, i.period, i.customer, i.account, i.number];
const errorsOf = (reports: TickReport[]) => reports.flatMap((r) => r.errors);

t.test('issuing entities on three central instances sharing PostgreSQL', async (t) => {
  if (!needPeer(t, await pgReachable(), `PostgreSQL at ${PG_URL}`)) return;
  t.teardown(() => schemas.dropAll());
  const schema = schemas.next();
  const world = new EntityWorld();
  world.delayMs = 100;
  let nowMs = 0;
  const clock = { now: () => nowMs };
  const stores: PostgresBillingStore[] = [];
  for (let i = 0; i < 3; i++) {
    const store = await openPostgresBillingStore({ connectionString: PG_URL, schema, log: quietLog, maxConnections: 3 });
    t.teardown(() => store.close());
    stores.push(store);
  }
  const entities = world.entities('2026-07');
  const rendered: string[] = [];
  const instances = (settings: RunSettings) =>
    stores.map(
      (store, i) =>
        new InvoiceRunner({
          store,
          computeDrafts: world.computeDrafts,
          outputs: { invoice: async (inv) => void rendered.push(inv.number!) },
          clock,
          log: quietLog,
          owner: `node-${i}`,
          entities,
          settings,
        }),
    );
  const runners = instances(SETTINGS);
  const tickAll = (list: InvoiceRunner[] = runners) => Promise.all(list.map((r) => r.tick()));
  const store = stores[0]!;

  await t.test('catch-up: each closed month once and in order; a month closes when it closed in every zone of the entity', async (t) => {
    // October ends at 23:00 UTC on the 31st in Amsterdam and Berlin, at 00:00 UTC on 1 November in Dublin;
    // with an hour's grace NL B.V.'s October closes at 01:00 UTC, fra1's at 00:00 UTC.
    const [nl, fra] = entities;
    t.same(
      [nl!.zones, closesAtMs(nl!, '2026-10', H), closesAtMs(fra!, '2026-10', H)],
      [['Europe/Amsterdam', 'Europe/Dublin'], Date.UTC(2026, 10, 1, 1), Date.UTC(2026, 10, 1, 0)],
    );
    nowMs = Date.UTC(2026, 10, 1, 0, 30);
    const reports = await tickAll();
    t.same(errorsOf(reports), [], 'no errors');
    t.ok(
      reports.some((r) => r.runs.some((x) => !x.locked)),
      'an instance found a run locked by another',
    );
    t.same(
      (await store.invoices()).map(row),
      [
        ['fra1', '2026-07', 'acme', 'acme', 'FRA1-2026-000001'],
        ['fra1', '2026-08', 'acme', 'acme', 'FRA1-2026-000002'],
        ['fra1', '2026-09', 'acme', 'acme', 'FRA1-2026-000003'],
        ['fra1', '2026-10', 'acme', 'acme', 'FRA1-2026-000004'],
        ['nl-bv', '2026-07', 'acme', 'acme', 'NL-BV-2026-000001'],
        ['nl-bv', '2026-07', 'globex', 'globex-ie', 'NL-BV-2026-000002'],
        ['nl-bv', '2026-07', 'globex', 'globex-nl', 'NL-BV-2026-000003'],
        ['nl-bv', '2026-08', 'acme', 'acme', 'NL-BV-2026-000004'],
        ['nl-bv', '2026-08', 'globex', 'globex-ie', 'NL-BV-2026-000005'],
        ['nl-bv', '2026-08', 'globex', 'globex-nl', 'NL-BV-2026-000006'],
        ['nl-bv', '2026-09', 'acme', 'acme', 'NL-BV-2026-000007'],
        ['nl-bv', '2026-09', 'globex', 'globex-ie', 'NL-BV-2026-000008'],
        ['nl-bv', '2026-09', 'globex', 'globex-nl', 'NL-BV-2026-000009'],
      ],
      "fra1's October is invoiced, NL B.V.'s waits for Dublin's; one invoice per account and month, numbered in order per entity",
    );
    t.same(
      [...world.calls].sort(),
      ['fra1/2026-07', 'fra1/2026-08', 'fra1/2026-09', 'fra1/2026-10', 'nl-bv/2026-07', 'nl-bv/2026-08', 'nl-bv/2026-09'],
      'each month of each entity computed once',
    );
    t.equal(rendered.length, 13, 'each invoice rendered once, by whichever instance ran it');
    // July, 744 h: ams1 2 kW = 1488 kWh × 0.20 = 297.60 + rack 400.00 = 697.60; dub1 1 kW = 744 kWh × 0.25 =
    // 186.00 + rack 300.00 = 486.00; subtotal 1183.60, VAT 21 % 248.556 -> 248.56, total 1432.16.
    const july = (await store.invoiceByNumber('NL-BV-2026-000001'))!;
    t.same(
      [july.draft.sections.map((s) => [s.site, s.subtotal]), july.total],
      [
        [
          ['ams1', '697.60'],
          ['dub1', '486.00'],
        ],
        '1432.16',
      ],
    );

    const again = await tickAll();
    t.same(
      again.flatMap((r) => r.runs),
      [],
      'a second round at the same moment does nothing',
    );
    t.equal(world.calls.length, 7);
  });

  await t.test('October closes in Dublin: NL B.V. invoices it, one consolidated invoice per account', async (t) => {
    nowMs = Date.UTC(2026, 10, 1, 1);
    const reports = await tickAll();
    t.same(errorsOf(reports), []);
    t.same(
      (await store.invoices({ entity: 'nl-bv', period: '2026-10' })).map(row),
      [
        ['nl-bv', '2026-10', 'acme', 'acme', 'NL-BV-2026-000010'],
        ['nl-bv', '2026-10', 'globex', 'globex-ie', 'NL-BV-2026-000011'],
        ['nl-bv', '2026-10', 'globex', 'globex-nl', 'NL-BV-2026-000012'],
      ],
      'the numbers go on without a gap',
    );
    t.same(world.calls.slice(7), ['nl-bv/2026-10'], 'computed once');
    t.same(
      (await store.runs()).map((r) => `${r.entity}/${r.period}:${r.state}`).sort(),
      ['07', '08', '09', '10'].flatMap((m) => [`fra1/2026-${m}:complete`, `nl-bv/2026-${m}:complete`]).sort(),
      'every run complete',
    );

    // October has 745 h in all three zones (summer time ends on the 25th everywhere).
    // acme: ams1 2 kW = 1490 kWh × 0.20 = 298.00, rack 400.00: 698.00. dub1 1 kW = 745 kWh × 0.25 = 186.25,
    // rack 300.00: 486.25. Subtotal 1184.25; one VAT line over both sections: 1184.25 × 21 % = 248.6925 ->
    // 248.69; total 1432.94.
    const acme = (await store.invoiceByNumber('NL-BV-2026-000010'))!;
    const d = acme.draft;
    t.match(d, {
      customer: 'acme',
      account: 'acme',
      entity: 'nl-bv',
      currency: 'EUR',
      period: { label: '2026-10', timeZone: 'Europe/Amsterdam' },
    });
    t.same(
      d.sections.map((s) => [s.site, s.period.timeZone, s.period.fromMs, s.versions, s.subtotal]),
      [
        ['ams1', 'Europe/Amsterdam', Date.UTC(2026, 8, 30, 22), ['v2026'], '698.00'],
        ['dub1', 'Europe/Dublin', Date.UTC(2026, 8, 30, 23), ['v2026'], '486.25'],
      ],
      'a section per site, each in its own zone',
    );
    t.same(
      d.lines.map((l) => [l.site, l.key, l.quantity, l.amount]),
      [
        ['ams1', 'energy:v2026:standard', '1490', '298.00'],
        ['ams1', 'fixed_fee:v2026:Rack space', '1', '400.00'],
        ['dub1', 'energy:v2026:standard', '745', '186.25'],
        ['dub1', 'fixed_fee:v2026:Rack space', '1', '300.00'],
        [undefined, 'tax:VAT:21', '1184.25', '248.69'],
      ],
    );
    t.same([d.subtotal, d.taxTotal, d.total, acme.total], ['1184.25', '248.69', '1432.94', '1432.94']);
    t.same([...new Set(d.trace.map((v) => v.site))], ['ams1', 'dub1'], 'the trace names the site of each entry');

    // globex: one invoice per account. globex-nl (ams1, contract price 0.18): 3 kW = 2235 kWh = 402.30, rack
    // 400.00 (31 of 31 days held): 802.30, VAT 168.483 -> 168.48, total 970.78. globex-ie (dub1, 0.23): 2 kW
    // = 1490 kWh = 342.70, rack 300.00: 642.70, VAT 134.967 -> 134.97, total 777.67.
    const globex = await store.invoices({ entity: 'nl-bv', period: '2026-10', customer: 'globex' });
    t.same(
      globex.map((i) => [i.account, i.draft.sections.map((s) => s.site), i.draft.lines.map((l) => l.amount), i.total]),
      [
        ['globex-ie', ['dub1'], ['342.70', '300.00', '134.97'], '777.67'],
        ['globex-nl', ['ams1'], ['402.30', '400.00', '168.48'], '970.78'],
      ],
    );
    // fra1 invoices alone, in its own series: 1 kW = 745 kWh × 0.22 = 163.90, rack 350.00: 513.90,
    // VAT 19 % 97.641 -> 97.64, total 611.54.
    t.match(await store.invoiceByNumber('FRA1-2026-000004'), {
      entity: 'fra1',
      account: 'acme',
      total: '611.54',
      draft: { sections: [{ site: 'fra1' }] },
    });
  });

  await t.test('a final invoice is refused an UPDATE or DELETE by the database itself', async (t) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    t.teardown(() => c.end());
    await c.query(`SET search_path TO "${schema}"`);
    const before = await c.query('SELECT total, draft FROM invoices WHERE number = $1', ['NL-BV-2026-000010']);
    await t.rejects(
      c.query(`UPDATE invoices SET total = '0.00' WHERE number = $1`, ['NL-BV-2026-000010']),
      /invoices NL-BV-2026-000010 is immutable/,
    );
    await t.rejects(c.query(`UPDATE invoices SET account = 'globex-nl' WHERE site = 'nl-bv'`), /is immutable/);
    await t.rejects(c.query('DELETE FROM invoices WHERE number = $1', ['NL-BV-2026-000010']), /is immutable/);
    t.same((await c.query('SELECT total, draft FROM invoices WHERE number = $1', ['NL-BV-2026-000010'])).rows, before.rows, 'unchanged');
    const acme = (await store.invoiceByNumber('NL-BV-2026-000010'))!;
    await t.rejects(store.replaceDraft(acme.id, { draft: acme.draft, review: [] }), InvoiceImmutableError);
  });

  await t.test('late data at one site of a consolidated invoice: one note against it, whichever instance rechecks', async (t) => {
    const rechecking = instances({ ...SETTINGS, recheckMonths: 1 });
    nowMs = Date.UTC(2026, 10, 3, 6);
    const calm = await tickAll(rechecking);
    t.same(errorsOf(calm), []);
    t.same(
      calm.flatMap((r) => r.notes),
      [],
      'nothing changed: no note (lines of the two sections share their keys and are told apart by site)',
    );

    // Readings arrive late from Dublin: acme drew 1.2 kW there in October, not 1. dub1 energy 894 kWh × 0.25
    // = 223.50 (+37.25, +149 kWh); VAT on 1221.50 = 256.515 -> 256.52 (+7.83); the invoice's total + 45.08.
    world.powerKw.set('acme@dub1@2026-10', 1.2);
    const late = await tickAll(rechecking);
    t.same(errorsOf(late), []);
    t.same(
      late.flatMap((r) => r.notes).map((n) => [n.invoiceNumber, n.noteNumber, n.kind, n.totalDelta, n.created]),
      [['NL-BV-2026-000010', 'NL-BV-DN-2026-000001', 'debit', '45.08', true]],
      'one debit note, numbered in the entity series',
    );
    const [dn] = await store.notes('NL-BV-2026-000010');
    t.same(
      dn!.note.lines.map((l) => [l.site, l.key, l.was.amount, l.now.amount, l.quantityDelta, l.amountDelta]),
      [
        ['dub1', 'energy:v2026:standard', '186.25', '223.50', '149', '37.25'],
        [undefined, 'tax:VAT:21', '248.69', '256.52', '37.25', '7.83'],
      ],
      "only the Dublin section's energy and the tax: ams1's line of the same key is untouched",
    );
    t.match(dn!.note, { account: 'acme', entity: 'nl-bv', subtotalDelta: '37.25', taxDelta: '7.83' });
    t.same(
      (await tickAll(rechecking)).flatMap((r) => r.notes),
      [],
      'a recheck that finds nothing new issues nothing',
    );

    // Corrected again (0.8 kW), rechecked by the third instance alone: 596 kWh × 0.25 = 149.00, -74.50 against
    // the invoice as the debit note left it; VAT on 1147.00 = 240.87 (-15.65); total -90.15.
    world.powerKw.set('acme@dub1@2026-10', 0.8);
    const third = await rechecking[2]!.tick();
    t.same(
      third.notes.map((n) => [n.noteNumber, n.kind, n.totalDelta]),
      [['NL-BV-CN-2026-000001', 'credit', '-90.15']],
    );
    t.same(
      (await tickAll(rechecking)).flatMap((r) => r.notes),
      [],
    );
    const notes = await store.notes('NL-BV-2026-000010');
    t.same(
      notes.map((n) => [n.number, n.totalDelta, n.note.lines.map((l) => [l.site, l.was.amount, l.now.amount])]),
      [
        [
          'NL-BV-DN-2026-000001',
          '45.08',
          [
            ['dub1', '186.25', '223.50'],
            [undefined, '248.69', '256.52'],
          ],
        ],
        [
          'NL-BV-CN-2026-000001',
          '-90.15',
          [
            ['dub1', '223.50', '149.00'],
            [undefined, '256.52', '240.87'],
          ],
        ],
      ],
    );
    for (const inv of await store.invoices({ status: 'final' }))
      if (inv.number !== 'NL-BV-2026-000010') t.same(await store.notes(inv.number!), [], `${inv.number}: no note`);
  });

  await t.test('a new year: numbers start again per entity, from the issue date in its zone', async (t) => {
    // At 01:00 UTC on 1 January 2027 December has closed in Dublin too; November and December are issued
    // on 1 January 2027 (Amsterdam and Berlin), so both take 2027 numbers.
    nowMs = Date.UTC(2027, 0, 1, 1);
    const reports = await tickAll();
    t.same(errorsOf(reports), []);
    t.same((await store.invoices()).filter((i) => i.period >= '2026-11').map(row), [
      ['fra1', '2026-11', 'acme', 'acme', 'FRA1-2027-000001'],
      ['fra1', '2026-12', 'acme', 'acme', 'FRA1-2027-000002'],
      ['nl-bv', '2026-11', 'acme', 'acme', 'NL-BV-2027-000001'],
      ['nl-bv', '2026-11', 'globex', 'globex-ie', 'NL-BV-2027-000002'],
      ['nl-bv', '2026-11', 'globex', 'globex-nl', 'NL-BV-2027-000003'],
      ['nl-bv', '2026-12', 'acme', 'acme', 'NL-BV-2027-000004'],
      ['nl-bv', '2026-12', 'globex', 'globex-ie', 'NL-BV-2027-000005'],
      ['nl-bv', '2026-12', 'globex', 'globex-nl', 'NL-BV-2027-000006'],
    ]);
    const all = await store.invoices();
    const keys = all.map((i) => `${i.entity}/${i.period}/${i.account}`);
    t.equal(new Set(keys).size, keys.length, 'no account has two invoices for a month');
    t.equal(all.length, 6 + 6 * 3, 'fra1: six months of one account; NL B.V.: six months of three accounts');
    t.equal(rendered.length, all.length, 'each rendered once');
  });
});
