// Who holds a point over time: the best-ranked candidate at each instant, as segments [fromMs, toMs).
// Pure; the precedence is in each Holding's rank (assignments.ts, docs/config-inventory.md).
import type { HolderSegment, Holding, IntervalMs, InventoryModel, PointInfo } from './types.js';

/** The holders of a point within an interval, in time order; times nobody holds are absent. */
export function holdersOf(model: InventoryModel, pointId: string, interval: IntervalMs): HolderSegment[] {
  return segmentsOf(model.holdings.get(pointId) ?? [], interval);
}

/** Same, from a candidate list sorted best first. */
export function segmentsOf(cands: readonly Holding[], { fromMs, toMs }: IntervalMs): HolderSegment[] {
  if (!(fromMs < toMs) || cands.length === 0) return [];
  const cuts = new Set([fromMs, toMs]);
  for (const c of cands) {
    if (c.fromMs > fromMs && c.fromMs < toMs) cuts.add(c.fromMs);
    if (c.toMs > fromMs && c.toMs < toMs) cuts.add(c.toMs);
  }
  const times = [...cuts].sort((a, b) => a - b);
  const out: HolderSegment[] = [];
  for (let k = 0; k + 1 < times.length; k++) {
    const a = times[k]!;
    const b = times[k + 1]!;
    // Every candidate boundary is a cut, so one that covers `a` covers all of [a, b).
    const win = cands.find((c) => c.fromMs <= a && a < c.toMs);
    if (!win) continue;
    const last = out[out.length - 1];
    if (last && last.toMs === a && last.assignment === win.assignment && last.version === win.version) last.toMs = b;
    else out.push({ fromMs: a, toMs: b, customer: win.customer, assignment: win.assignment, version: win.version, level: win.level });
  }
  return out;
}

export interface CustomerHolding {
  point: PointInfo;
  segments: HolderSegment[];
}

/** Every point a customer holds at some time in the interval (an instant t: [t, t + 1)), with when. */
export function customerHoldings(model: InventoryModel, customer: string, interval: IntervalMs): CustomerHolding[] {
  const out: CustomerHolding[] = [];
  for (const id of model.pointsByCustomer.get(customer) ?? []) {
    const segments = holdersOf(model, id, interval).filter((s) => s.customer === customer);
    if (segments.length > 0) out.push({ point: model.points.get(id)!, segments });
  }
  return out;
}

export interface UnassignedPoint {
  point: PointInfo;
  /** The parts of the interval in which nothing assigns the point. */
  gaps: IntervalMs[];
}

/** Points that nothing assigns over all or part of the interval: the review list (house meters left out). */
export function unassignedPoints(model: InventoryModel, interval: IntervalMs): UnassignedPoint[] {
  const out: UnassignedPoint[] = [];
  for (const point of model.points.values()) {
    if (point.infrastructure) continue;
    const gaps: IntervalMs[] = [];
    let at = interval.fromMs;
    for (const s of holdersOf(model, point.id, interval)) {
      if (s.fromMs > at) gaps.push({ fromMs: at, toMs: s.fromMs });
      at = s.toMs;
    }
    if (at < interval.toMs) gaps.push({ fromMs: at, toMs: interval.toMs });
    if (gaps.length > 0) out.push({ point, gaps });
  }
  return out;
}
