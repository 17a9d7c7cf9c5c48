// Real stores for the lifecycle proofs (issue 21): a fresh SQLite file or PostgreSQL schema that several
// store instances (central instances) open at once, 1-minute synthetic series, a rollup builder on them,
// and the checks every proof repeats: rows whose edges are the energy core over raw readings, and rows
// equal to a fresh build from raw.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import type { Test } from 'tap';
import { RollupBuilder } from '../../central/lifecycle/builder.js';
import { gridCuts, rollupGrid } from '../../central/energy/rollup.js';
import { seriesEnergyOverCuts } from '../../central/energy/series.js';
import { StoreSources } from '../../central/energy/store-source.js';
import { openPostgresBillingStore } from '../../central/storage/billing/postgres.js';
import { openSqliteBillingStore } from '../../central/storage/billing/sqlite.js';
import type { BillingStore } from '../../central/storage/billing/types.js';
import { openPostgresStore } from '../../central/storage/readings/postgres/store.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import type { CentralStore } from '../../central/storage/readings/types.js';
import { decodeRollupBody } from '../../central/storage/rollups/codec.js';
import type { RollupDay, RollupIntervalMin, RollupRow } from '../../central/storage/rollups/types.js';
import { needPeer, quietLog } from '../helpers/env.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';
import { synthesize } from '../helpers/synthetic.js';
import type { SeriesToIngest } from '../energy/stores.js';

export const ZONE = 'Europe/Amsterdam';
export const SITE = 'ams1';
export const GATEWAY = 'ams1-gw1';
export const MIN = 60_000;
export const H = 60 * MIN;
/** 2026-03-28 00:00 in Amsterdam (CET); the 29th is 23 h long (clocks go forward). */
export const DAY1 = Date.UTC(2026, 2, 27, 23);
export const INTERVAL_MIN: RollupIntervalMin = 15;

const schemas = pgSchemas('jb_lifecycle');

/** One database that several central instances open. */
export interface ProofDb {
  kind: 'sqlite' | 'postgres';
  open(now?: () => number): Promise<CentralStore>;
  billing(now?: () => number): Promise<BillingStore & { close(): unknown }>;
  /** What a child process needs to open it (pass-loop.mjs). */
  env: Record<string, string>;
}

export interface ProofKind {
  name: 'sqlite' | 'postgres';
  fresh(): ProofDb;
}

/** SQLite always, PostgreSQL when reachable (skipped with a reason otherwise; failed under JB_REQUIRE_PEERS=1). */
export async function proofKinds(t: Test): Promise<ProofKind[]> {
  const kinds: ProofKind[] = [
    {
      name: 'sqlite',
      fresh: () => {
        const file = join(mkdtempSync(join(tmpdir(), 'jb-lifecycle-')), 'central.db');
        return {
          kind: 'sqlite',
          open: (now) => openSqliteStore({ file, log: quietLog, ...(now ? { now } : {}) }),
          billing: async (now) => openSqliteBillingStore({ file, log: quietLog, ...(now ? { now } : {}) }),
          env: { JB_PROOF_SQLITE: file },
        };
      },
    },
  ];
  if (needPeer(t, await pgReachable(), `PostgreSQL at ${PG_URL}`)) {
    t.teardown(() => schemas.dropAll());
    kinds.push({
      name: 'postgres',
      fresh: () => {
        const schema = schemas.next();
        const base = { connectionString: PG_URL, schema, log: quietLog };
        return {
          kind: 'postgres',
          open: (now) => openPostgresStore({ ...base, maxConnections: 3, ...(now ? { now } : {}) }),
          billing: (now) => openPostgresBillingStore({ ...base, ...(now ? { now } : {}) }),
          env: { JB_PROOF_PG_URL: PG_URL, JB_PROOF_PG_SCHEMA: schema },
        };
      },
    });
  }
  return kinds;
}

/** Series i of a proof: readings every minute at 7 s past it (so every edge is interpolated), power in steps. */
export function minuteSeries(count: number, fromMs: number, toMs: number, offset = 0): SeriesToIngest[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    const data = synthesize({
      fromMs: fromMs + 7_000,
      toMs,
      stepMs: MIN,
      startKwh: 100 + i * 3.7,
      power: [
        { fromMs: 0, powerW: 800 + 150 * i },
        { fromMs: DAY1 + 30 * H + i * 7 * MIN, powerW: 2300 - 60 * i },
      ],
    });
    return { site: SITE, gateway: GATEWAY, device: `pdu-${i}`, channel: 'total', data };
  });
}

export interface Clock {
  nowMs: number;
  now(): number;
}
export const clockAt = (nowMs: number): Clock => {
  const c: Clock = { nowMs, now: () => c.nowMs };
  return c;
};

export function builderOn(store: CentralStore, clock: Clock, limits?: { series?: number; days?: number }): RollupBuilder {
  return new RollupBuilder({
    store,
    timeZoneOf: () => ZONE,
    clock,
    log: quietLog,
    intervalMin: INTERVAL_MIN,
    ...(limits ? { limits } : {}),
  });
}

/** The store with writeRollups counted: rows written per series-day, write calls. */
export function countingWrites(store: CentralStore): { store: CentralStore; rows: Map<string, number>; calls: () => number } {
  const rows = new Map<string, number>();
  let calls = 0;
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'writeRollups')
        return async (rs: readonly RollupRow[], done: Parameters<CentralStore['writeRollups']>[1]) => {
          await target.writeRollups(rs, done);
          calls++;
          for (const r of rs) rows.set(`${r.seriesId}/${r.dayMs}`, (rows.get(`${r.seriesId}/${r.dayMs}`) ?? 0) + 1);
        };
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: proxy, rows, calls: () => calls };
}

export const decode = (r: RollupRow): RollupDay => decodeRollupBody(r.body, r.seriesId, r.dayMs, r.intervalMin as RollupIntervalMin);

/** Every rollup row of the store, by `seriesId/dayMs`. */
export async function allRows(store: CentralStore): Promise<Map<string, RollupRow>> {
  const ids = (await store.rollupStates()).map((s) => s.seriesId);
  const rows = await store.rollupRows(ids, -1e15, 1e15);
  return new Map(rows.map((r) => [`${r.seriesId}/${r.dayMs}`, r]));
}

export const sameRow = (a: RollupRow, b: RollupRow): boolean =>
  a.energyKwh === b.energyKwh &&
  a.readings === b.readings &&
  a.intervalMin === b.intervalMin &&
  Buffer.from(a.body).equals(Buffer.from(b.body));

/**
 * Each row's edges against the energy core over the raw tier (StoreSources with tier 'raw') on that day's
 * grid alone; returns the edges compared. Fails the test at the first row that differs.
 */
export async function edgesEqualCore(t: Test, store: CentralStore, rows: Iterable<RollupRow>): Promise<number> {
  const states = new Map((await store.rollupStates()).map((s) => [s.seriesId, s]));
  let edges = 0;
  for (const row of rows) {
    const s = states.get(row.seriesId)!;
    const ref = { pointId: 'p', site: s.site, gateway: s.gateway, device: s.device, channel: s.channel };
    const cuts = gridCuts(rollupGrid(ZONE, row.dayMs, row.dayMs + 1, INTERVAL_MIN));
    const sources = await StoreSources.open({ store, tier: 'raw' }, [ref]);
    await sources.loadEvents(cuts[0]! - 7 * 24 * H);
    await sources.prefetch([{ pointId: 'p', instantsMs: cuts }]);
    const core = (await sources.settle([ref], () => seriesEnergyOverCuts(sources.get('p'), cuts))).get(ref)!;
    if ('error' in core) throw core.error;
    const want = [core.value[0]!.start, ...core.value.map((e) => e.end)];
    const day = decode(row);
    edges += day.edges.length;
    if (!isDeepStrictEqual(day.edges, want) || day.intervals.some((iv, i) => iv.kWh !== core.value[i]!.kWh)) {
      t.strictSame(day.edges, want, `series ${row.seriesId} day ${new Date(row.dayMs).toISOString()}: edges are the core over raw`);
      return edges;
    }
  }
  t.pass(`${edges} edges equal the energy core over raw readings`);
  return edges;
}

/**
 * Builds every series again from its first reading (or the first whole day of raw, after retention) and
 * compares every row with what was there: the incremental passes must have left what one fresh build gives.
 */
export async function equalsFreshBuild(t: Test, store: CentralStore, clock: Clock, what: string): Promise<number> {
  const before = await allRows(store);
  const states = await store.rollupStates();
  await store.markDirty(states.filter((s) => s.firstTs !== undefined).map((s) => ({ seriesId: s.seriesId, fromMs: s.firstTs! })));
  const report = await builderOn(store, clock).pass();
  t.equal(report.failed, 0, 'the fresh build failed no series');
  const after = await allRows(store);
  const differ = [...after].filter(([k, r]) => !before.has(k) || !sameRow(before.get(k)!, r)).map(([k]) => k);
  const lost = [...before.keys()].filter((k) => !after.has(k));
  t.same(
    { differ: differ.slice(0, 5), lost: lost.slice(0, 5) },
    { differ: [], lost: [] },
    `${what}: ${after.size} rows equal a fresh build`,
  );
  return after.size;
}
