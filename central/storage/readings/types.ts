// The readings store: readings, events, alerts and gateways as ingest stores them, and the reads the rest of
// central codes against. Two implementations (sqlite/, postgres/) pass one contract suite
// (test/storage/readings-contract.ts). All times are epoch milliseconds, as on the wire.
import type { Measurement } from '../../../protocol/measurements.js';
import type { Reading } from '../../../protocol/reading.js';
import type { Alert, GatewayEvent, MetaMessage, StatusMessage } from '../../../protocol/wire.js';
import type { IngestSink } from '../../ingest/batch.js';
import type { BoundaryTrace } from '../../energy/types.js';
import type { MigrationReport } from '../migration.js';
import type { LifecycleStore, ReadTier } from '../rollups/types.js';

export type { IngestBatch, IngestSink, StoreResult } from '../../ingest/batch.js';

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

/**
 * A boundary as a batch answers it: the value of the measurement asked for, with the reading's time,
 * quality and flags, not its other values (decoding them cost an invoice run 12 % of its time).
 */
export type BoundaryValue = Pick<BoundarySample, 'ts' | 'value' | 'quality' | 'flags'>;

export interface BoundaryValues {
  before: BoundaryValue | undefined;
  after: BoundaryValue | undefined;
  /** Answered by the rollup tier at one of its edges: the counter there as the energy core computed it. */
  edge?: BoundaryTrace;
}

export interface BoundaryOptions {
  /** Which tier answers (default auto: the rollups where raw readings have aged out, raw elsewhere). */
  tier?: ReadTier;
}

/** The batch's answer from a whole boundary sample. */
export function boundaryValue(s: BoundarySample | undefined): BoundaryValue | undefined {
  if (!s) return undefined;
  return s.flags ? { ts: s.ts, value: s.value, quality: s.quality, flags: s.flags } : { ts: s.ts, value: s.value, quality: s.quality };
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
  /** Many boundaries in one call (one round trip per measurement on PostgreSQL), values only; results in query order. */
  boundaries(qs: readonly BoundaryQuery[], opts?: BoundaryOptions): Promise<BoundaryValues[]>;
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

/** Everything ingest stores, and its reads; both implementations pass test/storage/readings-contract.ts. */
export interface CentralStore extends IngestSink, SeriesReader, EventReader, AlertReader, GatewayReader, LifecycleStore {
  /** Applies pending migrations (also done when the store opens); a no-op when current. */
  migrate(): Promise<MigrationReport>;
  close(): Promise<void>;
}
