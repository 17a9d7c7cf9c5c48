// The invoice run at scale: 110,000 metered outlets in three sites (two of one issuing entity), 2,000
// customers each on its own contract, one month with PDU swaps, racks changing hands, contract changes and
// a tariff change, on SQLite and on PostgreSQL. Only the run is timed (every draft of every issuing entity:
// energy from storage through the bridge, split, priced and gathered per account), in a child process whose
// peak RSS is the run's. What the store holds is stated in the figures (`store_rows`, `method`): one month
// of 1-minute readings for 110,000 points is 4.9 billion rows, so every point has its readings 1 minute
// apart in a window around each instant the run looks up, and the points of one rack per site every minute
// of the month; test/energy/bench-thinning.test.ts shows the run gives the same drafts with the same lookups
// on a fully sampled store and on one thinned this way.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { PACKAGE_ROOT } from '../../gateway/paths.js';
import { openPostgresStore } from '../../central/storage/readings/postgres/store.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import type { CentralStore } from '../../central/storage/readings/types.js';
import type { Bench } from '../bench.js';
import { COMMITTED_KW_PER_OUTLET, rackBatches, sequenceCounter, worldSize, type InvoiceWorldSpec } from './invoice-data.js';
import { round } from './round.js';

// JB_BENCH_INVOICE_RACKS scales the world down for a quick look (default 1,000 racks in Amsterdam 1 and in
// Singapore, 200 in Amsterdam 2: 110,000 points). JB_BENCH_INVOICE_OVERAGE_EVERY=n prices overage in every
// n-th contract (default none: each costs about 3 s of CPU, see docs/invoices.md).
const SPEC: InvoiceWorldSpec = {
  racksPerSite: Number(process.env.JB_BENCH_INVOICE_RACKS ?? 1000),
  outletsPerPdu: 25,
  racksPerGateway: 50,
  changeEvery: 20,
  swapEvery: 100,
  secondSiteEvery: 5,
  contractChangeEvery: 20,
  overageEvery: Number(process.env.JB_BENCH_INVOICE_OVERAGE_EVERY ?? 0),
  commitmentPriceEvery: 4,
  windowMin: 5,
  full: false,
  fullRacks: Number(process.env.JB_BENCH_INVOICE_FULL_RACKS ?? 1),
  month: '2026-10',
};
const PG_URL = process.env.JB_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const log = pino({ level: 'silent' });
const run = promisify(execFile);
// The run's process gets a heap limit, as a central node should: its live heap grows to about 460 MB (the
// model of 110,000 points, one chunk of customers, the entity's drafts with their trace), and without a
// limit V8 lets garbage grow the heap well past that before collecting (measured on the 100,000-point world:
// 894 MB peak RSS and 10.5 s without, 548 MB and 8.7 s with; on this one 640 or 900 MB give the same time
// within the machine's noise, 730 against 800 MB peak RSS).
const RUN_NODE_FLAGS = ['--max-old-space-size=640'];

interface RunResult {
  runS: number;
  cpuS: number;
  peakRssMb: number;
  drafts: number;
  failures: number;
  totals: Record<string, string>;
  boundaryQueries: number;
  passes: number;
  misses: number;
  points: number;
  customers: number;
  customerSections: number;
  lines: number;
  contracts: number;
  contractVersions: number;
  overageContracts: number;
  entities: number;
  sections: number;
  multiSection: number;
}

async function fill(store: CentralStore, out: (line: string) => void, name: string): Promise<number> {
  const t0 = performance.now();
  let rows = 0;
  let call: Parameters<CentralStore['store']>[0][number][] = [];
  const seq = sequenceCounter();
  for (const batches of rackBatches(SPEC, seq)) {
    call.push(...batches);
    if (call.length >= 40) {
      for (const r of await store.store(call)) rows += r.inserted;
      call = [];
    }
  }
  if (call.length > 0) for (const r of await store.store(call)) rows += r.inserted;
  out(`${name}: ${rows.toLocaleString('en')} readings and events stored in ${((performance.now() - t0) / 1000).toFixed(1)} s (not timed)`);
  return rows;
}

async function timedRun(args: string[]): Promise<RunResult> {
  const child = join(PACKAGE_ROOT, 'dist/scripts/benches/invoice-run.js');
  const { stdout } = await run(process.execPath, [...RUN_NODE_FLAGS, child, JSON.stringify(SPEC), ...args], { maxBuffer: 2 ** 24 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as RunResult;
}

async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export const invoiceBench: Bench = {
  name: 'invoice',
  description:
    'drafts of one month for 110,000 metered points, 2,000 customers on their own contracts (swaps, changes) on SQLite and PostgreSQL',
  async run(out) {
    const { racks, points } = worldSize(SPEC);
    const dir = mkdtempSync(join(tmpdir(), 'jb-bench-invoice-'));
    const file = join(dir, 'central.db');
    const sqlite = await openSqliteStore({ file, log });
    const rows = await fill(sqlite, out, 'sqlite');
    await sqlite.close();
    const load1m = loadavg()[0]!;
    // The store takes about 600 MB: gone once the run has read it.
    const s = await timedRun(['sqlite', file]).finally(() => rmSync(dir, { recursive: true, force: true }));
    out(
      `sqlite: ${s.drafts} drafts (${s.failures} failed, ${s.multiSection} with two sites), ${s.lines} lines, ${s.points} points, ` +
        `${s.boundaryQueries} boundary pairs in ${s.passes} pass(es), ` +
        `run ${s.runS.toFixed(2)} s (CPU ${s.cpuS.toFixed(2)} s), peak RSS ${s.peakRssMb.toFixed(0)} MB`,
    );

    let pgFigures: Record<string, number | string | boolean> = { postgres_invoice_run_s: 'unavailable: no PostgreSQL at JB_BENCH_PG_URL' };
    if (await pgReachable()) {
      const schema = `jb_bench_invoice_${process.pid}`;
      const store = await openPostgresStore({ connectionString: PG_URL, schema, log });
      try {
        await fill(store, out, 'postgres');
        const p = await timedRun(['postgres', PG_URL, schema]);
        out(`postgres: ${p.drafts} drafts, run ${p.runS.toFixed(2)} s, peak RSS ${p.peakRssMb.toFixed(0)} MB`);
        pgFigures = {
          postgres_invoice_run_s: round(p.runS, 2),
          postgres_invoice_run_cpu_s: round(p.cpuS, 2),
          postgres_peak_rss_mb: round(p.peakRssMb, 0),
          same_totals_sqlite_postgres: JSON.stringify(p.totals) === JSON.stringify(s.totals),
        };
      } finally {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await c.end();
        await store.close();
      }
    }
    return {
      invoice_run_s: round(s.runS, 2),
      peak_rss_mb: round(s.peakRssMb, 0),
      invoice_run_cpu_s: round(s.cpuS, 2),
      ...pgFigures,
      points,
      customers: s.customers,
      customer_sections: s.customerSections,
      contracts: s.contracts,
      contract_versions: s.contractVersions,
      overage_contracts: s.overageContracts,
      entities: s.entities,
      drafts: s.drafts,
      two_site_drafts: s.multiSection,
      failed_drafts: s.failures,
      boundary_pairs: s.boundaryQueries,
      passes: s.passes,
      store_rows: rows,
      run_node_flags: RUN_NODE_FLAGS.join(' '),
      load_average_1m_before_run: round(load1m, 2),
      ...describeWorld(racks),
      tariffs:
        'site price lists: flat price per kWh, overhead 1.3, a fixed fee, tax; ams1 changes version on the 16th; no time-of-use windows',
      totals: JSON.stringify(s.totals),
    };
  },
};

/** The world and how its store is thinned, in words, for the JSON line. */
function describeWorld(racks: number): { method: string; contract_terms: string; scenario: string } {
  const fullPoints = SPEC.outletsPerPdu * 2 * SPEC.fullRacks;
  const rackKw = COMMITTED_KW_PER_OUTLET.map((k) => (k * 2 * SPEC.outletsPerPdu).toFixed(0)).join(', ');
  const overage =
    SPEC.overageEvery > 0
      ? `1 in ${SPEC.overageEvery} prices overage of the 15-minute peak instead (1 in ${SPEC.commitmentPriceEvery} of those also charged per kW)`
      : 'no overage priced (JB_BENCH_INVOICE_OVERAGE_EVERY)';
  return {
    method: [
      `1-minute readings: every minute of the month for the ${fullPoints} points of ${SPEC.fullRacks} rack(s) per site;`,
      `for all other points the minutes within ±${SPEC.windowMin} min of each instant the run looks up`,
      '(period edges, the tariff change, holder and contract changes, 15-minute demand slots where overage is priced, swap readings).',
      'Same drafts and lookups as fully sampled: test/energy/bench-thinning.test.ts',
    ].join(' '),
    contract_terms: [
      `one contract per customer over its sites' list: its own price per kWh, committed power per rack held (${rackKw} kW) charged per kW`,
      overage,
      `1 in ${SPEC.contractChangeEvery} changes price on the 20th`,
    ].join('; '),
    scenario: [
      `${racks} racks of 2 PDUs x ${SPEC.outletsPerPdu} outlets in ams1, ams2 (one entity, EUR) and sin1 (SGD)`,
      `1 in ${SPEC.secondSiteEvery} ams1 customers also holds a rack in ams2`,
      `1 in ${SPEC.changeEvery} racks changes customer on the 15th`,
      `1 in ${SPEC.swapEvery} PDUs swapped on the 12th`,
    ].join('; '),
  };
}
