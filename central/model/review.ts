// What an operator should look at before invoicing: points that no customer holds for part of a period,
// and series the gateways send that no point of the inventory reads (a new PDU, a renamed device). Pure.
import { unassignedPoints, type UnassignedPoint } from './holders.js';
import { pointForReading, type ReadingSource } from './select.js';
import type { InventoryModel, IntervalMs } from './types.js';

export interface Review {
  unassigned: UnassignedPoint[];
  /** Series with readings that map to no point: their energy reaches no invoice. */
  unmapped: ReadingSource[];
}

export function review(model: InventoryModel, series: readonly ReadingSource[], interval: IntervalMs): Review {
  const seen = new Set<string>();
  const unmapped = series.filter((s) => {
    const key = `${s.site}/${s.gateway}/${s.device}/${s.channel}`;
    if (seen.has(key) || pointForReading(model, s)) return false;
    seen.add(key);
    return true;
  });
  return { unassigned: unassignedPoints(model, interval), unmapped };
}
