// The rollup tier's answer to a boundary query, from decoded rollup days of one series (pure). At an edge
// the answer carries the edge itself (the counter as the energy core computed it from raw readings), which
// the core uses as is, so energy between edges equals the energy computed from raw. Between edges the
// nearest measured edges (a value, not estimated) stand in for readings: the core interpolates between
// them, which is exact on a steady load and off by the load's curvature inside one interval otherwise
// (central/energy/rollup-equality.test.ts measures it). Estimated edges are skipped because the core takes
// what it is given for readings: inside a stretch without readings it then sees the measured edges around
// the stretch, too far apart to interpolate, and estimates (and says so) as it did from raw.
//
// The store calls it per query with the rows it fetched for the query's day and its neighbours
// (rollupDaysAround gives which): a neighbour day absent from the map is taken as having no rollup, so the
// side looked for there is undefined; the query's own day absent returns undefined (answer from raw).
import type { BoundaryTrace } from '../../energy/types.js';
import type { BoundaryValue, BoundaryValues } from '../readings/types.js';
import type { RollupDay } from './types.js';

/** Longer than any local day (25 h), shorter than two: from a day's start, lands in the next day. */
const MORE_THAN_A_DAY_MS = 26 * 3_600_000;

/** The day starts whose rows answer a query at atMs: the previous day, atMs's day and the next. */
export function rollupDaysAround(atMs: number, dayStartOf: (ms: number) => number): number[] {
  const day = dayStartOf(atMs);
  return [dayStartOf(day - 1), day, dayStartOf(day + MORE_THAN_A_DAY_MS)];
}

const asValue = (e: BoundaryTrace): BoundaryValue => ({ ts: e.atMs, value: e.valueKwh!, quality: 'good' });

/** Index of the last edge with atMs <= t, or -1 (edges ascend). */
function lastAtOrBefore(edges: readonly BoundaryTrace[], t: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]!.atMs <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The nearest measured edge strictly before (dir -1) or after (dir 1) tMs, walking into the neighbouring
 * day rows while the map has them.
 */
function nearestMeasured(
  days: ReadonlyMap<number, RollupDay>,
  day: RollupDay,
  tMs: number,
  dir: -1 | 1,
  dayStartOf: (ms: number) => number,
): BoundaryTrace | undefined {
  for (let d: RollupDay | undefined = day; d;) {
    const edges = d.edges;
    const at = lastAtOrBefore(edges, tMs);
    // Before: from the last edge < tMs backwards; after: from the first edge > tMs forwards.
    let i = dir < 0 ? (at >= 0 && edges[at]!.atMs === tMs ? at - 1 : at) : at + 1;
    for (; i >= 0 && i < edges.length; i += dir) if (edges[i]!.valueKwh !== undefined && !edges[i]!.estimated) return edges[i];
    const next = dir < 0 ? dayStartOf(d.dayMs - 1) : dayStartOf(d.dayMs + MORE_THAN_A_DAY_MS);
    if (next === d.dayMs) return undefined;
    d = days.get(next);
  }
  return undefined;
}

/**
 * A boundary query answered from rollup days of its series, keyed by dayMs; undefined when atMs's day has
 * no row (or the measurement is not one the rollups hold), so the store answers it from raw readings.
 */
export function answerFromRollups(
  days: ReadonlyMap<number, RollupDay>,
  q: { measurement: string; atMs: number },
  dayStartOf: (ms: number) => number,
): BoundaryValues | undefined {
  if (q.measurement !== 'energy_import_kwh' && q.measurement !== 'power_w') return undefined;
  const start = dayStartOf(q.atMs);
  let day = days.get(start);
  // A midnight is also the previous day's last edge: the edge closing the newest rolled-up day.
  const prev = day || q.atMs !== start ? undefined : days.get(dayStartOf(start - 1));
  if (prev?.edges[prev.edges.length - 1]?.atMs === q.atMs) day = prev;
  if (!day) return undefined;
  // Power readings are not kept; the core then estimates from the counters (edges) alone.
  if (q.measurement === 'power_w') return { before: undefined, after: undefined };
  const i = lastAtOrBefore(day.edges, q.atMs);
  const edge = i >= 0 && day.edges[i]!.atMs === q.atMs ? day.edges[i]! : undefined;
  if (edge) {
    const v = edge.valueKwh === undefined ? undefined : asValue(edge);
    return { before: v, after: v, edge };
  }
  const before = nearestMeasured(days, day, q.atMs, -1, dayStartOf);
  const after = nearestMeasured(days, day, q.atMs, 1, dayStartOf);
  return { before: before && asValue(before), after: after && asValue(after) };
}
