// The data lifecycle at scale (issue 21), on SQLite and PostgreSQL in one run: a scaled-down colocator
// (lifecycle-data.ts) ingested day after day with a clock that follows it, the lifecycle pass (rollups, then
// 35-day raw retention) after each day, the store's size measured on the way; a customer's year chart over
// rollups; and a month of the invoice benchmark's small world invoiced from raw and from rollups.
//
// Scale: the mid-size colocator reads 60,000 points every minute (86 million readings a day); the
// default here is 100 points for 120 days (17.3 million readings per store). Bytes per reading, growth
// and build throughput do not depend on the number of points (rows are per reading and per series-day, the
// build is per series), so they extrapolate linearly: docs/storage.md does the arithmetic.
// JB_BENCH_LIFECYCLE_POINTS, _DAYS and _PER_DAY scale it (e.g. 20 points, 70 days for a quick look).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { composeLifecycle } from '../../central/lifecycle/compose.js';
import { CentralConfig } from '../../central/config/central-schema.js';
import { openPostgresStore } from '../../central/storage/readings/postgres/store.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import type { CentralStore, IngestBatch } from '../../central/storage/readings/types.js';
import type { Bench } from '../bench.js';
import { yearChartP95, invoiceBothWays } from './lifecycle-checks.js';
import { dayBatches, type ColocatorSpec } from './lifecycle-data.js';
import { round } from './round.js';

const PG_URL = process.env.JB_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DAY_MS = 86_400_000;
const log = pino({ level: 'silent' });

const SPEC: ColocatorSpec = {
  site: 'bench',
  points: Number(process.env.JB_BENCH_LIFECYCLE_POINTS ?? 100),
  readingsPerDay: Number(process.env.JB_BENCH_LIFECYCLE_PER_DAY ?? 1440),
  startMs: Date.UTC(2026, 0, 5),
};
const DAYS = Number(process.env.JB_BENCH_LIFECYCLE_DAYS ?? 120);
const RAW_DAYS = 35;

interface StoreFigures {
  rawBytesPerReading: number;
  rollupBytesPerReading: number;
  growth: number;
  rollupReadingsPerS: number;
  ingestReadingsPerS: number;
  sizeMbAt: Record<number, number>;
  retentionS: number;
}

async function storeBytes(store: CentralStore, file?: string): Promise<number> {
  const f = await store.storageFigures();
  const inStore = f.rawBytes + f.rollupBytes + f.otherBytes;
  // SQLite: the file itself is what the disk holds (free pages the incremental vacuum has not returned yet).
  return file ? Math.max(inStore, statSync(file).size) : inStore;
}

async function runStore(name: string, store: CentralStore, out: (l: string) => void, file?: string): Promise<StoreFigures> {
  let now = SPEC.startMs;
  const config = CentralConfig.parse({ lifecycle: { rawDays: RAW_DAYS } });
  const models = { current: () => ({ model: { sites: new Map([[SPEC.site, { timeZone: 'UTC' }]]) } }) } as never;
  const life = composeLifecycle({ config, store, models, clock: { now: () => now }, log });
  const seq = new Map<string, number>();
  let ingestMs = 0;
  let ingested = 0;
  let buildMs = 0;
  let built = 0;
  let retentionMs = 0;
  let rawBytesPerReading = NaN;
  const sizeMbAt: Record<number, number> = {};
  const startedMs = performance.now();
  for (let day = 0; day < DAYS; day++) {
    const t0 = performance.now();
    // Polls grouped into store calls of about 10,000 readings, as ingest groups messages (central.yaml ingest.maxReadings).
    let group: IngestBatch[] = [];
    let inGroup = 0;
    for (const batches of dayBatches(SPEC, day, seq)) {
      group.push(...batches);
      inGroup += batches.reduce((n, b) => n + (b.kind === 'readings' ? b.message.readings.length : 0), 0);
      if (inGroup < 10_000) continue;
      await store.store(group);
      ingested += inGroup;
      group = [];
      inGroup = 0;
    }
    if (group.length > 0) await store.store(group);
    ingested += inGroup;
    ingestMs += performance.now() - t0;
    now = SPEC.startMs + (day + 1) * DAY_MS + 3_600_000;
    if (day + 1 === RAW_DAYS) {
      const f = await store.storageFigures();
      rawBytesPerReading = f.rawBytes / f.rawRows;
    }
    const t1 = performance.now();
    const r = await life.pass({ parts: 'rollups' });
    buildMs += performance.now() - t1;
    built += r.rollups?.readings ?? 0;
    const t2 = performance.now();
    await life.pass({ parts: 'retention', retention: { maxBatches: 10_000 } });
    retentionMs += performance.now() - t2;
    if ((day + 1) % 30 === 0 || day + 1 === DAYS || day + 1 === Math.floor(DAYS / 2)) {
      sizeMbAt[day + 1] = round((await storeBytes(store, file)) / 1e6, 1);
      out(
        `${name}: day ${day + 1}: ${sizeMbAt[day + 1]} MB, ${ingested} readings ingested (${Math.round(ingestMs / 1000)} s), ` +
          `${built} rolled up (${Math.round(buildMs / 1000)} s), retention ${Math.round(retentionMs / 1000)} s, ` +
          `${Math.round((performance.now() - startedMs) / 1000)} s in all`,
      );
    }
  }
  const f = await store.storageFigures();
  const states = await store.rollupStates();
  const totals = await store.rollupTotals(
    states.map((s) => s.seriesId),
    SPEC.startMs - DAY_MS,
    SPEC.startMs + (DAYS + 1) * DAY_MS,
  );
  const covered = totals.reduce((n, x) => n + x.readings, 0);
  const half = Math.floor(DAYS / 2);
  return {
    rawBytesPerReading,
    rollupBytesPerReading: f.rollupBytes / covered,
    growth: (sizeMbAt[DAYS] ?? NaN) / (sizeMbAt[half] ?? NaN),
    rollupReadingsPerS: built / (buildMs / 1000),
    ingestReadingsPerS: ingested / (ingestMs / 1000),
    sizeMbAt,
    retentionS: retentionMs / 1000,
  };
}

async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

export const lifecycleBench: Bench = {
  name: 'lifecycle',
  description: 'rollups and retention of a scaled colocator on SQLite and PostgreSQL: bytes per reading, growth, build rate, year chart',
  async run(out) {
    if (DAYS < 60) throw new Error('JB_BENCH_LIFECYCLE_DAYS: at least 60 (growth is day N against day N/2 with 35-day retention)');
    const dir = mkdtempSync(join(tmpdir(), 'jb-lifecycle-'));
    const schema = `jb_bench_life_${process.pid}`;
    out(
      `colocator: ${SPEC.points} points, ${SPEC.readingsPerDay} readings a day each, ${DAYS} days ` +
        `(${SPEC.points * SPEC.readingsPerDay * DAYS} readings per store)`,
    );
    try {
      const file = join(dir, 'central.db');
      const sqlite = await openSqliteStore({ file, log, writerThread: true });
      const s = await runStore('sqlite', sqlite, out, file).finally(() => sqlite.close());
      const pgStore = await openPostgresStore({ connectionString: PG_URL, schema, log });
      const p = await runStore('postgres', pgStore, out).finally(() => pgStore.close());
      const chart = await yearChartP95({ pgUrl: PG_URL, schema: `${schema}_year`, log, out });
      const equal = await invoiceBothWays({ dir, log, out });
      return {
        points: SPEC.points,
        days: DAYS,
        readings_per_store: SPEC.points * SPEC.readingsPerDay * DAYS,
        raw_bytes_per_reading_pg: round(p.rawBytesPerReading, 1),
        raw_bytes_per_reading_sqlite: round(s.rawBytesPerReading, 1),
        rollup_bytes_per_reading: round(p.rollupBytesPerReading, 2),
        rollup_bytes_per_reading_sqlite: round(s.rollupBytesPerReading, 2),
        steady_state_growth: round(p.growth, 3),
        steady_state_growth_sqlite: round(s.growth, 3),
        rollup_readings_per_s: Math.round(p.rollupReadingsPerS),
        rollup_readings_per_s_sqlite: Math.round(s.rollupReadingsPerS),
        year_history_p95_ms: round(chart.portalP95Ms, 1),
        year_history_totals_p95_ms: round(chart.totalsP95Ms, 1),
        year_history_series: chart.series,
        invoice_from_rollups_equal: equal ? 1 : 0,
        ingest_readings_per_s_pg: Math.round(p.ingestReadingsPerS),
        ingest_readings_per_s_sqlite: Math.round(s.ingestReadingsPerS),
        retention_s_pg: round(p.retentionS, 1),
        retention_s_sqlite: round(s.retentionS, 1),
        size_mb_pg: JSON.stringify(p.sizeMbAt),
        size_mb_sqlite: JSON.stringify(s.sizeMbAt),
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await dropSchema(schema).catch(() => undefined);
    }
  },
};
