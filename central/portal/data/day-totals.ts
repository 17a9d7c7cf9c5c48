// Day totals for history buckets (issue 21). A year chart over the rollup tier through the energy core
// decodes every day row of every series (5.2 s for a customer's 50 series); a rolled-up day's row already
// holds the sum of its intervals as the core computed them (energy_kwh), and the energy of a bucket made of
// whole days is that sum (a counter's differences telescope; an epoch event's share is split over the
// intervals it spans and adds up again). The estimated part does not add up that way (it depends on the
// bucket's own edges): a row keeps the core's estimate of the whole day (estimated_kwh, energy/rollup.ts
// dayEstimate), exact for a one-day bucket; a longer bucket is answered only when none of its days has any.
// So the leading buckets of a point that lie on rolled-up, clean days with a known estimate take the day
// totals; the rest go through the core.
import type { HeldSpan } from '../../model/types.js';
import type { LifecycleStore, RollupDayTotal, SeriesRollupState } from '../../storage/rollups/types.js';

/** What the day totals read; a store without them (a test double) leaves every bucket to the core. */
export type DayTotalsStore = Pick<LifecycleStore, 'rollupStates' | 'rollupTotals'>;

export function hasDayTotals(store: object): store is DayTotalsStore {
  const s = store as Partial<DayTotalsStore>;
  return typeof s.rollupStates === 'function' && typeof s.rollupTotals === 'function';
}

export interface BucketFigures {
  kWh: number;
  estimatedKwh: number;
}

const HOUR_MS = 3_600_000;

/** Local days last 23, 24 or 25 hours: two rows' midnights this far apart are consecutive days. */
const consecutive = (fromDayMs: number, toDayMs: number): boolean => {
  const d = toDayMs - fromDayMs;
  return d >= 23 * HOUR_MS && d <= 25 * HOUR_MS;
};

/**
 * The leading buckets of one point that day totals answer, in order; the first bucket not in the list and
 * all after it go to the core. A bucket [cuts[i], cuts[i+1]) is answered when it lies wholly outside the
 * held spans (zero, as the core counts nothing there), or wholly inside one of them, both its cuts are
 * local midnights of rows of the series (consecutive days, every one with its estimate), and the series
 * is rolled up past its end and clean before it. `dayEndOf` gives the end of a day the rows cannot (the
 * last rolled-up day has no row after it); undefined: unknown, the bucket goes to the core.
 */
export function leadingDayBuckets(
  cutsMs: readonly number[],
  rows: readonly RollupDayTotal[],
  state: Pick<SeriesRollupState, 'rolledToMs' | 'dirtyFromMs'> | undefined,
  held: readonly HeldSpan[],
  dayEndOf: (dayMs: number) => number | undefined = () => undefined,
): BucketFigures[] {
  const index = new Map<number, number>();
  rows.forEach((r, i) => index.set(r.dayMs, i));
  const cleanToMs = Math.min(state?.rolledToMs ?? -Infinity, state?.dirtyFromMs ?? Infinity);
  const out: BucketFigures[] = [];
  for (let i = 0; i + 1 < cutsMs.length; i++) {
    const a = cutsMs[i]!;
    const b = cutsMs[i + 1]!;
    const inside = held.some((h) => h.fromMs <= a && b <= (h.toMs ?? Infinity));
    if (!inside) {
      if (held.some((h) => h.fromMs < b && a < (h.toMs ?? Infinity))) break;
      out.push({ kWh: 0, estimatedKwh: 0 });
      continue;
    }
    if (b > cleanToMs) break;
    const sum = daysSum(rows, index, a, b, dayEndOf);
    if (!sum) break;
    out.push(sum);
  }
  return out;
}

/** The sum of the rows of the days that make up [a, b) exactly; undefined when they do not. */
function daysSum(
  rows: readonly RollupDayTotal[],
  index: ReadonlyMap<number, number>,
  a: number,
  b: number,
  dayEndOf: (dayMs: number) => number | undefined,
): BucketFigures | undefined {
  let i = index.get(a);
  if (i === undefined) return undefined;
  let kWh = 0;
  let estimatedKwh = 0;
  for (let n = 1; ; n++) {
    const r = rows[i]!;
    if (r.estimatedKwh === undefined) return undefined;
    kWh += r.energyKwh;
    estimatedKwh += r.estimatedKwh;
    const next = rows[i + 1];
    const endMs = next && consecutive(r.dayMs, next.dayMs) ? next.dayMs : dayEndOf(r.dayMs);
    if (endMs === undefined || endMs > b) return undefined;
    // The estimate of a bucket of several days is not the sum of theirs (the core counts the energy next to
    // the bucket's own estimated edges): known only when none is estimated, and no day is empty (an empty
    // day counts nothing next to an estimated edge that has no reading inside it).
    if (n > 1 && (estimatedKwh !== 0 || r.energyKwh <= 0 || rows[index.get(a)!]!.energyKwh <= 0)) return undefined;
    if (endMs === b) return { kWh, estimatedKwh };
    if (next?.dayMs !== endMs) return undefined;
    i++;
  }
}

/**
 * Per store series: the rollup state and its day totals over the cuts' span, read in one call each (the
 * states per site). Series without a state or not rolled up past the first cut are left out.
 */
export async function readDayTotals(
  store: DayTotalsStore,
  series: readonly { storeId: number; site: string }[],
  cutsMs: readonly number[],
): Promise<Map<number, { state: SeriesRollupState; rows: RollupDayTotal[] }>> {
  const out = new Map<number, { state: SeriesRollupState; rows: RollupDayTotal[] }>();
  if (cutsMs.length < 2 || series.length === 0) return out;
  const first = cutsMs[0]!;
  const wanted = new Set(series.map((s) => s.storeId));
  for (const site of new Set(series.map((s) => s.site))) {
    for (const state of await store.rollupStates({ site })) {
      if (!wanted.has(state.seriesId) || state.rolledToMs === undefined || state.rolledToMs <= first) continue;
      if (state.dirtyFromMs !== undefined && state.dirtyFromMs <= first) continue;
      out.set(state.seriesId, { state, rows: [] });
    }
  }
  if (out.size === 0) return out;
  for (const r of await store.rollupTotals([...out.keys()], first, cutsMs[cutsMs.length - 1]!)) out.get(r.seriesId)?.rows.push(r);
  return out;
}
