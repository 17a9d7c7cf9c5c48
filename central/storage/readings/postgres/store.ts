// The store for more than one machine: PostgreSQL through a pool, every table under one schema (so tests
// and several deployments can share a database), migrations applied under an advisory lock at open.
import type pg from 'pg';
import type { Logger } from 'pino';
import { planWrite } from '../plan.js';
import type { MigrationReport } from '../../migration.js';
import type {
  AlertQuery,
  BoundaryOptions,
  BoundaryPair,
  BoundaryQuery,
  BoundaryValues,
  CentralStore,
  CounterEpochEvent,
  DeviceSerial,
  EventQuery,
  GatewayInfo,
  IngestBatch,
  LatestReading,
  SeqRange,
  SeriesFilter,
  SeriesInfo,
  SeriesKey,
  SeriesReading,
  StoredAlert,
  StoredEvent,
  StoreResult,
} from '../types.js';
import { boundaryValue } from '../types.js';
import { migratePostgres } from '../../postgres/migrate.js';
import { openMigratedPool, type PostgresOpenOptions } from '../../postgres/pool.js';
import { PostgresRetention } from '../../rollups/postgres-retention.js';
import { PostgresRollups } from '../../rollups/postgres.js';
import { RAW_FROM_KEY, type PowerStat } from '../../rollups/rows.js';
import { tieredBoundaries, type TierDeps } from '../../rollups/tiered.js';
import { ROLLUP_TIER } from '../../rollups/tier-source.js';
import type {
  LifecycleStore,
  RawRemoval,
  RollupClaim,
  RollupDayTotal,
  RollupRow,
  SeriesRollupState,
  StorageFigures,
} from '../../rollups/types.js';
import { epochEventsReceived } from './epochs-received.js';
import { PostgresReader } from './reader.js';
import { PostgresWriter } from './writer.js';
import { ReadingPartitions } from './partitions.js';

export interface PostgresStoreDeps {
  pool: pg.Pool;
  schema: string;
  log: Logger;
  now: () => number;
  /** close() ends the pool only when the store made it. */
  ownsPool: boolean;
}

export interface PostgresStoreOptions extends PostgresOpenOptions {
  /** Pool size (default 10). */
  maxConnections?: number;
}

/** Makes the pool (with int8 read as numbers), applies migrations, and returns the store. */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = await openMigratedPool(opts, opts.maxConnections ?? 10);
  const deps: PostgresStoreDeps = { pool, schema: opts.schema, log: opts.log, now: opts.now ?? Date.now, ownsPool: true };
  return new PostgresStore(deps);
}

export class PostgresStore implements CentralStore, LifecycleStore {
  private readonly writer: PostgresWriter;
  private readonly reader: PostgresReader;
  /** Weekly partitions of readings: made before writes, dropped by retention. */
  readonly partitions: ReadingPartitions;

  private readonly rollups: PostgresRollups;
  private readonly retention: PostgresRetention;
  private readonly tier: TierDeps;

  constructor(private readonly deps: PostgresStoreDeps) {
    this.partitions = new ReadingPartitions(deps);
    this.writer = new PostgresWriter({ ...deps, partitions: this.partitions });
    this.reader = new PostgresReader(deps);
    this.rollups = new PostgresRollups(deps);
    this.retention = new PostgresRetention({ ...deps, partitions: this.rollups.partitions });
    this.tier = {
      ...ROLLUP_TIER,
      raw: async (qs) =>
        (await this.reader.boundaries(qs)).map((p) => ({ before: boundaryValue(p.before), after: boundaryValue(p.after) })),
      rawFromMs: () => this.rollups.lifecycleValue(RAW_FROM_KEY),
      rows: (ws) => this.rollups.rollupRowsIn(ws),
    };
  }

  async store(batches: readonly IngestBatch[]): Promise<StoreResult[]> {
    if (batches.length === 0) return [];
    return this.writer.write(planWrite(batches));
  }

  migrate(): Promise<MigrationReport> {
    return migratePostgres(this.deps);
  }

  async close(): Promise<void> {
    if (this.deps.ownsPool) await this.deps.pool.end();
  }

  listSeries(filter?: SeriesFilter): Promise<SeriesInfo[]> {
    return this.reader.listSeries(filter);
  }

  findSeries(key: SeriesKey): Promise<SeriesInfo | undefined> {
    return this.reader.findSeries(key);
  }

  readings(seriesId: number, fromMs: number, toMs: number, opts?: { limit?: number }): Promise<SeriesReading[]> {
    return this.reader.readings(seriesId, fromMs, toMs, opts?.limit);
  }

  async boundary(q: BoundaryQuery): Promise<BoundaryPair> {
    return (await this.reader.boundaries([q]))[0]!;
  }

  boundaries(qs: readonly BoundaryQuery[], opts?: BoundaryOptions): Promise<BoundaryValues[]> {
    return tieredBoundaries(qs, opts?.tier ?? 'auto', this.tier);
  }

  latestReadings(filter?: { site?: string }): Promise<LatestReading[]> {
    return this.reader.latestReadings(filter);
  }

  events(q: EventQuery): Promise<StoredEvent[]> {
    return this.reader.events(q);
  }

  epochEvents(seriesId: number, fromMs: number, toMs: number): Promise<CounterEpochEvent[]> {
    return this.reader.epochEvents(seriesId, fromMs, toMs);
  }

  /** Counter epoch events by arrival: the rollup builder's late-epoch step (lifecycle/late-epochs.ts). */
  epochEventsReceived(afterMs: number, upToMs: number, limit: number): Promise<StoredEvent[]> {
    return epochEventsReceived(this.deps, afterMs, upToMs, limit);
  }

  sequenceRanges(site: string, gateway: string): Promise<SeqRange[]> {
    return this.reader.sequenceRanges(site, gateway);
  }

  sequenceGaps(site: string, gateway: string): Promise<SeqRange[]> {
    return this.reader.sequenceGaps(site, gateway);
  }

  activeAlerts(filter?: { site?: string; gateway?: string }): Promise<StoredAlert[]> {
    return this.reader.activeAlerts(filter);
  }

  alertHistory(q?: AlertQuery): Promise<StoredAlert[]> {
    return this.reader.alertHistory(q);
  }

  gateways(filter?: { site?: string }): Promise<GatewayInfo[]> {
    return this.reader.gateways(filter);
  }

  async gateway(site: string, gateway: string): Promise<GatewayInfo | undefined> {
    return (await this.reader.gateways({ site, gateway }))[0];
  }

  deviceSerials(site: string, gateway: string, device?: string): Promise<DeviceSerial[]> {
    return this.reader.deviceSerials(site, gateway, device);
  }

  // The lifecycle (issue 21): ../../rollups/postgres.ts and postgres-retention.ts.

  rollupStates(filter?: { site?: string }): Promise<SeriesRollupState[]> {
    return this.rollups.rollupStates(filter);
  }

  claimRollups(claims: readonly { seriesId: number; toMs: number }[]): Promise<RollupClaim[]> {
    return this.rollups.claimRollups(claims);
  }

  powerStats(seriesIds: readonly number[], fromMs: number, toMs: number, anchorMs: number, intervalMs: number): Promise<PowerStat[]> {
    return this.rollups.powerStats(seriesIds, fromMs, toMs, anchorMs, intervalMs);
  }

  writeRollups(rows: readonly RollupRow[], done: readonly RollupClaim[]): Promise<void> {
    return this.rollups.writeRollups(rows, done);
  }

  rollupRows(seriesIds: readonly number[], fromDayMs: number, toDayMs: number): Promise<RollupRow[]> {
    return this.rollups.rollupRows(seriesIds, fromDayMs, toDayMs);
  }

  rollupTotals(seriesIds: readonly number[], fromDayMs: number, toDayMs: number): Promise<RollupDayTotal[]> {
    return this.rollups.rollupTotals(seriesIds, fromDayMs, toDayMs);
  }

  markDirty(marks: readonly { seriesId: number; fromMs: number }[]): Promise<void> {
    return this.rollups.markDirty(marks);
  }

  lifecycleValue(key: string): Promise<number | undefined> {
    return this.rollups.lifecycleValue(key);
  }

  setLifecycleValue(key: string, value: number): Promise<void> {
    return this.rollups.setLifecycleValue(key, value);
  }

  /** Drops the partitions wholly before cutoffMs (DETACH + DROP, never DELETE; no batches): partitions.ts. */
  removeRawBefore(cutoffMs: number, _opts?: { batchRows?: number }): Promise<RawRemoval> {
    return this.partitions.removeBefore(cutoffMs);
  }

  /** Readings in those partitions: the planner's reltuples estimate (exact count where never analyzed). */
  rawRemovable(cutoffMs: number): Promise<number> {
    return this.partitions.removable(cutoffMs);
  }

  /** Closed weeks' keys rebuilt packed, concurrently (partitions.ts packClosed). */
  async compactClosed(beforeMs: number): Promise<number> {
    return (await this.partitions.packClosed(beforeMs)).length;
  }

  removeRollupsBefore(cutoffMs: number): Promise<number> {
    return this.retention.removeRollupsBefore(cutoffMs);
  }

  removeHistoryBefore(cutoffMs: number): Promise<number> {
    return this.retention.removeHistoryBefore(cutoffMs);
  }

  storageFigures(): Promise<StorageFigures> {
    return this.retention.storageFigures();
  }
}
