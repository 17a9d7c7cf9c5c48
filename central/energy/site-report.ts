// A site's energy over any interval grouped by room, rack, feed, phase or point, as the operator sees it:
// the energy of the top-most tenant meters (points that are not house meters and have no such point
// above them in the chain), so a PDU and its outlets are not counted twice. Read through the bridge.
// Energy stops at the newest reading of those meters (data-end.ts); the report says where.
import type { InventoryModel, PointInfo } from '../model/types.js';
import { clipToNewestReading, coverage, measuredShareOver } from './data-end.js';
import { PeriodError } from './errors.js';
import { addEnergy, heldEnergyOverCuts, ZERO_ENERGY } from './group.js';
import { StoreSources, type StoreSourcesDeps } from './store-source.js';
import { DEFAULT_ENERGY_OPTIONS, type EnergyOptions, type EnergyQuantity } from './types.js';

export const SITE_GROUP_BY = ['room', 'rack', 'feed', 'phase', 'point'] as const;
export type SiteGroupBy = (typeof SITE_GROUP_BY)[number];

export interface SiteEnergyRow extends EnergyQuantity {
  group: string;
  measuredShare: number;
  points: number;
}

export interface SiteEnergyReport {
  site: string;
  by: SiteGroupBy;
  fromMs: number;
  /** The end asked for. */
  toMs: number;
  /** null: the energy covers [fromMs, toMs); otherwise no meter has a reading after it, and the energy stops there. */
  clippedToMs: number | null;
  rows: SiteEnergyRow[];
  total: EnergyQuantity & { measuredShare: number };
}

/** Tenant meters with no tenant meter above them; one `whole` point per node (its total when it has one). */
export function topMeters(model: InventoryModel, site: string): PointInfo[] {
  const tenant = [...model.points.values()].filter((p) => p.site === site && !p.infrastructure && p.scope === 'whole');
  const byNode = new Map<string, PointInfo>();
  for (const p of tenant) {
    const prev = byNode.get(p.node);
    if (!prev || (p.channel === 'total' && prev.channel !== 'total')) byNode.set(p.node, p);
  }
  return [...byNode.values()].filter((p) => !p.path.slice(1).some((n) => byNode.has(n)));
}

function groupOf(p: PointInfo, by: SiteGroupBy): string {
  return (by === 'point' ? p.id : by === 'room' ? p.room : by === 'rack' ? p.rack : by === 'feed' ? p.feed : p.phase) ?? '-';
}

export async function siteEnergyReport(
  deps: { store: StoreSourcesDeps['store']; model: InventoryModel; energyOptions?: EnergyOptions },
  q: { site: string; fromMs: number; toMs: number; by: SiteGroupBy },
): Promise<SiteEnergyReport> {
  if (!deps.model.sites.has(q.site)) throw new PeriodError(`unknown site "${q.site}"`);
  if (!(q.toMs > q.fromMs)) throw new PeriodError('the end must be after the start');
  const opts = deps.energyOptions ?? DEFAULT_ENERGY_OPTIONS;
  const points = topMeters(deps.model, q.site);
  const sources = await StoreSources.open(
    { store: deps.store },
    points.map((p) => ({ pointId: p.id, site: p.site, gateway: p.gateway, device: p.device, channel: p.channel })),
  );
  await sources.loadEvents(q.fromMs - opts.estimateWindowMs);
  await sources.prefetch(points.map((p) => ({ pointId: p.id, instantsMs: [q.fromMs, q.toMs] })));
  const clippedToMs = clipToNewestReading(
    points.map((p) => sources.get(p.id)),
    q.fromMs,
    q.toMs,
  );
  const endMs = clippedToMs ?? q.toMs;
  const cover = coverage(q.fromMs, q.toMs, clippedToMs);
  if (endMs > q.fromMs) await sources.prefetch(points.map((p) => ({ pointId: p.id, instantsMs: [endMs] })));
  const results = await sources.settle([q], () =>
    endMs > q.fromMs
      ? heldEnergyOverCuts(
          points.map((p) => ({ pointId: p.id, series: sources.get(p.id), held: [{ fromMs: q.fromMs, toMs: endMs }] })),
          [q.fromMs, endMs],
          opts,
        )[0]!.points
      : points.map((p) => ({ pointId: p.id, ...ZERO_ENERGY })),
  );
  const r = results.get(q)!;
  if ('error' in r) throw r.error;
  const rows = new Map<string, SiteEnergyRow>();
  for (const pe of r.value) {
    const group = groupOf(deps.model.points.get(pe.pointId)!, q.by);
    const row = rows.get(group) ?? { group, ...ZERO_ENERGY, measuredShare: 1, points: 0 };
    rows.set(group, { ...row, ...addEnergy(row, pe), points: row.points + 1 });
  }
  const out = [...rows.values()]
    .map((x) => ({ ...x, measuredShare: measuredShareOver(x, cover) }))
    .sort((a, b) => a.group.localeCompare(b.group));
  const total = out.reduce<EnergyQuantity>(addEnergy, ZERO_ENERGY);
  return {
    site: q.site,
    by: q.by,
    fromMs: q.fromMs,
    toMs: q.toMs,
    clippedToMs: clippedToMs ?? null,
    rows: out,
    total: { ...total, measuredShare: measuredShareOver(total, cover) },
  };
}
