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

/** The points of `ids` that no other point of `ids` covers: summing them counts every Wh once. */
export function topPoints(model: InventoryModel, ids: Iterable<string>): PointInfo[] {
  const chosen = [...new Set(ids)].map((id) => model.points.get(id)).filter((p): p is PointInfo => p !== undefined);
  const byNode = new Map<string, PointInfo[]>();
  for (const p of chosen) byNode.set(p.node, [...(byNode.get(p.node) ?? []), p]);
  return chosen.filter((q) => !q.path.some((n) => (byNode.get(n) ?? []).some((p) => covers(p, q))));
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
