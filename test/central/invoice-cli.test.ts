// Invoicing as an operator does it, through the `joulebook` command on a central.yaml: October of the
// example inventory (readings of test/energy/example-data.ts in SQLite) invoiced, listed, shown as PDF
// and CSV, written to the output folder, and the energy behind it asked for.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readInventory } from '../../central/config/inventory-load.js';
import { openSqliteStore } from '../../central/storage/sqlite/store.js';
import { ON_NOV_5_2026 } from '../helpers/anchored-clock.js';
import { runCli } from '../helpers/cli.js';
import { quietLog } from '../helpers/env.js';
import { exampleSeries } from '../energy/example-data.js';
import { ingest } from '../energy/stores.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** The command on 5 November 2026, so October's invoices are numbered 2026 whatever day the suite runs. */
const cli = (args: string[], opts: { timeoutMs?: number } = {}) => runCli(args, { ...opts, env: ON_NOV_5_2026 });

t.test('invoice run, list, show; energy', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-invoice-cli-'));
  mkdirSync(join(dir, 'data'));
  const { model } = await readInventory(join(ROOT, 'config', 'inventory.example.yaml'));
  const store = await openSqliteStore({ file: join(dir, 'data', 'joulebook.db'), log: quietLog });
  await ingest(store, exampleSeries(model));
  await store.close();
  const config = join(dir, 'central.yaml');
  writeFileSync(config, [
    `inventory: ${join(ROOT, 'config', 'inventory.example.yaml')}`,
    `billing: { tariffs: ${join(ROOT, 'config', 'tariffs.example.yaml')}, since: '2026-10', minMeasuredPct: 90 }`,
    '',
  ].join('\n'));

  const run = await cli(['invoice', '-c', config, 'run', '--period', '2026-10', '--site', 'ams1'], { timeoutMs: 60_000 });
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /ams1 2026-10: finalized AMS1-2026-000001, AMS1-2026-000002/);

  const list = await cli(['invoice', '-c', config, 'list', '--site', 'ams1']);
  t.equal(list.code, 0, list.stderr);
  t.match(list.stdout, /AMS1-2026-000001\tams1\t2026-10\tacme\tfinal\t1909\.28 EUR/, 'acme\'s October, as worked out by hand in test/energy/drafts.test.ts');

  const pdf = await cli(['invoice', '-c', config, 'show', 'AMS1-2026-000001', '--format', 'pdf']);
  t.equal(pdf.code, 0, pdf.stderr);
  t.ok(pdf.stdout.startsWith('%PDF-'), 'a PDF');
  const csv = await cli(['invoice', '-c', config, 'show', 'AMS1-2026-000001', '--format', 'csv']);
  t.match(csv.stdout, /^invoice,status,customer,site,period_first_day/, 'a CSV with its header');
  t.match(csv.stdout, /AMS1-2026-000001,final,acme,ams1,2026-10-01,2026-10-31,EUR,energy:ams1-2026a:standard,energy,Energy,ams1-2026a,1579.2,kWh,0.2150,,339.53,/, 'lines with their trace');
  const out = join(dir, 'data', 'invoices', 'ams1', '2026-10');
  t.ok(existsSync(out), 'outputs written under dataDir/invoices');
  t.same(readdirSync(out).sort(), ['AMS1-2026-000001.csv', 'AMS1-2026-000001.json', 'AMS1-2026-000001.pdf', 'AMS1-2026-000002.csv', 'AMS1-2026-000002.json', 'AMS1-2026-000002.pdf', 'summary.json']);

  const again = await cli(['invoice', '-c', config, 'run', '--period', '2026-10', '--site', 'ams1'], { timeoutMs: 60_000 });
  t.match(again.stdout, /nothing new to finalize/, 'a finalized month is not invoiced twice');

  const energy = await cli(['energy', '-c', config, '--customer', 'acme', '--from', '2026-10-01', '--to', '2026-11-01', '--json']);
  t.equal(energy.code, 0, energy.stderr);
  const report = JSON.parse(energy.stdout) as { rows: { site: string; kWh: number }[] };
  t.same(report.rows.map((r) => r.site).sort(), ['ams1', 'sin1'], 'acme holds points in both sites');
});
