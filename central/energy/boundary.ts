// The counter of one series at one instant: the readings around it (suspect ones skipped, never across an
// epoch change), interpolated when they are close, estimated and flagged when they are not. A handful of
// index lookups per instant, whatever the sampling rate.
import { EnergyInputError } from './errors.js';
import type { BoundaryTrace, CounterReading, EnergyOptions, EpochEvent, ReadingRef, SeriesSource } from './types.js';

const MS_PER_HOUR = 3_600_000;

/** Sorted by old.ts, validated: each gap has positive length, none overlaps the next, no negative energy. */
export function prepareEvents(raw: readonly EpochEvent[], seriesId: string): EpochEvent[] {
  const seen = new Set<string>();
  const events: EpochEvent[] = [];
  for (const e of raw) {
    const key = `${e.old.ts}:${e.new.ts}`;
    if (seen.has(key)) continue; // the same event stored twice (a replay) counts once
    seen.add(key);
    if (!(e.new.ts > e.old.ts)) throw new EnergyInputError(`epoch event at ${e.old.ts} ends at ${e.new.ts}, not after it starts`, seriesId);
    if (!(e.betweenKwh >= 0)) throw new EnergyInputError(`epoch event at ${e.old.ts} has betweenKwh ${e.betweenKwh}`, seriesId);
    events.push(e);
  }
  events.sort((a, b) => a.old.ts - b.old.ts);
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.old.ts < events[i - 1]!.new.ts)
      throw new EnergyInputError(`epoch events at ${events[i - 1]!.old.ts} and ${events[i]!.old.ts} overlap`, seriesId);
  }
  return events;
}

interface Side {
  reading: ReadingRef;
  fromEvent: boolean;
}

const ref = (r: { ts: number; valueKwh: number; serial?: string | undefined }): ReadingRef =>
  r.serial === undefined ? { ts: r.ts, valueKwh: r.valueKwh } : { ts: r.ts, valueKwh: r.valueKwh, serial: r.serial };
const eventRef = (e: EpochEvent['old']): ReadingRef => ref({ ts: e.ts, valueKwh: e.value, serial: e.serial });

/** The epoch an instant lies in: the events that opened and will close it, if known. */
interface Epoch {
  lo: EpochEvent | undefined;
  hi: EpochEvent | undefined;
}

/**
 * Only events within the estimate window of the instant count: the caller fetches events that far around
 * its cuts, so an older or later one may or may not be in the list, and the trace (its epoch start, the
 * serial) must depend on the instant alone, not on how far the cut list reaches (a rollup edge is computed
 * with a shorter list than a month's invoice, and must come out the same).
 */
function epochAt(events: readonly EpochEvent[], tMs: number, windowMs: number): Epoch {
  let lo: EpochEvent | undefined;
  let hi: EpochEvent | undefined;
  for (const e of events) {
    if (e.new.ts <= tMs) {
      if (e.new.ts >= tMs - windowMs) lo = e;
    } else if (e.old.ts >= tMs) {
      if (e.old.ts > tMs + windowMs) break;
      hi = e;
      break;
    }
  }
  return { lo, hi };
}

/** The nearest non-suspect reading on one side of tMs within the epoch and the window, or the event's reading. */
function sideReading(
  src: SeriesSource,
  epoch: Epoch,
  tMs: number,
  side: 'before' | 'after',
  anchorMs: number,
  opts: EnergyOptions,
): Side | undefined {
  const before = side === 'before';
  const limit = before
    ? Math.max(epoch.lo?.new.ts ?? -Infinity, anchorMs - opts.estimateWindowMs)
    : Math.min(epoch.hi?.old.ts ?? Infinity, anchorMs + opts.estimateWindowMs);
  const inRange = (r: CounterReading): boolean => (before ? r.ts >= limit : r.ts <= limit);
  let r = before ? src.counterAtOrBefore(tMs) : src.counterAtOrAfter(tMs);
  for (let skips = 0; r?.suspect === true && inRange(r); skips++) {
    if (skips >= opts.maxSuspectSkips) {
      r = undefined;
      break;
    }
    r = before ? src.counterAtOrBefore(r.ts - 1) : src.counterAtOrAfter(r.ts + 1);
  }
  if (r && r.suspect !== true && inRange(r)) return { reading: ref(r), fromEvent: false };
  // Storage has nothing usable in this epoch on this side: the event's own reading opens (closes) it.
  const e = before ? epoch.lo : epoch.hi;
  if (e) {
    const er = eventRef(before ? e.new : e.old);
    if (before ? er.ts <= tMs && er.ts >= anchorMs - opts.estimateWindowMs : er.ts >= tMs && er.ts <= anchorMs + opts.estimateWindowMs)
      return { reading: er, fromEvent: true };
  }
  return undefined;
}

/** Mean power (W) of the readings near tMs that lie in [fromMs, toMs] and in the epoch; undefined if none. */
function powerNear(src: SeriesSource, epoch: Epoch, tMs: number, fromMs: number, toMs: number): number | undefined {
  const lo = Math.max(fromMs, epoch.lo?.new.ts ?? -Infinity);
  const hi = Math.min(toMs, epoch.hi?.old.ts ?? Infinity);
  const found = [src.powerAtOrBefore?.(tMs), src.powerAtOrAfter?.(tMs)].filter(
    (p): p is NonNullable<typeof p> => p !== undefined && p.ts >= lo && p.ts <= hi && Number.isFinite(p.powerW) && p.powerW >= 0,
  );
  if (found.length === 2 && found[0]!.ts === found[1]!.ts) found.pop();
  return found.length === 0 ? undefined : found.reduce((s, p) => s + p.powerW, 0) / found.length;
}

const kwhPerMs = (powerW: number): number => powerW / 1000 / MS_PER_HOUR;

/** The counter of a series at tMs, given the series' epoch events around it (from prepareEvents). */
export function counterAt(src: SeriesSource, events: readonly EpochEvent[], tMs: number, opts: EnergyOptions): BoundaryTrace {
  const gap = events.find((e) => e.old.ts < tMs && tMs < e.new.ts);
  if (gap)
    return { atMs: tMs, method: 'in_gap', estimated: true, epochStartMs: gap.new.ts, before: eventRef(gap.old), after: eventRef(gap.new) };

  const epoch = epochAt(events, tMs, opts.estimateWindowMs);
  const b = sideReading(src, epoch, tMs, 'before', tMs, opts);
  const a = sideReading(src, epoch, tMs, 'after', tMs, opts);
  const serial = b?.reading.serial ?? a?.reading.serial ?? epoch.lo?.new.serial ?? epoch.hi?.old.serial;
  const base: BoundaryTrace = {
    atMs: tMs,
    method: 'none',
    estimated: true,
    ...(epoch.lo ? { epochStartMs: epoch.lo.new.ts } : {}),
    ...(serial !== undefined ? { serial } : {}),
    ...(b ? { before: b.reading } : {}),
    ...(a ? { after: a.reading } : {}),
  };
  const exact = b?.reading.ts === tMs ? b : a?.reading.ts === tMs ? a : undefined;
  if (exact) return { ...base, method: exact.fromEvent ? 'event' : 'reading', estimated: false, valueKwh: exact.reading.valueKwh };

  const gapMs = opts.maxInterpolationGapMs;
  if (b && a) {
    const rb = b.reading;
    const ra = a.reading;
    const linear = rb.valueKwh + ((ra.valueKwh - rb.valueKwh) * (tMs - rb.ts)) / (ra.ts - rb.ts);
    if (ra.ts - rb.ts <= gapMs) return { ...base, method: 'interpolated', estimated: false, valueKwh: linear };
    // Too far apart. If the device was read near the instant (only its counter is missing), its power
    // tells the split; otherwise the counter's average rate across the gap does. Either way the value
    // stays between the two readings, so no energy is made up or lost across the gap.
    const powerW = powerNear(src, epoch, tMs, tMs - gapMs, tMs + gapMs);
    if (powerW !== undefined) {
      const v = Math.min(ra.valueKwh, Math.max(rb.valueKwh, rb.valueKwh + kwhPerMs(powerW) * (tMs - rb.ts)));
      return { ...base, method: 'estimated_power', valueKwh: v, rateKw: powerW / 1000 };
    }
    return { ...base, method: 'estimated_rate', valueKwh: linear, rateKw: ((ra.valueKwh - rb.valueKwh) / (ra.ts - rb.ts)) * MS_PER_HOUR };
  }
  const one = b ?? a;
  if (!one) return base;
  // One side only: extrapolate from that reading, with the power read near the instant, else the rate
  // between that reading and its neighbour in the same epoch, else hold it flat.
  const r = one.reading;
  const dir = b ? 1 : -1;
  const span = [Math.min(r.ts, tMs) - gapMs, Math.max(r.ts, tMs) + gapMs] as const;
  let rateKwhPerMs: number | undefined;
  let method: BoundaryTrace['method'] = 'estimated_power';
  const powerW = powerNear(src, epoch, tMs, span[0], span[1]);
  if (powerW !== undefined) rateKwhPerMs = kwhPerMs(powerW);
  else {
    const n = sideReading(src, epoch, b ? r.ts - 1 : r.ts + 1, b ? 'before' : 'after', tMs, opts)?.reading;
    method = n ? 'estimated_rate' : 'estimated_hold';
    rateKwhPerMs = n ? Math.max(0, (r.valueKwh - n.valueKwh) / (r.ts - n.ts)) : 0;
  }
  const v = Math.max(0, r.valueKwh + dir * rateKwhPerMs * Math.abs(tMs - r.ts));
  return { ...base, method, valueKwh: v, rateKw: rateKwhPerMs * MS_PER_HOUR };
}
