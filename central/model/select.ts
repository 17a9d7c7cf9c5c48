// Finding points: by reading source, and by any grouping (device, node subtree, rack, cage, feed side,
// phase, room, site), conditions combined. Pure.
import type { FeedSide, InventoryModel, Phase, PointInfo } from './types.js';
import { sourceKey } from './types.js';

export interface ReadingSource {
  site: string;
  gateway: string;
  device: string;
  channel: string;
}

/**
 * The point a reading belongs to, from its topic's site and gateway and its device and channel; undefined
 * when the inventory does not know it, or knows that gateway in another site (a gateway writing as another).
 */
export function pointForReading(model: InventoryModel, src: ReadingSource): PointInfo | undefined {
  if (model.gateways.get(src.gateway)?.site !== src.site) return undefined;
  const id = model.bySource.get(sourceKey(src.gateway, src.device, src.channel));
  return id === undefined ? undefined : model.points.get(id);
}

/** Every given condition must hold; `{}` selects every point. `node` selects its whole subtree. */
export interface PointFilter {
  site?: string;
  room?: string;
  rack?: string;
  cage?: string;
  node?: string;
  gateway?: string;
  device?: string;
  feed?: FeedSide;
  phase?: Phase;
}

export function selectPoints(model: InventoryModel, f: PointFilter): PointInfo[] {
  const out: PointInfo[] = [];
  for (const p of model.points.values()) {
    if (f.site !== undefined && p.site !== f.site) continue;
    if (f.room !== undefined && p.room !== f.room) continue;
    if (f.rack !== undefined && p.rack !== f.rack) continue;
    if (f.cage !== undefined && p.cage !== f.cage) continue;
    if (f.node !== undefined && !p.path.includes(f.node)) continue;
    if (f.gateway !== undefined && p.gateway !== f.gateway) continue;
    if (f.device !== undefined && p.device !== f.device) continue;
    if (f.feed !== undefined && p.feed !== f.feed) continue;
    if (f.phase !== undefined && p.phase !== f.phase) continue;
    out.push(p);
  }
  return out;
}
