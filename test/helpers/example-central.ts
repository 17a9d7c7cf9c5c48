// A central node as `joulebook central` runs it on the example inventory and tariffs (embedded broker,
// SQLite, invoice runs, the API) on free ports, with October 2026's example readings in its store already
// (test/energy/example-data.ts, written through the store's ingest interface).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePaths } from '../../central/config/central-load.js';
import { CentralConfig } from '../../central/config/central-schema.js';
import { readInventory } from '../../central/config/inventory-load.js';
import type { Clock } from '../../common/clock.js';
import { startCentral, type RunningCentral } from '../../central/main.js';
import type { InventoryModel } from '../../central/model/types.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import { exampleSeries } from '../energy/example-data.js';
import { ingest } from '../energy/stores.js';
import { freePort, quietLog } from './env.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ExampleCentral {
  central: RunningCentral;
  model: InventoryModel;
  dir: string;
  mqttPort: number;
}

/**
 * `credentials` writes the broker's users file (credentials.yaml in the node's folder) before it starts;
 * `recheckMonths` sets billing.recheckMonths (0: no recheck replaces a note a test made by hand).
 */
export async function startExampleCentral(o: {
  clock: Clock;
  credentials: (file: string, model: InventoryModel) => Promise<void> | void;
  recheckMonths?: number;
}): Promise<ExampleCentral> {
  const dir = mkdtempSync(join(tmpdir(), 'jb-example-central-'));
  mkdirSync(join(dir, 'data'));
  const inventoryFile = join(ROOT, 'config', 'inventory.example.yaml');
  const { model } = await readInventory(inventoryFile);
  const store = await openSqliteStore({ file: join(dir, 'data', 'joulebook.db'), log: quietLog });
  await ingest(store, exampleSeries(model));
  await store.close();
  await o.credentials(join(dir, 'credentials.yaml'), model);
  const [mqttPort, apiPort] = [await freePort(), await freePort()];
  const config = resolvePaths(
    CentralConfig.parse({
      inventory: inventoryFile,
      broker: { embedded: { host: '127.0.0.1', port: mqttPort, credentials: 'credentials.yaml' } },
      billing: {
        tariffs: join(ROOT, 'config', 'tariffs.example.yaml'),
        since: '2026-10',
        minMeasuredPct: 90,
        ...(o.recheckMonths !== undefined ? { recheckMonths: o.recheckMonths } : {}),
      },
      api: { host: '127.0.0.1', port: apiPort },
      log: { level: 'warn' },
    }),
    dir,
  );
  const central = await startCentral({ config, clock: o.clock, log: quietLog });
  return { central, model, dir, mqttPort };
}
