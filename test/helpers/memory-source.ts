// A SeriesSource over arrays in memory, answering each lookup by binary search as an index would, and
// counting the lookups (tests use the count to show the cost does not grow with the sampling rate). The
// energy core's tests run on it without a database; the product reads storage (central/energy/store-source.ts).
import type { CounterReading, EpochEvent, PowerReading, SeriesSource } from '../../central/energy/types.js';

export interface MemorySeriesData {
  seriesId: string;
  counters: readonly CounterReading[];
  power?: readonly PowerReading[];
  events?: readonly EpochEvent[];
}

export interface MemorySeries extends SeriesSource {
  /** Lookups answered so far (counter, power and event queries). */
  readonly lookups: number;
}

/** Index of the last element with ts <= t, or -1. */
function lastAtOrBefore(rows: readonly { ts: number }[], t: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.ts <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export function memorySeries(data: MemorySeriesData): MemorySeries {
  const byTs = <T extends { ts: number }>(rows: readonly T[]): T[] => [...rows].sort((a, b) => a.ts - b.ts);
  const counters = byTs(data.counters);
  const power = byTs(data.power ?? []);
  const events = [...(data.events ?? [])];
  let lookups = 0;
  const before = <T extends { ts: number }>(rows: readonly T[], t: number): T | undefined => {
    lookups++;
    const i = lastAtOrBefore(rows, t);
    return i < 0 ? undefined : rows[i];
  };
  const after = <T extends { ts: number }>(rows: readonly T[], t: number): T | undefined => {
    lookups++;
    const i = lastAtOrBefore(rows, t);
    return i >= 0 && rows[i]!.ts === t ? rows[i] : rows[i + 1];
  };
  return {
    seriesId: data.seriesId,
    get lookups() {
      return lookups;
    },
    counterAtOrBefore: (t) => before(counters, t),
    counterAtOrAfter: (t) => after(counters, t),
    ...(data.power ? { powerAtOrBefore: (t: number) => before(power, t), powerAtOrAfter: (t: number) => after(power, t) } : {}),
    epochEvents(fromMs, toMs) {
      lookups++;
      return events.filter((e) => e.old.ts <= toMs && e.new.ts >= fromMs);
    },
  };
}
