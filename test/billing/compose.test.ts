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
import { makeWorld } from '../api/world.js';
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
