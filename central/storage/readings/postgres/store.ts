// The store for more than one machine: PostgreSQL through a pool, every table under one schema (so tests
// and several deployments can share a database), migrations applied under an advisory lock at open.
import pg from 'pg';
import type { Logger } from 'pino';
import { planWrite } from '../plan.js';
import type { MigrationReport } from '../../migration.js';
import type {
  AlertQuery,
  BoundaryPair,
  BoundaryQuery,
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
import { migratePostgres } from '../../postgres/migrate.js';
import { PostgresReader } from './reader.js';
import { pgTypes, schemaIdent } from '../../postgres/sql.js';
import { PostgresWriter } from './writer.js';

export interface PostgresStoreDeps {
  pool: pg.Pool;
  schema: string;
  log: Logger;
  now: () => number;
  /** close() ends the pool only when the store made it. */
  ownsPool: boolean;
}

export interface PostgresStoreOptions {
  /** postgres://user@host:port/database */
  connectionString: string;
  /** Every table lives in this schema (created if missing). */
  schema: string;
  log: Logger;
  now?: () => number;
  /** Pool size (default 10). */
  maxConnections?: number;
  /** Where the schema holds no tables of the central node: make them (default), or refuse (migrate.ts). */
  create?: 'if-missing' | 'never';
}

/** Makes the pool (with int8 read as numbers), applies migrations, and returns the store. */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresStore> {
  schemaIdent(opts.schema);
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.maxConnections ?? 10, types: pgTypes });
  // An idle client that loses its server emits here; without a listener the process would die.
  pool.on('error', (err) => opts.log.warn({ err }, 'idle PostgreSQL connection failed'));
  const deps: PostgresStoreDeps = { pool, schema: opts.schema, log: opts.log, now: opts.now ?? Date.now, ownsPool: true };
  try {
    await migratePostgres({ ...deps, ...(opts.create ? { create: opts.create } : {}) });
  } catch (err) {
    await pool.end();
    throw err;
  }
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

  boundaries(qs: readonly BoundaryQuery[]): Promise<BoundaryPair[]> {
    return this.reader.boundaries(qs);
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
