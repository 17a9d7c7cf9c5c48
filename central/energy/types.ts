// What the energy core needs from storage and the model, and what it gives back. Storage answers the
// lookups with index seeks (one row each), so the cost of a period is a few lookups per boundary plus
// the epoch events inside it, whatever the sampling rate. No I/O here: plain data and callbacks.
import type { GatewayEvent } from '../../protocol/wire.js';

/** One stored reading of a cumulative energy counter (kWh), as storage returns it. */
export interface CounterReading {
  ts: number;
  valueKwh: number;
  /** Device serial at the reading, where the gateway knew it. */
  serial?: string;
  /** The gateway doubted this value (counter negative/jump/frozen): never used for a boundary. */
  suspect?: boolean;
}

/** One stored power reading (W) of the same channel. */
export interface PowerReading {
  ts: number;
  powerW: number;
}

/** The wire's counter_epoch event, reduced to what stitching needs; a wire event satisfies it as is. */
export type EpochEvent = Pick<Extract<GatewayEvent, { type: 'counter_epoch' }>, 'reason' | 'old' | 'new' | 'betweenKwh' | 'estimated'>;

/**
 * One counter series (device, channel, measurement) as storage exposes it. Every lookup is one index
 * seek; none returns more than one row except `epochEvents`, whose rows are the rare epoch changes.
 */
export interface SeriesSource {
  /** Stable name of the series, e.g. `ams1/pdu-r12-a/outlet:3/energy_import_kwh`. */
  seriesId: string;
  /** Newest reading with ts <= tMs (suspect ones included: the core skips them). */
  counterAtOrBefore(tMs: number): CounterReading | undefined;
  /** Oldest reading with ts >= tMs. */
  counterAtOrAfter(tMs: number): CounterReading | undefined;
  /** Newest power reading with ts <= tMs, if power is read on this channel. */
  powerAtOrBefore?(tMs: number): PowerReading | undefined;
  /** Oldest power reading with ts >= tMs. */
  powerAtOrAfter?(tMs: number): PowerReading | undefined;
  /** Epoch events whose [old.ts, new.ts] overlaps [fromMs, toMs]. */
  epochEvents(fromMs: number, toMs: number): readonly EpochEvent[];
  /**
   * The counter at tMs as the core computed it when the raw readings were still kept (a rollup edge), where
   * the rollup tier answers for tMs; the core then uses it as is instead of computing it again.
   */
  edgeAt?(tMs: number): BoundaryTrace | undefined;
}

export interface EnergyOptions {
  /** Readings around a boundary further apart than this are not interpolated; the boundary is estimated. */
  maxInterpolationGapMs: number;
  /** Readings further than this from a boundary are not used at all, not even to estimate. */
  estimateWindowMs: number;
  /** Suspect readings skipped in a row on one side of a boundary before that side counts as missing. */
  maxSuspectSkips: number;
}

export const DEFAULT_ENERGY_OPTIONS: EnergyOptions = {
  maxInterpolationGapMs: 30 * 60_000,
  estimateWindowMs: 7 * 24 * 3_600_000,
  maxSuspectSkips: 16,
};

/** How the counter value at an instant was obtained. */
export type BoundaryMethod =
  | 'reading' // a reading at exactly this instant
  | 'event' // the old or new reading of an epoch event
  | 'interpolated' // linear between readings at most maxInterpolationGapMs apart: measured
  | 'estimated_power' // from a counter reading and the power read near the instant
  | 'estimated_rate' // from the counter's own rate around the gap (the neighbouring readings)
  | 'estimated_hold' // one reading, nothing to derive a rate from: held flat
  | 'in_gap' // inside an epoch event's gap: no counter value; a share of betweenKwh is used instead
  | 'none'; // no usable reading on either side

export interface ReadingRef {
  ts: number;
  valueKwh: number;
  serial?: string;
}

/** The counter at one boundary instant, and where the value came from. */
export interface BoundaryTrace {
  atMs: number;
  method: BoundaryMethod;
  estimated: boolean;
  /** Undefined for in_gap and none. */
  valueKwh?: number;
  /** The epoch: opened by the event whose new reading is at this ts (undefined: before any known event). */
  epochStartMs?: number;
  serial?: string;
  before?: ReadingRef;
  after?: ReadingRef;
  /** The rate used for an estimate, in kW. */
  rateKw?: number;
}

/** An epoch event as used for one interval. */
export interface EventUse {
  reason: EpochEvent['reason'];
  old: ReadingRef;
  new: ReadingRef;
  betweenKwh: number;
  /** The part of betweenKwh inside the interval: all of it, or a time-proportional share. */
  shareKwh: number;
  estimated: boolean;
}

export type EnergyAnomaly =
  { kind: 'negative_growth'; fromMs: number; toMs: number; deltaKwh: number } | { kind: 'no_readings'; fromMs: number; toMs: number };

/** Energy of one series over [fromMs, toMs), with its quality and how it was computed. */
export interface SeriesEnergy {
  seriesId: string;
  fromMs: number;
  toMs: number;
  kWh: number;
  measuredKwh: number;
  estimatedKwh: number;
  /** Part of measuredKwh that lies between a boundary and the nearest reading (interpolated). */
  interpolatedKwh: number;
  start: BoundaryTrace;
  end: BoundaryTrace;
  events: EventUse[];
  anomalies: EnergyAnomaly[];
}

/** kWh with their quality; what every figure carries. */
export interface EnergyQuantity {
  kWh: number;
  measuredKwh: number;
  estimatedKwh: number;
  interpolatedKwh: number;
}
