// `energy` over a real SQLite store with the example inventory's October readings (example-data.ts): the
// figures worked out by hand from each point's constant power.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { energyCommand } from '../../central/energy/cli.js';
import type { EnergyReport } from '../../central/energy/customer-report.js';
import { readInventory } from '../../central/config/inventory-load.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import { quietLog } from '../helpers/env.js';
import { exampleSeries } from './example-data.js';
import { ingest } from './stores.js';

const ROOT = join(import.meta.dirname, '..', '..');
const { model } = await readInventory(join(ROOT, 'config', 'inventory.example.yaml'));
const store = await openSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'jb-energy-cli-')), 'central.db'), log: quietLog });
t.teardown(() => store.close());
await ingest(store, exampleSeries(model));

async function run(args: string[]): Promise<{ out: string; opened: string[]; closed: number }> {
  let out = '';
  const opened: string[] = [];
  let closed = 0;
  const cmd = energyCommand({
    open: async (file) => {
      opened.push(file);
      return {
        store,
        model,
        close: async () => {
          closed++;
        },
      };
    },
    write: (s) => {
      out += s;
    },
  }).exitOverride();
  await cmd.parseAsync(args, { from: 'user' });
  return { out, opened, closed };
}

t.test('Acme in October by rack, as JSON', async (t) => {
  const r = await run([
    '--customer',
    'acme',
    '--from',
    '2026-10-01',
    '--to',
    '2026-11-01',
    '--by',
    'rack',
    '--json',
    '-c',
    '/etc/joulebook/central.yaml',
  ]);
  t.same(r.opened, ['/etc/joulebook/central.yaml']);
  t.equal(r.closed, 1, 'the store is closed after the command');
  const report = JSON.parse(r.out) as EnergyReport;
  // r12: branch circuits A and B, 2 + 1 kW × 745 h = 2235; r14: 1.5 + 0.5 kW less Nordwind's outlet 0.3 kW
  // = 1.7 kW × 745 h = 1266.5; K11 from 15 Oct: 2.5 + 1.5 kW × 409 h = 1636; sin1-r01: 2 × 0.1 kW × 744 h = 148.8.
  t.same(
    report.rows.map((x) => [x.site, x.group, x.kWh.toFixed(3), x.points, x.deducted]),
    [
      ['ams1', 'ams1-k11', '1636.000', 2, 0],
      ['ams1', 'ams1-r12', '2235.000', 2, 0],
      ['ams1', 'ams1-r14', '1266.500', 2, 1],
      ['sin1', 'sin1-r01', '148.800', 2, 0],
    ],
  );
  t.equal(report.total.kWh.toFixed(3), '5286.300');
  t.equal(report.rows[1]!.estimatedKwh.toFixed(3), '0.333', 'the meter exchange in r12: 10 minutes at 2 kW estimated');
  t.equal(report.stats.passes, 1);
});

t.test('by feed as a table; a timestamp with an offset for the start', async (t) => {
  const r = await run(['--customer', 'acme', '--from', '2026-10-15T00:00:00+02:00', '--to', '2026-10-16', '--by', 'feed']);
  const lines = r.out.trim().split('\n');
  t.match(lines[0], /^site\s+feed\s+from\s+until\s+kWh\s+measured\s+estimated\s+measured share\s+points$/);
  // 15 Oct in Amsterdam, 24 h. Feed A: 2 + 1.5 - 0.3 + 2.5 = 5.7 kW → 136.8; feed B: 1 + 0.5 + 1.5 = 3 kW → 72.
  // sin1: from the same instant (14 Oct 22:00Z) to Singapore's midnight of the 16th (15 Oct 16:00Z), 18 h at
  // 0.2 kW → 3.6. Total 212.4.
  t.match(lines[1], /^ams1\s+A\s+2026-10-15\s+2026-10-16\s+136\.800\s+136\.800\s+0\.000\s+100\.00%\s+3 \(-1\)$/);
  t.match(lines[2], /^ams1\s+B\s+.*\s72\.000\s/);
  t.match(lines[lines.length - 1], /^total\s+212\.400\s+212\.400\s+0\.000\s+100\.00%$/);
});

t.test('bad input: a clear error, the store still closed', async (t) => {
  await t.rejects(run(['--customer', 'nobody', '--from', '2026-10-01', '--to', '2026-11-01']), /unknown customer "nobody"/);
  await t.rejects(run(['--customer', 'acme', '--from', 'yesterday', '--to', '2026-11-01']), /--from "yesterday" is neither a local date/);
  await t.rejects(run(['--customer', 'acme', '--from', '2026-11-01', '--to', '2026-10-01']), /is not after/);
  await t.rejects(
    run(['--customer', 'acme', '--from', '2026-10-01', '--to', '2026-11-01', '--by', 'moon']),
    /Allowed choices are site, room, rack, feed, phase, point/,
  );
});

// Another customer's point inside acme's is deducted from the acme point containing it: by point, it is no
// row of its own (its id is not acme's to see, and a row of its own lost the deduction from the total).
t.test("by point: Nordwind's outlet in r14 is taken off the acme point containing it", async (t) => {
  const byPoint = JSON.parse(
    (await run(['--customer', 'acme', '--from', '2026-10-01', '--to', '2026-11-01', '--by', 'point', '--json'])).out,
  ) as EnergyReport;
  t.notOk(
    byPoint.rows.some((r) => r.group === 'ams1-r14-a-o1'),
    'no row of the outlet',
  );
  const branch = byPoint.rows.filter((r) => r.deducted > 0);
  t.equal(branch.length, 1, 'one acme point carries the deduction');
  t.equal(model.points.get(branch[0]!.group)?.rack, 'ams1-r14', `the r14 point containing it: ${branch[0]!.group}`);
  t.equal(byPoint.total.kWh.toFixed(3), '5286.300', 'the same total as by rack');
  t.equal(byPoint.rows.reduce((s, r) => s + r.kWh, 0).toFixed(3), '5286.300', 'and the rows add up to it');
});

// A rack held for part of the interval asked for: its row says when it was held, not the dates asked for.
// K11 passes from Nordwind to Acme on 15 October (Amsterdam): Acme's row starts there, Nordwind's ends there.
t.test('by rack as a table: a rack held part of the month shows the days it was held', async (t) => {
  const row = (out: string, rack: string) => out.split('\n').find((l) => l.includes(` ${rack} `));
  const acme = (await run(['--customer', 'acme', '--from', '2026-10-01', '--to', '2026-11-01', '--by', 'rack'])).out;
  t.match(row(acme, 'ams1-k11'), /^ams1\s+ams1-k11\s+2026-10-15\s+2026-11-01\s+1636\.000\s/, 'Acme holds K11 from the 15th');
  t.match(row(acme, 'ams1-r12'), /^ams1\s+ams1-r12\s+2026-10-01\s+2026-11-01\s+2235\.000\s/, 'a rack held all month: the month');
  t.match(row(acme, 'sin1-r01'), /^sin1\s+sin1-r01\s+2026-10-01\s+2026-11-01\s/, "Singapore's own local dates");
  const nordwind = (await run(['--customer', 'nordwind', '--from', '2026-10-01', '--to', '2026-11-01', '--by', 'rack'])).out;
  t.match(row(nordwind, 'ams1-k11'), /^ams1\s+ams1-k11\s+2026-10-01\s+2026-10-15\s/, 'Nordwind held K11 until the 15th');
  const json = JSON.parse(
    (await run(['--customer', 'acme', '--from', '2026-10-01', '--to', '2026-11-01', '--by', 'rack', '--json'])).out,
  ) as EnergyReport;
  const k11 = json.rows.find((r) => r.group === 'ams1-k11')!;
  t.same(
    [k11.fromMs, k11.toMs, k11.heldFromMs, k11.heldToMs].map((ms) => new Date(ms).toISOString()),
    ['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z', '2026-10-14T22:00:00.000Z', '2026-10-31T23:00:00.000Z'],
    'JSON: the interval asked for and the one held',
  );
  const part = (await run(['--customer', 'acme', '--from', '2026-10-20T12:30:00+02:00', '--to', '2026-10-21', '--by', 'rack'])).out;
  t.match(row(part, 'ams1-k11'), /^ams1\s+ams1-k11\s+2026-10-20 12:30\s+2026-10-21\s/, 'a start that is no midnight, to the minute');
});
