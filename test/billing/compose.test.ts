// The billing openBilling composes for the running node: the sites it invoices follow the model's tariffs,
// so a site whose first tariff version is added through the API (or by another central instance) is
// invoiced from the next tick on, without a restart.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openBilling } from '../../central/billing/compose.js';
import { resolvePaths } from '../../central/config/central-load.js';
import { CentralConfig } from '../../central/config/central-schema.js';
import { storageBackend } from '../../central/storage/backends.js';
import { buildModel } from '../../central/model/build.js';
import { INVENTORY, makeWorld } from '../api/world.js';
import { quietLog } from '../helpers/env.js';

t.test('a site that gains its first tariff while the node runs is invoiced at the next tick', async (t) => {
  const w = await makeWorld({ listen: false });
  t.teardown(() => w.close());
  const dir = mkdtempSync(join(tmpdir(), 'jb-billing-compose-'));
  const config = resolvePaths(
    CentralConfig.parse({
      storage: { sqlite: { file: w.file } },
      // Not read: the node's model holder brings the tariffs.
      billing: { tariffs: 'tariffs.yaml', since: '2026-10' },
    }),
    dir,
  );
  const store = await storageBackend(config.storage).openBilling(quietLog);
  const billing = await openBilling({
    config,
    readings: w.deps.store,
    store,
    model: w.holder.current().model,
    models: w.holder,
    log: quietLog,
    clock: { now: () => Date.UTC(2026, 10, 2, 12) },
  });
  t.teardown(() => billing.close());
  t.same(
    billing.runner.entities().map((s) => s.id),
    ['ams1'],
    'sin9 has no tariff yet',
  );

  const added = await w.holder.addTariffVersion(
    'sin9',
    { version: 'sin-2026', validFrom: '2026-01-01', currency: 'SGD', energyPricePerKwh: '0.30' },
    'ops',
  );
  t.ok(added.ok, 'an operator adds its first tariff version');
  t.same(
    billing.runner.entities().map((s) => s.id),
    ['ams1', 'sin9'],
  );

  const report = await billing.runner.tick();
  const sin9 = report.runs.find((r) => r.entity === 'sin9' && r.period === '2026-10');
  t.ok(sin9, 'the tick runs sin9 for October');
  // The world's readings are 12 h apart, so the draft is held for review of its measured share.
  t.match(sin9, { actions: ['compute', 'done'], held: 1 }, 'and drafts the invoice of the customer there');
  const [inv] = await billing.store.invoices({ entity: 'sin9', period: '2026-10' });
  t.match(inv, { customer: 'beta', status: 'held', currency: 'SGD' });
  t.ok(Number(inv?.total) > 0, `priced with the new tariff: ${inv?.total} SGD`);
});

t.test('a site that joins an issuing entity keeps the months it invoiced alone; the entity invoices it from then on', async (t) => {
  const w = await makeWorld({ listen: false });
  t.teardown(() => w.close());
  const dir = mkdtempSync(join(tmpdir(), 'jb-billing-entity-'));
  const config = resolvePaths(
    CentralConfig.parse({ storage: { sqlite: { file: w.file } }, billing: { tariffs: 'tariffs.yaml', since: '2026-10' } }),
    dir,
  );
  const alone = w.holder.current();
  const joined = buildModel({
    ...INVENTORY,
    entities: [{ id: 'nl-bv', name: 'Colo Netherlands B.V.' }],
    sites: INVENTORY.sites.map((s) => (s.id === 'ams1' ? { ...s, entity: 'nl-bv' } : s)),
  });
  if (!joined.ok) throw new Error(JSON.stringify(joined.problems));
  let snapshot = alone;
  let now = Date.UTC(2026, 11, 2, 12);
  const store = await storageBackend(config.storage).openBilling(quietLog);
  const billing = await openBilling({
    config,
    readings: w.deps.store,
    store,
    model: alone.model,
    models: { current: () => snapshot },
    log: quietLog,
    clock: { now: () => now },
  });
  t.teardown(() => billing.close());
  await billing.runner.tick();
  const before = await billing.store.invoices();
  const months = (list: typeof before) => [...new Set(list.map((i) => `${i.entity} ${i.period}`))].sort();
  t.same(months(before), ['ams1 2026-10', 'ams1 2026-11'], 'October and November invoiced by ams1 alone');

  // From December on, ams1 is invoiced by nl-bv; its runs start at the first month billing.since names.
  snapshot = { ...alone, model: joined.model, version: alone.version + 1 };
  now = Date.UTC(2027, 0, 2, 12);
  t.same(
    billing.runner.entities().map((e) => [e.id, e.since]),
    [['nl-bv', '2026-10']],
  );
  const report = await billing.runner.tick();
  t.same(report.errors, []);
  const after = await billing.store.invoices();
  t.same(
    after.filter((i) => i.period !== '2026-12').map((i) => [i.id, i.entity, i.period, i.customer]),
    before.map((i) => [i.id, i.entity, i.period, i.customer]),
    "nl-bv's runs of October and November leave ams1's invoices alone: nothing invoiced twice",
  );
  const december = after.filter((i) => i.period === '2026-12');
  t.ok(december.length > 0, `${december.length} December invoices`);
  t.same(months(december), ['nl-bv 2026-12'], "December is the entity's");
  t.same([...new Set(december.flatMap((i) => i.draft.sections.map((s) => s.site)))], ['ams1']);
});
