// Which points measure energy that another point also measures (a PDU inlet and its outlets, a busbar
// phase and the single-phase circuits on it), so a grouping is summed without counting anything twice. Pure.
import type { InventoryModel, PointInfo } from './types.js';

/** True if every watt-hour `q` measures is also measured by `p`. Aux channels (n, l1l2..) cover nothing. */
export function covers(p: PointInfo, q: PointInfo): boolean {
  if (p.id === q.id || p.scope === 'aux' || q.scope === 'aux') return false;
  const sameNode = p.node === q.node;
  if (!sameNode && !q.path.includes(p.node)) return false;
  if (p.scope === 'whole') return !sameNode || q.scope === 'phase';
  // p measures one phase of a three-phase node: what below it is on that phase.
  return !sameNode && q.phase === p.phase;
}

/**
 * The points of `ids` that nothing else in `ids` covers: summing them counts every Wh once. Besides one
 * point covering another, the three phase points of a node together cover a three-phase point below it.
 */
export function topPoints(model: InventoryModel, ids: Iterable<string>): PointInfo[] {
  const chosen = [...new Set(ids)].map((id) => model.points.get(id)).filter((p): p is PointInfo => p !== undefined);
  const byNode = new Map<string, PointInfo[]>();
  for (const p of chosen) byNode.set(p.node, [...(byNode.get(p.node) ?? []), p]);
  const coveredAt = (q: PointInfo, n: string): boolean => {
    const here = byNode.get(n) ?? [];
    if (here.some((p) => covers(p, q))) return true;
    if (n === q.node || q.scope !== 'whole' || q.phase !== '3P') return false;
    const phases = new Set(here.filter((p) => p.scope === 'phase').map((p) => p.phase));
    return phases.size === 3;
  };
  return chosen.filter((q) => !q.path.some((n) => coveredAt(q, n)));
}

/**
 * The nearest point above that covers this one (same node or up the chain), the tighter one first: for an
 * energy balance (outlets against their inlet, circuits against the busbar phase). Undefined at the top.
 */
export function meterParentOf(model: InventoryModel, pointId: string): PointInfo | undefined {
  const q = model.points.get(pointId);
  if (!q) return undefined;
  for (const n of q.path) {
    const above = (model.pointsByNode.get(n) ?? []).map((id) => model.points.get(id)!).filter((p) => covers(p, q));
    if (above.length > 0) return above.find((p) => p.scope === 'phase') ?? above[0];
  }
  return undefined;
}
