// The store for more than one machine: PostgreSQL through a pool, every table under one schema (so tests
// and several deployments can share a database), migrations applied under an advisory lock at open.
import type pg from 'pg';
import type { Logger } from 'pino';
import { planWrite } from '../plan.js';
import type { MigrationReport } from '../../migration.js';
import type {
  AlertQuery,
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
import { PostgresReader } from './reader.js';
import { PostgresWriter } from './writer.js';

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

export class PostgresStore implements CentralStore {
  private readonly writer: PostgresWriter;
  private readonly reader: PostgresReader;

  constructor(private readonly deps: PostgresStoreDeps) {
    this.writer = new PostgresWriter(deps);
    this.reader = new PostgresReader(deps);
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

  async boundaries(qs: readonly BoundaryQuery[]): Promise<BoundaryValues[]> {
    return (await this.reader.boundaries(qs)).map((p) => ({ before: boundaryValue(p.before), after: boundaryValue(p.after) }));
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
}
