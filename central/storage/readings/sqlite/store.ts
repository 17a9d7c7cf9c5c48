// The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a store() that resolved
// survives a power loss. Reads run on the caller's connection; writes too, or on a writer thread with a
// connection of its own (writer-thread.ts), which lets ingest parse the next messages meanwhile.
import type Database from 'better-sqlite3';
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
import { openSqliteDatabase, type SqliteCreate } from '../../sqlite/database.js';
import { migrateSqlite } from '../../sqlite/migrate.js';
import { RAW_FROM_KEY, type PowerStat } from '../../rollups/rows.js';
import { SqliteRetention } from '../../rollups/sqlite-retention.js';
import { SqliteRollups } from '../../rollups/sqlite.js';
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
import { SqliteReader } from './reader.js';
import { SqliteWriterThread } from './writer-thread.js';
import { SqliteWriter } from './writer.js';

export interface SqliteStoreDeps {
  /** An open database whose schema is current (openSqliteStore does both). */
  db: Database.Database;
  log: Logger;
  now: () => number;
  /** Writes go to this thread (its own connection to the same file) instead of `db`. */
  thread?: SqliteWriterThread;
}

export interface SqliteStoreOptions {
  file: string;
  log: Logger;
  now?: () => number;
  /** Write on a thread of its own (writer-thread.ts), as the central node does; inline when false. */
  writerThread?: boolean;
  /** Where no file is: make a new database (default) or refuse (database.ts). */
  create?: SqliteCreate;
  /** The operator asked for a new database: also on an empty file (never over a database). */
  newDatabase?: boolean;
}

/**
 * Opens the database file (made where none is, mode 0600; an empty, damaged or foreign file refused by
 * name), sets WAL + synchronous FULL, applies migrations.
 */
export async function openSqliteStore(opts: SqliteStoreOptions): Promise<SqliteStore> {
  const log = opts.log;
  const now = opts.now ?? Date.now;
  const db = openSqliteDatabase({
    file: opts.file,
    log,
    now,
    readings: true,
    checkMode: true,
    ...(opts.create ? { create: opts.create } : {}),
    ...(opts.newDatabase ? { newDatabase: true } : {}),
  });
  let thread: SqliteWriterThread | undefined;
  try {
    const deps = { db, log, now };
    if (opts.writerThread) {
      thread = new SqliteWriterThread({ file: opts.file, log });
      await thread.start();
    }
    return new SqliteStore({ ...deps, thread });
  } catch (err) {
    await thread?.close();
    db.close();
    throw err;
  }
}

export class SqliteStore implements CentralStore, LifecycleStore {
  private readonly writer: SqliteWriter | SqliteWriterThread;
  private readonly reader: SqliteReader;
  private readonly rollups: SqliteRollups;
  private readonly retention: SqliteRetention;
  private readonly tier: TierDeps;

  constructor(private readonly deps: SqliteStoreDeps) {
    this.writer = deps.thread ?? new SqliteWriter({ db: deps.db });
    this.reader = new SqliteReader({ db: deps.db });
    this.rollups = new SqliteRollups({ db: deps.db, now: deps.now });
    this.retention = new SqliteRetention({ db: deps.db });
    this.tier = {
      ...ROLLUP_TIER,
      raw: async (qs) => qs.map((q) => this.reader.boundaryValues(q)),
      rawFromMs: async () => this.rollups.lifecycleValue(RAW_FROM_KEY),
      rows: async (ws) => ws.flatMap((w) => this.rollups.rollupRows([w.seriesId], w.fromDayMs, w.toDayMs)),
    };
  }

  async store(batches: readonly IngestBatch[]): Promise<StoreResult[]> {
    if (batches.length === 0) return [];
    return this.writer.write(planWrite(batches));
  }

  async migrate(): Promise<MigrationReport> {
    return migrateSqlite(this.deps.db, this.deps);
  }

  async close(): Promise<void> {
    await this.deps.thread?.close();
    this.deps.db.close();
  }

  async listSeries(filter?: SeriesFilter): Promise<SeriesInfo[]> {
    return this.reader.listSeries(filter);
  }

  async findSeries(key: SeriesKey): Promise<SeriesInfo | undefined> {
    return this.reader.findSeries(key);
  }

  async readings(seriesId: number, fromMs: number, toMs: number, opts?: { limit?: number }): Promise<SeriesReading[]> {
    return this.reader.readings(seriesId, fromMs, toMs, opts?.limit);
  }

  async boundary(q: BoundaryQuery): Promise<BoundaryPair> {
    return this.reader.boundary(q);
  }

  async boundaries(qs: readonly BoundaryQuery[], opts?: BoundaryOptions): Promise<BoundaryValues[]> {
    return tieredBoundaries(qs, opts?.tier ?? 'auto', this.tier);
  }

  async latestReadings(filter?: { site?: string }): Promise<LatestReading[]> {
    return this.reader.latestReadings(filter);
  }

  async events(q: EventQuery): Promise<StoredEvent[]> {
    return this.reader.events(q);
  }

  async epochEvents(seriesId: number, fromMs: number, toMs: number): Promise<CounterEpochEvent[]> {
    return this.reader.epochEvents(seriesId, fromMs, toMs);
  }

  /** Counter epoch events by arrival: the rollup builder's late-epoch step (lifecycle/late-epochs.ts). */
  async epochEventsReceived(afterMs: number, upToMs: number, limit: number): Promise<StoredEvent[]> {
    return epochEventsReceived(this.deps.db, afterMs, upToMs, limit);
  }

  async sequenceRanges(site: string, gateway: string): Promise<SeqRange[]> {
    return this.reader.sequenceRanges(site, gateway);
  }

  async sequenceGaps(site: string, gateway: string): Promise<SeqRange[]> {
    return this.reader.sequenceGaps(site, gateway);
  }

  async activeAlerts(filter?: { site?: string; gateway?: string }): Promise<StoredAlert[]> {
    return this.reader.activeAlerts(filter);
  }

  async alertHistory(q?: AlertQuery): Promise<StoredAlert[]> {
    return this.reader.alertHistory(q);
  }

  async gateways(filter?: { site?: string }): Promise<GatewayInfo[]> {
    return this.reader.gateways(filter);
  }

  async gateway(site: string, gateway: string): Promise<GatewayInfo | undefined> {
    return this.reader.gateways({ site, gateway })[0];
  }

  async deviceSerials(site: string, gateway: string, device?: string): Promise<DeviceSerial[]> {
    return this.reader.deviceSerials(site, gateway, device);
  }

  // The lifecycle (issue 21): ../../rollups/sqlite.ts and sqlite-retention.ts, on the store's connection.

  async rollupStates(filter?: { site?: string }): Promise<SeriesRollupState[]> {
    return this.rollups.rollupStates(filter);
  }

  async claimRollups(claims: readonly { seriesId: number; toMs: number }[]): Promise<RollupClaim[]> {
    return this.rollups.claimRollups(claims);
  }

  async powerStats(seriesIds: readonly number[], fromMs: number, toMs: number, anchorMs: number, intervalMs: number): Promise<PowerStat[]> {
    return this.rollups.powerStats(seriesIds, fromMs, toMs, anchorMs, intervalMs);
  }

  async writeRollups(rows: readonly RollupRow[], done: readonly RollupClaim[]): Promise<void> {
    this.rollups.writeRollups(rows, done);
  }

  async rollupRows(seriesIds: readonly number[], fromDayMs: number, toDayMs: number): Promise<RollupRow[]> {
    return this.rollups.rollupRows(seriesIds, fromDayMs, toDayMs);
  }

  async rollupTotals(seriesIds: readonly number[], fromDayMs: number, toDayMs: number): Promise<RollupDayTotal[]> {
    return this.rollups.rollupTotals(seriesIds, fromDayMs, toDayMs);
  }

  async markDirty(marks: readonly { seriesId: number; fromMs: number }[]): Promise<void> {
    this.rollups.markDirty(marks);
  }

  async lifecycleValue(key: string): Promise<number | undefined> {
    return this.rollups.lifecycleValue(key);
  }

  async setLifecycleValue(key: string, value: number): Promise<void> {
    this.rollups.setLifecycleValue(key, value);
  }

  async removeRawBefore(cutoffMs: number, opts?: { batchRows?: number }): Promise<RawRemoval> {
    return this.retention.removeRawBefore(cutoffMs, opts);
  }

  async removeRollupsBefore(cutoffMs: number): Promise<number> {
    return this.retention.removeRollupsBefore(cutoffMs);
  }

  async removeHistoryBefore(cutoffMs: number): Promise<number> {
    return this.retention.removeHistoryBefore(cutoffMs);
  }

  async rawRemovable(cutoffMs: number): Promise<number> {
    return this.retention.rawRemovable(cutoffMs);
  }

  /** SQLite's key is rebuilt by nothing: its pages fill as they are written. */
  async compactClosed(_beforeMs: number): Promise<number> {
    return 0;
  }

  async storageFigures(): Promise<StorageFigures> {
    return this.retention.storageFigures();
  }
}
