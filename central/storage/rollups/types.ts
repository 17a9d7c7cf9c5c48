// The rollup tier and the data lifecycle as storage sees them (issue 21). Per series and per local day of
// its site's zone, a row holds the counter at every interval edge exactly as the energy core computed it
// (a BoundaryTrace: value, method, the readings it came from), each interval's energy, power statistics
// and reading count. Raw readings age out after a retention time; the rollups keep invoices, recomputes
// and year charts answerable. Both stores implement LifecycleStore and pass one contract suite.
import type { BoundaryTrace } from '../../energy/types.js';

/** Interval lengths the rollups support: divisors of an hour, so DST shifts keep the grid. */
export const ROLLUP_INTERVALS_MIN = [5, 10, 15, 20, 30, 60] as const;
export type RollupIntervalMin = (typeof ROLLUP_INTERVALS_MIN)[number];

/** One interval [edges[i].atMs, edges[i + 1].atMs) of a rollup day. */
export interface RollupInterval {
  /** Energy as the core computes it for this interval (epoch events included). */
  kWh: number;
  /** Mean, min and max of the power readings inside the interval; undefined when none carried power. */
  meanW: number | undefined;
  minW: number | undefined;
  maxW: number | undefined;
  /** Raw readings inside the interval. */
  readings: number;
}

/** A series' rollup for one local day: n intervals, n + 1 edges (the last edge is the next day's first). */
export interface RollupDay {
  seriesId: number;
  /** Local midnight of the day in the site's zone, epoch ms. */
  dayMs: number;
  intervalMin: RollupIntervalMin;
  /** Edge i at dayMs + i * intervalMin minutes, i = 0..n. */
  edges: BoundaryTrace[];
  intervals: RollupInterval[];
  /**
   * Sum of the intervals' estimated kWh (SeriesEnergy.estimatedKwh), as assembleRollupDays has it; stored
   * beside the row's totals, not in the body (a decoded day has none).
   */
  estimatedKwh?: number;
}

/** A stored rollup day: the scalars a year chart reads, and the whole day as an opaque compressed body. */
export interface RollupRow {
  seriesId: number;
  dayMs: number;
  intervalMin: number;
  /** Sum of the intervals' kWh. */
  energyKwh: number;
  /** Sum of the intervals' readings. */
  readings: number;
  /** Sum of the intervals' estimated kWh; undefined on rows built before migration 10 (unknown). */
  estimatedKwh?: number;
  /** codec.ts encodeRollupBody(day). */
  body: Uint8Array;
}

/** A year chart's row: the day totals only, no body decoded. */
export type RollupDayTotal = Pick<RollupRow, 'seriesId' | 'dayMs' | 'energyKwh' | 'readings' | 'estimatedKwh'>;

/**
 * A series' rollup watermarks. Intervals ending at or before rolledToMs are built; dirtyFromMs, when set,
 * says that data at or after it changed (a late reading, a late epoch event, a pass that claimed a range
 * and did not finish) and the built intervals from there on must be built again.
 */
export interface SeriesRollupState {
  seriesId: number;
  site: string;
  gateway: string;
  device: string;
  channel: string;
  firstTs: number | undefined;
  lastTs: number | undefined;
  rolledToMs: number | undefined;
  dirtyFromMs: number | undefined;
}

/** A builder's claim on one series (see LifecycleStore.claimRollups). */
export interface RollupClaim {
  seriesId: number;
  /** Build [fromMs, toMs): fromMs is the old watermark or the dirty point, whichever is earlier. */
  fromMs: number;
  toMs: number;
  /** The dirty mark the claim left; the write clears it only if it is still this value. */
  dirtyMarkMs: number;
}

/** Which tier answers a boundary lookup: raw readings, rollup edges, or raw where it is kept (auto). */
export type ReadTier = 'auto' | 'raw' | 'rollups';

/** Figures of the lifecycle state, for `joulebook central storage status` and the metrics. */
export interface StorageFigures {
  rawBytes: number;
  rawRows: number;
  rollupBytes: number;
  rollupRows: number;
  /** Everything else in the store (events, alerts, invoices, ...). */
  otherBytes: number;
  oldestRawMs: number | undefined;
  oldestRollupDayMs: number | undefined;
  /** Raw readings before this instant were removed by retention (undefined: none ever was). */
  rawFromMs: number | undefined;
}

export interface RawRemoval {
  /** Readings removed by this call. */
  removed: number;
  /** True when nothing older than the cutoff is left (a batched store may need more calls). */
  done: boolean;
  /** Raw is complete from here on; PostgreSQL drops whole partitions, so this may lag the cutoff. */
  rawFromMs: number | undefined;
}

export interface LifecycleStore {
  /** Every series with its rollup watermarks (of one site). */
  rollupStates(filter?: { site?: string }): Promise<SeriesRollupState[]>;
  /**
   * Claims [from, toMs) of each series for a build: moves rolledTo to toMs and sets dirtyFrom to
   * min(dirtyFrom, old rolledTo ?? firstTs) in one transaction, so a reading stored meanwhile before toMs
   * marks the series dirty again, and a builder killed before writing leaves the range dirty.
   */
  claimRollups(claims: readonly { seriesId: number; toMs: number }[]): Promise<RollupClaim[]>;
  /**
   * Per series and per interval grid cell (floor((ts - anchorMs) / intervalMs)) in [fromMs, toMs): the
   * reading count and the mean, min and max of power_w. One aggregate query.
   */
  powerStats(
    seriesIds: readonly number[],
    fromMs: number,
    toMs: number,
    anchorMs: number,
    intervalMs: number,
  ): Promise<{ seriesId: number; cell: number; readings: number; meanW: number | null; minW: number | null; maxW: number | null }[]>;
  /** Upserts rollup rows and clears each claim's dirty mark where it is unchanged, in one transaction. */
  writeRollups(rows: readonly RollupRow[], done: readonly RollupClaim[]): Promise<void>;
  /** Rollup rows of some series with fromDayMs <= dayMs < toDayMs, by series then day. */
  rollupRows(seriesIds: readonly number[], fromDayMs: number, toDayMs: number): Promise<RollupRow[]>;
  /** Day totals only (no body): what a year chart reads. */
  rollupTotals(seriesIds: readonly number[], fromDayMs: number, toDayMs: number): Promise<RollupDayTotal[]>;
  /** Marks series dirty from an instant (a late epoch event); keeps an earlier mark. */
  markDirty(marks: readonly { seriesId: number; fromMs: number }[]): Promise<void>;
  /** A small key/value of lifecycle progress (e.g. the received_at up to which epoch events were seen). */
  lifecycleValue(key: string): Promise<number | undefined>;
  setLifecycleValue(key: string, value: number): Promise<void>;
  /** Removes raw readings with ts < cutoffMs: PostgreSQL drops whole partitions, SQLite deletes one bounded batch. */
  removeRawBefore(cutoffMs: number, opts?: { batchRows?: number }): Promise<RawRemoval>;
  /** Removes rollup days with dayMs < cutoffMs (whole partitions on PostgreSQL); returns the days removed. */
  removeRollupsBefore(cutoffMs: number): Promise<number>;
  /** Removes events and alerts older than a cutoff, when configured; returns the rows removed. */
  removeHistoryBefore(cutoffMs: number): Promise<number>;
  /** Raw readings that removeRawBefore(cutoffMs) would remove (an estimate on PostgreSQL: whole partitions). */
  rawRemovable(cutoffMs: number): Promise<number>;
  /**
   * Packs raw data no longer written to, as time-series engines compress closed chunks: PostgreSQL rebuilds
   * the key of each weekly partition wholly before beforeMs at fillfactor 100 (a key written in arrival
   * order stays about 2/3 full: 41.7 against 28.5 bytes a reading); SQLite has nothing to do. Returns the
   * partitions packed.
   */
  compactClosed(beforeMs: number): Promise<number>;
  storageFigures(): Promise<StorageFigures>;
}
