// A central.yaml on the example inventory and tariffs in a temp folder, its SQLite store holding October's
// example readings (test/energy/example-data.ts) or none: what the command tests run `joulebook` on.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInventory } from '../../central/config/inventory-load.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import { exampleSeries } from '../energy/example-data.js';
import { ingest } from '../energy/stores.js';
import { quietLog } from './env.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ExampleConfig {
  dir: string;
  config: string;
  /** Readings stored (0 without them). */
  readings: number;
}

export async function exampleCentralConfig(opts: { readings?: boolean; prefix?: string } = {}): Promise<ExampleConfig> {
  const dir = mkdtempSync(join(tmpdir(), opts.prefix ?? 'jb-example-central-'));
  mkdirSync(join(dir, 'data'));
  const { model } = await readInventory(join(ROOT, 'config', 'inventory.example.yaml'));
  const store = await openSqliteStore({ file: join(dir, 'data', 'joulebook.db'), log: quietLog });
  if (opts.readings !== false) await ingest(store, exampleSeries(model));
  const readings = (await store.listSeries()).reduce((n, x) => n + x.readingCount, 0);
  await store.close();
  const config = join(dir, 'central.yaml');
  writeFileSync(
    config,
    [
      `inventory: ${join(ROOT, 'config', 'inventory.example.yaml')}`,
      `billing: { tariffs: ${join(ROOT, 'config', 'tariffs.example.yaml')}, since: '2026-10', minMeasuredPct: 90 }`,
      '',
    ].join('\n'),
  );
  return { dir, config, readings };
}
