// The repository interfaces the rest of central codes against. Two implementations (sqlite/, postgres/)
// pass one contract suite (contract.ts). All times are epoch milliseconds, as on the wire.
import type { Measurement } from '../../protocol/measurements.js';
import type { Reading } from '../../protocol/reading.js';
import type { Alert, GatewayEvent, MetaMessage, StatusMessage } from '../../protocol/wire.js';
import type { IngestSink } from '../ingest/batch.js';

export type { IngestBatch, IngestSink, StoreResult } from '../ingest/batch.js';

/** A reading series: one channel of one device behind one gateway. A swapped device keeps its series. */
export interface SeriesKey {
  site: string;
  gateway: string;
  device: string;
  channel: string;
}

export interface SeriesInfo extends SeriesKey {
  /** Stable storage id; every series query takes it. */
  id: number;
  /** Oldest and newest reading timestamps; undefined while the series holds no reading. */
  firstTs: number | undefined;
  lastTs: number | undefined;
  readingCount: number;
}

export interface SeriesFilter {
  site?: string;
  gateway?: string;
  device?: string;
}

/** A stored reading without its series identity (the caller asked by series). */
export type SeriesReading = Pick<Reading, 'ts' | 'values' | 'flags' | 'quality'>;

/** A reading at a boundary, with the value of the measurement asked for. */
export interface BoundarySample extends SeriesReading {
  value: number;
}

export interface BoundaryQuery {
  seriesId: number;
  measurement: Measurement;
  atMs: number;
}

/**
 * The last reading at or before `atMs` and the first at or after it that carry the measurement (both are
 * the same reading on an exact hit); undefined when there is none on that side.
 */
export interface BoundaryPair {
  before: BoundarySample | undefined;
  after: BoundarySample | undefined;
}

export interface SeriesReader {
  listSeries(filter?: SeriesFilter): Promise<SeriesInfo[]>;
  findSeries(key: SeriesKey): Promise<SeriesInfo | undefined>;
  /** Readings with fromMs <= ts < toMs, oldest first; `limit` pages (continue from the last ts + 1). */
  readings(seriesId: number, fromMs: number, toMs: number, opts?: { limit?: number }): Promise<SeriesReading[]>;
  /**
   * One seek on the series' key, then a step over each adjacent reading that lacks the measurement (none
   * for the energy counters, which every gateway poll carries): the cost does not grow with the period.
   */
  boundary(q: BoundaryQuery): Promise<BoundaryPair>;
  /** Many boundaries in one call (one round trip per measurement on PostgreSQL); results in query order. */
  boundaries(qs: readonly BoundaryQuery[]): Promise<BoundaryPair[]>;
  /** The newest reading of every series (of a site), in one query: what a live view shows. */
  latestReadings(filter?: { site?: string }): Promise<LatestReading[]>;
}

/** A series' newest reading with its identity. */
export interface LatestReading extends SeriesKey, SeriesReading {
  seriesId: number;
}

export type CounterEpochEvent = Extract<GatewayEvent, { type: 'counter_epoch' }>;
export type GapEvent = Extract<GatewayEvent, { type: 'gap' }>;

export interface StoredEvent {
  site: string;
  gateway: string;
  receivedAt: number;
  event: GatewayEvent;
}

export interface EventQuery {
  site: string;
  gateway: string;
  type?: GatewayEvent['type'];
  /** fromMs <= event.ts < toMs. */
  fromMs?: number;
  toMs?: number;
  limit?: number;
}

/** An inclusive range of per-gateway outbox sequence numbers. */
export interface SeqRange {
  fromSeq: number;
  toSeq: number;
}

export interface EventReader {
  /** Oldest first. Gap events from the gateway are here with type 'gap'. */
  events(q: EventQuery): Promise<StoredEvent[]>;
  /** Counter epoch events of the series' device and channel with fromMs <= ts < toMs, oldest first. */
  epochEvents(seriesId: number, fromMs: number, toMs: number): Promise<CounterEpochEvent[]>;
  /** Sequence ranges received from the gateway (readings, events, alerts), merged, ascending. */
  sequenceRanges(site: string, gateway: string): Promise<SeqRange[]>;
  /** The holes between the lowest and the highest sequence seen; late data may fill them later. */
  sequenceGaps(site: string, gateway: string): Promise<SeqRange[]>;
}

export type StoredAlert = Alert & { site: string; gateway: string; receivedAt: number };

export interface AlertQuery {
  site?: string;
  gateway?: string;
  alertId?: string;
  fromMs?: number;
  toMs?: number;
  limit?: number;
}

export interface AlertReader {
  /** Alerts whose latest transition (by ts; cleared wins a tie) is `raised`. */
  activeAlerts(filter?: { site?: string; gateway?: string }): Promise<StoredAlert[]>;
  /** Every raise and clear, oldest first. */
  alertHistory(q?: AlertQuery): Promise<StoredAlert[]>;
}

export interface GatewayInfo {
  site: string;
  gateway: string;
  /** The latest status to arrive (arrival order: the Last Will is stamped when the gateway connected). */
  status: { message: StatusMessage; receivedAt: number } | undefined;
  /** The latest birth message by its ts. */
  meta: { message: MetaMessage; receivedAt: number } | undefined;
}

/** Each serial a device reported in meta messages, with when it was first and last seen (swaps show here). */
export interface DeviceSerial {
  site: string;
  gateway: string;
  device: string;
  serial: string;
  firstSeenTs: number;
  lastSeenTs: number;
}

export interface GatewayReader {
  gateways(filter?: { site?: string }): Promise<GatewayInfo[]>;
  gateway(site: string, gateway: string): Promise<GatewayInfo | undefined>;
  /** Oldest first seen first. */
  deviceSerials(site: string, gateway: string, device?: string): Promise<DeviceSerial[]>;
}

export interface MigrationReport {
  /** Ids applied by this run, in order; empty when the schema was current. */
  applied: number[];
  /** The highest id now recorded. */
  current: number;
}

/** Everything central stores; both implementations pass contract.ts. */
export interface CentralStore extends IngestSink, SeriesReader, EventReader, AlertReader, GatewayReader {
  /** Applies pending migrations (also done when the store opens); a no-op when current. */
  migrate(): Promise<MigrationReport>;
  close(): Promise<void>;
}

/** The database holds migrations this code does not know: it was written by a newer version. */
export class SchemaTooNewError extends Error {
  constructor(readonly known: number, readonly found: number) {
    super(`database schema is at migration ${found}, this program knows up to ${known}; upgrade the program`);
    this.name = 'SchemaTooNewError';
  }
}

/** A recorded migration's name differs from this code's: the schema came from another branch. */
export class SchemaMismatchError extends Error {
  constructor(readonly id: number, readonly recorded: string, readonly expected: string) {
    super(`migration ${id} is recorded as "${recorded}", this program calls it "${expected}"`);
    this.name = 'SchemaMismatchError';
  }
}

/** Tables the recorded migrations made are gone (dropped, a partial restore); nothing is recreated over them. */
export class SchemaTablesMissingError extends Error {
  constructor(readonly where: string, readonly missing: readonly string[], readonly recorded: number) {
    super(`${where}: the schema records ${recorded} migration(s), but table(s) ${missing.join(', ')} are missing: the database lost tables `
      + '(dropped, or a partial restore). Restore it from a backup; nothing was created in their place, so invoice numbers do not start again');
    this.name = 'SchemaTablesMissingError';
  }
}

/**
 * What is wrong with the configured database: an empty, damaged, unreadable or foreign SQLite file, a
 * missing one where it must exist. The message names the file (or schema), the problem and what to do.
 */
export type DatabaseProblem = 'missing' | 'empty' | 'blank' | 'damaged' | 'unreadable' | 'foreign';

export class DatabaseRefusedError extends Error {
  constructor(readonly where: string, readonly problem: DatabaseProblem, message: string) {
    super(message);
    this.name = 'DatabaseRefusedError';
  }
}
