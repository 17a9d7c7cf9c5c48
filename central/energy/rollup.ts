// The rollup tier's grid and day assembly (pure). A series' rollup covers one local day of its site's zone
// (23, 24 or 25 hours) with edges every intervalMin minutes from local midnight; intervals divide an hour
// and DST moves clocks by whole hours, so the grid is uniform in UTC and any edge anchors it. In a zone
// whose shift is not a whole number of intervals (Lord Howe's 30 minutes under 60-minute intervals) the
// day's last interval is shorter; the codec then stores the edge times (off the grid).
// The builder computes the counter at every edge with seriesEnergyOverCuts over the grid's edges on raw
// readings, the power stats per interval with the store, and hands both to assembleRollupDays.
import { localDateOf, localMidnight, nextDay, parseLocalDate, formatLocalDate } from '../../common/local-time.js';
import { encodeRollupBody } from '../storage/rollups/codec.js';
import type { RollupDay, RollupInterval, RollupIntervalMin, RollupRow } from '../storage/rollups/types.js';
import { ROLLUP_INTERVALS_MIN } from '../storage/rollups/types.js';
import { EnergyInputError } from './errors.js';
import type { SeriesEnergy } from './types.js';

const MIN_MS = 60_000;

/** One local day of the grid: its start (local midnight) and its edges, the last one the next day's start. */
export interface GridDay {
  dayMs: number;
  edgesMs: number[];
}

/** Reading count and power statistics of one interval, as LifecycleStore.powerStats gives them. */
export interface IntervalStats {
  readings: number;
  meanW: number | undefined;
  minW: number | undefined;
  maxW: number | undefined;
}

/** Local midnight (epoch ms) of the day ms falls on, in the zone. */
export function dayStartOf(timeZone: string, ms: number): number {
  return localMidnight(localDateOf(ms, timeZone), timeZone);
}

function checkInterval(intervalMin: number): asserts intervalMin is RollupIntervalMin {
  if (!(ROLLUP_INTERVALS_MIN as readonly number[]).includes(intervalMin))
    throw new EnergyInputError(`rollup interval ${intervalMin} min is not one of ${ROLLUP_INTERVALS_MIN.join(', ')}`);
}

/** Every local day overlapping [fromMs, toMs), with its edges. */
export function rollupGrid(timeZone: string, fromMs: number, toMs: number, intervalMin: RollupIntervalMin): GridDay[] {
  checkInterval(intervalMin);
  const stepMs = intervalMin * MIN_MS;
  const out: GridDay[] = [];
  if (!(toMs > fromMs)) return out;
  let date = parseLocalDate(localDateOf(fromMs, timeZone));
  let dayMs = localMidnight(formatLocalDate(date), timeZone);
  while (dayMs < toMs) {
    date = nextDay(date);
    const endMs = localMidnight(formatLocalDate(date), timeZone);
    const edgesMs: number[] = [];
    for (let t = dayMs; t < endMs; t = dayMs + edgesMs.length * stepMs) edgesMs.push(t);
    edgesMs.push(endMs);
    out.push({ dayMs, edgesMs });
    dayMs = endMs;
  }
  return out;
}

/** The grid's edges in one list, each once (a day's last edge is the next day's first): the cuts to compute. */
export function gridCuts(days: readonly GridDay[]): number[] {
  const cuts: number[] = [];
  for (const d of days) for (const t of d.edgesMs) if (cuts.length === 0 || t > cuts[cuts.length - 1]!) cuts.push(t);
  return cuts;
}

/**
 * Interval stats from powerStats' cells (cell = floor((ts - anchorMs) / intervalMs)), keyed by interval start:
 * the grid is uniform in UTC, so a cell is one interval whatever day it falls on.
 */
export function statsByStart(
  cells: readonly { cell: number; readings: number; meanW: number | null; minW: number | null; maxW: number | null }[],
  anchorMs: number,
  intervalMs: number,
): Map<number, IntervalStats> {
  const out = new Map<number, IntervalStats>();
  for (const c of cells)
    out.set(anchorMs + c.cell * intervalMs, {
      readings: c.readings,
      meanW: c.meanW ?? undefined,
      minW: c.minW ?? undefined,
      maxW: c.maxW ?? undefined,
    });
  return out;
}

/** The cuts of whole days (each day's start, then the last day's end): what dayEnergies are computed over. */
export function dayCuts(days: readonly GridDay[]): number[] {
  return days.length === 0 ? [] : [...days.map((d) => d.dayMs), days[days.length - 1]!.edgesMs[days[days.length - 1]!.edgesMs.length - 1]!];
}

/** Intervals' kWh and the day's own may differ by rounding this much and still count as one figure. */
const SAME_KWH = 1e-9;

/**
 * The day's estimated kWh for a history bucket of whole days (portal/data/day-totals.ts), or undefined
 * when the day totals cannot stand for the core. Not the sum of the intervals' estimates: the core counts
 * as estimated the energy next to an estimated boundary of the bucket, so an outage inside a day makes its
 * quarter hours estimated and the day measured. It is the core's estimate over the whole day (dayEnergy);
 * undefined when that day had an anomaly (a negative step clamped per interval is not clamped per day)
 * or its kWh is not the intervals' sum.
 */
function dayEstimate(day: SeriesEnergy | undefined, intervalsKwh: number): number | undefined {
  if (!day || day.anomalies.length > 0 || Math.abs(day.kWh - intervalsKwh) > SAME_KWH) return undefined;
  return day.estimatedKwh;
}

/**
 * The rollup days of one series: edges from the energy of each interval (seriesEnergyOverCuts over
 * gridCuts(days)), stats by interval start (none: no readings). Energies may cover more than the days.
 * dayEnergies (seriesEnergyOverCuts over dayCuts(days)) give each day its estimate (dayEstimate).
 */
export function assembleRollupDays(
  seriesId: number,
  days: readonly GridDay[],
  energies: readonly SeriesEnergy[],
  stats: ReadonlyMap<number, IntervalStats>,
  dayEnergies: readonly SeriesEnergy[] = [],
): RollupDay[] {
  const byStart = new Map(energies.map((e) => [e.fromMs, e]));
  const dayByStart = new Map(dayEnergies.map((e) => [e.fromMs, e]));
  return days.map((d): RollupDay => {
    // A day's first interval is always whole (a short one can only be its last).
    const intervalMin = (d.edgesMs[1]! - d.edgesMs[0]!) / MIN_MS;
    checkInterval(intervalMin);
    const parts = d.edgesMs.slice(0, -1).map((fromMs, i) => {
      const e = byStart.get(fromMs);
      if (!e || e.toMs !== d.edgesMs[i + 1])
        throw new EnergyInputError(`no energy for the interval at ${fromMs} of the day at ${d.dayMs}`, String(seriesId));
      return e;
    });
    const intervals = parts.map((e): RollupInterval => {
      const s = stats.get(e.fromMs);
      return { kWh: e.kWh, meanW: s?.meanW, minW: s?.minW, maxW: s?.maxW, readings: s?.readings ?? 0 };
    });
    const edges = [...parts.map((e) => e.start), parts[parts.length - 1]!.end];
    const whole = dayByStart.get(d.dayMs);
    const estimatedKwh = dayEstimate(
      whole?.toMs === d.edgesMs[d.edgesMs.length - 1] ? whole : undefined,
      parts.reduce((s, e) => s + e.kWh, 0),
    );
    const day: RollupDay = { seriesId, dayMs: d.dayMs, intervalMin, edges, intervals };
    if (estimatedKwh !== undefined) day.estimatedKwh = estimatedKwh;
    return day;
  });
}

/** The stored row of a rollup day: its totals and its encoded body (the estimated kWh beside it, when known). */
export function rollupRowOf(day: RollupDay): RollupRow {
  let energyKwh = 0;
  let readings = 0;
  for (const iv of day.intervals) {
    energyKwh += iv.kWh;
    readings += iv.readings;
  }
  const row: RollupRow = {
    seriesId: day.seriesId,
    dayMs: day.dayMs,
    intervalMin: day.intervalMin,
    energyKwh,
    readings,
    body: encodeRollupBody(day),
  };
  if (day.estimatedKwh !== undefined) row.estimatedKwh = day.estimatedKwh;
  return row;
}
