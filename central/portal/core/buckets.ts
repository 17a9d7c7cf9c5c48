// History buckets: a period cut into at most a few hundred buckets (a year is 365 local days, an hour 60
// minutes), and each bucket's energy from the counters turned into mean power. Buckets of an hour or more
// start on the site's local wall clock (midnight, 06:00, …), so a day on a chart is a local day even
// across a DST change (a 23- or 25-hour day has a shorter or longer last bucket). Pure.
import { zoneClock } from '../../../common/local-time.js';

const MIN_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Bucket lengths from the finest; the first that keeps the count under the cap is used. */
export const BUCKET_STEPS = [
  { name: '1m', ms: MIN_MS },
  { name: '5m', ms: 5 * MIN_MS },
  { name: '15m', ms: 15 * MIN_MS },
  { name: '1h', ms: HOUR_MS },
  { name: '6h', ms: 6 * HOUR_MS },
  { name: '1d', ms: DAY_MS },
  { name: '7d', ms: 7 * DAY_MS },
] as const;
export type BucketStepName = (typeof BUCKET_STEPS)[number]['name'];

export const MAX_BUCKETS = 400;
/** The longest period a history covers (a leap year and a day of slack). */
export const MAX_HISTORY_MS = 367 * DAY_MS;

export class BucketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BucketError';
  }
}

export interface BucketPlan {
  step: BucketStepName;
  /** Bucket edges, strictly increasing: bucket i is [cutsMs[i], cutsMs[i+1]). */
  cutsMs: number[];
}

/** The step a period gets: the finest whose nominal bucket count stays within maxBuckets. */
export function chooseStep(spanMs: number, maxBuckets = MAX_BUCKETS): (typeof BUCKET_STEPS)[number] {
  return BUCKET_STEPS.find((s) => spanMs / s.ms <= maxBuckets) ?? BUCKET_STEPS[BUCKET_STEPS.length - 1]!;
}

/** Edges of a period's buckets in a zone; the first and last buckets are cut to the period. */
export function bucketPlan(fromMs: number, toMs: number, timeZone: string, maxBuckets = MAX_BUCKETS): BucketPlan {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || !(toMs > fromMs))
    throw new BucketError(`the period must end after it starts (from ${fromMs}, to ${toMs})`);
  if (toMs - fromMs > MAX_HISTORY_MS)
    throw new BucketError(`a history covers at most 367 days, asked for ${Math.ceil((toMs - fromMs) / DAY_MS)}`);
  const step = chooseStep(toMs - fromMs, maxBuckets);
  const inner = step.ms < HOUR_MS ? utcGrid(fromMs, toMs, step.ms) : localGrid(fromMs, toMs, step.ms, timeZone);
  const cutsMs = [fromMs, ...inner.filter((c) => c > fromMs && c < toMs), toMs];
  return { step: step.name, cutsMs };
}

/** Sub-hour steps on the UTC grid: every zone in use is offset by whole quarter hours. */
function utcGrid(fromMs: number, toMs: number, stepMs: number): number[] {
  const out: number[] = [];
  for (let c = Math.ceil(fromMs / stepMs) * stepMs; c < toMs; c += stepMs) out.push(c);
  return out;
}

/** Hour-and-longer steps on the local wall clock: each local day's midnight, then whole local hours within it. */
function localGrid(fromMs: number, toMs: number, stepMs: number, timeZone: string): number[] {
  const zone = zoneClock(timeZone);
  const start = zone.local(fromMs);
  const out: number[] = [];
  // Weeks start on a Monday; days and parts of days on the day's local midnight.
  let day = { year: start.year, month: start.month, day: start.day };
  if (stepMs === 7 * DAY_MS) day = addDays(day, -(start.isoWeekday - 1));
  for (;;) {
    const midnight = zone.instantOf(day.year, day.month, day.day);
    if (midnight >= toMs) break;
    if (stepMs < DAY_MS) {
      // Whole local hours (a 25-hour day's extra hour lands in the bucket that holds it).
      for (let h = 0; h < 24; h += stepMs / HOUR_MS) {
        const c = zone.instantOf(day.year, day.month, day.day, h);
        if (c >= toMs) break;
        if (out[out.length - 1] !== c) out.push(c); // an hour skipped by a spring-forward gap
      }
    } else {
      out.push(midnight);
    }
    day = addDays(day, stepMs >= DAY_MS ? stepMs / DAY_MS : 1);
  }
  return out;
}

type Day = { year: number; month: number; day: number };
function addDays(d: Day, days: number): Day {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day) + days * DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** One bucket's energy as the energy core gives it. */
export interface BucketEnergy {
  fromMs: number;
  toMs: number;
  kWh: number;
  estimatedKwh: number;
}

export interface PowerBucket {
  fromMs: number;
  toMs: number;
  kWh: number;
  /** Mean power over the bucket: its energy over its length. */
  kW: number;
  /** Part of the energy rests on an estimate (a gap, a swap, a boundary far from a reading). */
  estimated: boolean;
  /** 0..1 */
  measuredShare: number;
}

/** Mean power of each bucket from its energy (kWh over hours). */
export function powerBuckets(buckets: readonly BucketEnergy[]): PowerBucket[] {
  return buckets.map((b) => {
    const hours = (b.toMs - b.fromMs) / HOUR_MS;
    const measuredShare = b.kWh > 0 ? Math.max(0, Math.min(1, (b.kWh - b.estimatedKwh) / b.kWh)) : 1;
    return { fromMs: b.fromMs, toMs: b.toMs, kWh: b.kWh, kW: hours > 0 ? b.kWh / hours : 0, estimated: b.estimatedKwh > 0, measuredShare };
  });
}

export const DEMAND_SLOT_MS = 15 * MIN_MS;

/** Cuts on the 15-minute demand grid inside a period (only whole slots: a peak is a slot's mean power). */
export function demandCuts(fromMs: number, toMs: number, slotMs = DEMAND_SLOT_MS): number[] {
  const cuts: number[] = [];
  for (let c = Math.ceil(fromMs / slotMs) * slotMs; c <= toMs; c += slotMs) cuts.push(c);
  return cuts;
}

/** The highest mean power of a whole slot and when; undefined with no slot. */
export function peakOf(slots: readonly BucketEnergy[]): { kW: number; fromMs: number; estimated: boolean } | undefined {
  let best: BucketEnergy | undefined;
  for (const s of slots) if (!best || s.kWh > best.kWh) best = s;
  return best ? { kW: (best.kWh * HOUR_MS) / (best.toMs - best.fromMs), fromMs: best.fromMs, estimated: best.estimatedKwh > 0 } : undefined;
}

/** Bucket series over the same cuts, added bucket by bucket: their coincident peak is peakOf(the sum). */
export function sumSlots(series: readonly (readonly BucketEnergy[])[]): BucketEnergy[] {
  const [first] = series;
  if (!first) return [];
  return first.map((b, k) => ({
    fromMs: b.fromMs,
    toMs: b.toMs,
    kWh: series.reduce((x, s) => x + s[k]!.kWh, 0),
    estimatedKwh: series.reduce((x, s) => x + s[k]!.estimatedKwh, 0),
  }));
}
