// A customer's energy over any interval, grouped by rack, feed, phase, room, site or point, in every
// site where it holds points: the points it is billed on less what others hold inside them
// (model/customer-points.ts), read from storage through the bridge. Local dates are each site's own. Others'
// points are grouped with the customer's point that contains them, never shown as groups of their own.
// Energy stops at the newest reading of the site's series (data-end.ts); the rows say where.
import { covers } from '../model/cover.js';
import { parseTimeSpec, resolveTimeSpec } from '../model/time.js';
import type { InventoryModel, PointInfo } from '../model/types.js';
import { billablePoints, type BillablePoint } from '../model/customer-points.js';
import { clipToNewestReading, combinedMeasuredShare, coverage, measuredShareOver } from './data-end.js';
import { PeriodError } from './errors.js';
import { addEnergy, heldEnergyOverCuts, ZERO_ENERGY, type HeldPoint, type PointEnergy } from './group.js';
import { StoreSources, type BridgeStats, type SeriesIndex, type StoreSourcesDeps } from './store-source.js';
import { DEFAULT_ENERGY_OPTIONS, type EnergyOptions, type EnergyQuantity } from './types.js';

export const GROUP_BY = ['site', 'room', 'rack', 'feed', 'phase', 'point'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export interface EnergyReportDeps {
  store: StoreSourcesDeps['store'];
  model: InventoryModel;
  energyOptions?: EnergyOptions;
  /** Series ids by source (seriesIndex), when the caller keeps one; otherwise listed per site. */
  seriesIndex?: SeriesIndex;
}

export interface EnergyReportQuery {
  customer: string;
  /** Inclusive start: a local date (YYYY-MM-DD, midnight in each site's zone) or a timestamp with offset. */
  from: string;
  /** Exclusive end, in the same forms. */
  to: string;
  by: GroupBy;
}

export interface EnergyRow extends EnergyQuantity {
  site: string;
  /** The group's value (`ams1-r12`, `A`, `L2`, a point id); `-` for points without one (no rack, no feed). */
  group: string;
  /** The start asked for (in the site's zone). */
  fromMs: number;
  /** The end asked for. */
  toMs: number;
  /**
   * When the customer held the group's points within [fromMs, toMs): the first instant held and the end
   * of the last piece held. A rack taken over on the 15th starts there, not on the 1st asked for.
   */
  heldFromMs: number;
  heldToMs: number;
  /**
   * null: the energy covers [fromMs, toMs). Otherwise the site's data ends before toMs (no reading of its
   * series is newer): the energy covers [fromMs, clippedToMs) and nothing after it is counted or guessed.
   */
  clippedToMs: number | null;
  /** 0..1, over [fromMs, toMs): the time past clippedToMs counts as not measured. */
  measuredShare: number;
  points: number;
  /** Points of others' inside the group's points whose energy was taken off. */
  deducted: number;
}

export interface EnergyReport {
  customer: string;
  by: GroupBy;
  rows: EnergyRow[];
  /** The sites whose data ends before the end asked for, and where (the rows' clippedToMs). */
  clipped: { site: string; clippedToMs: number }[];
  total: EnergyQuantity & { measuredShare: number };
  stats: BridgeStats;
}

function groupOf(p: PointInfo, by: GroupBy): string {
  const v =
    by === 'point' ? p.id : by === 'site' ? p.site : by === 'room' ? p.room : by === 'rack' ? p.rack : by === 'feed' ? p.feed : p.phase;
  return v ?? '-';
}

function instantOf(text: string, timeZone: string, what: string): number {
  const spec = parseTimeSpec(text);
  const ms = spec ? resolveTimeSpec(spec, timeZone) : undefined;
  if (ms === undefined) throw new PeriodError(`${what} "${text}" is neither a local date (YYYY-MM-DD) nor a timestamp with an offset`);
  return ms;
}

/** The group a deducted point of someone else's is counted in: that of the customer's point containing it. */
function containerOf(plus: readonly BillablePoint[], q: PointInfo): PointInfo | undefined {
  return plus.find((b) => covers(b.point, q))?.point ?? plus.find((b) => q.path.includes(b.point.node))?.point;
}

export async function customerEnergyReport(deps: EnergyReportDeps, q: EnergyReportQuery): Promise<EnergyReport> {
  if (!deps.model.customers.has(q.customer)) throw new PeriodError(`unknown customer "${q.customer}"`);
  const opts = deps.energyOptions ?? DEFAULT_ENERGY_OPTIONS;
  const plans = [...deps.model.sites.values()]
    .map((site) => {
      const fromMs = instantOf(q.from, site.timeZone, '--from');
      const toMs = instantOf(q.to, site.timeZone, '--to');
      if (!(toMs > fromMs)) throw new PeriodError(`--to ${q.to} is not after --from ${q.from}`);
      return {
        site: site.id,
        fromMs,
        toMs,
        endMs: toMs,
        clippedToMs: undefined as number | undefined,
        points: billablePoints(deps.model, q.customer, site.id, { fromMs, toMs }),
      };
    })
    .filter((p) => p.points.plus.length > 0);
  const all = plans.flatMap((p) => [...p.points.plus, ...p.points.minus]);
  const sources = await StoreSources.open(
    { store: deps.store },
    all.map(({ point: p }) => ({ pointId: p.id, site: p.site, gateway: p.gateway, device: p.device, channel: p.channel })),
    deps.seriesIndex,
  );
  await sources.loadEvents(Math.min(...plans.map((p) => p.fromMs)) - opts.estimateWindowMs);
  // Where each site's data ends: the readings around the end asked for, of every series the site reads.
  await sources.prefetch(
    plans.flatMap((p) => [...p.points.plus, ...p.points.minus].map((b) => ({ pointId: b.point.id, instantsMs: [p.toMs] }))),
  );
  for (const p of plans) {
    p.clippedToMs = clipToNewestReading(
      [...p.points.plus, ...p.points.minus].map((b) => sources.get(b.point.id)),
      p.fromMs,
      p.toMs,
    );
    p.endMs = p.clippedToMs ?? p.toMs;
  }
  await sources.prefetch(
    plans.flatMap((p) =>
      [...p.points.plus, ...p.points.minus].map((b) => ({
        pointId: b.point.id,
        instantsMs: b.held
          .flatMap((h) => [Math.max(p.fromMs, h.fromMs), Math.min(p.endMs, h.toMs ?? Infinity)])
          .filter((t) => t >= p.fromMs && t <= p.endMs),
      })),
    ),
  );
  const held = (list: typeof all): HeldPoint[] => list.map((b) => ({ pointId: b.point.id, series: sources.get(b.point.id), held: b.held }));
  // A site with no data in the period at all: its points, with nothing counted.
  const none = (list: typeof all): PointEnergy[] =>
    list.map((b) => ({ pointId: b.point.id, seriesId: sources.get(b.point.id).seriesId, ...ZERO_ENERGY, pieces: [] }));
  const results = await sources.settle(plans, (p) =>
    p.endMs > p.fromMs
      ? {
          plus: heldEnergyOverCuts(held(p.points.plus), [p.fromMs, p.endMs], opts)[0]!.points,
          minus: heldEnergyOverCuts(held(p.points.minus), [p.fromMs, p.endMs], opts)[0]!.points,
        }
      : { plus: none(p.points.plus), minus: [] },
  );
  const rows = new Map<string, Omit<EnergyRow, 'measuredShare'> & { plus: EnergyQuantity; minus: EnergyQuantity }>();
  /** The first and last instant a point was held within a plan's interval. */
  const heldSpan = (p: (typeof plans)[number], pointId: string): [number, number] => {
    const held = p.points.plus.find((b) => b.point.id === pointId)?.held ?? [];
    const from = Math.min(...held.map((h) => Math.max(h.fromMs, p.fromMs)));
    const to = Math.max(...held.map((h) => Math.min(h.toMs ?? p.toMs, p.toMs)));
    return from < to ? [from, to] : [p.fromMs, p.toMs];
  };
  const coverOf = new Map<string, number>();
  for (const p of plans) {
    const r = results.get(p)!;
    if ('error' in r) throw r.error;
    coverOf.set(p.site, coverage(p.fromMs, p.toMs, p.clippedToMs));
    const add = (pe: (typeof r.value.plus)[number], sign: 'plus' | 'minus') => {
      const point = deps.model.points.get(pe.pointId)!;
      const container = sign === 'plus' ? point : containerOf(p.points.plus, point);
      const group = container ? groupOf(container, q.by) : q.by === 'point' ? '-' : groupOf(point, q.by);
      const key = `${p.site}\n${group}`;
      const row = rows.get(key) ?? {
        site: p.site,
        group,
        fromMs: p.fromMs,
        toMs: p.toMs,
        // Widened by each of the customer's points in the group; a group of others' points alone keeps the interval asked for.
        heldFromMs: Infinity,
        heldToMs: -Infinity,
        clippedToMs: p.clippedToMs ?? null,
        ...ZERO_ENERGY,
        points: 0,
        deducted: 0,
        plus: ZERO_ENERGY,
        minus: ZERO_ENERGY,
      };
      row[sign] = addEnergy(row[sign], pe);
      if (sign === 'plus') {
        row.points++;
        const [from, to] = heldSpan(p, pe.pointId);
        row.heldFromMs = Math.min(row.heldFromMs, from);
        row.heldToMs = Math.max(row.heldToMs, to);
      } else row.deducted++;
      rows.set(key, row);
    };
    for (const pe of r.value.plus) add(pe, 'plus');
    for (const pe of r.value.minus) add(pe, 'minus');
  }
  const out: EnergyRow[] = [...rows.values()]
    .map(({ plus, minus, ...row }) => {
      const kWh = Math.max(0, plus.kWh - minus.kWh);
      const estimatedKwh = Math.min(kWh, plus.estimatedKwh + minus.estimatedKwh);
      const q2 = {
        kWh,
        estimatedKwh,
        measuredKwh: kWh - estimatedKwh,
        interpolatedKwh: Math.min(kWh - estimatedKwh, Math.max(0, plus.interpolatedKwh - minus.interpolatedKwh)),
      };
      const held = row.points > 0 ? {} : { heldFromMs: row.fromMs, heldToMs: row.toMs };
      return { ...row, ...held, ...q2, measuredShare: measuredShareOver(q2, coverOf.get(row.site)!) };
    })
    .sort((a, b) => a.site.localeCompare(b.site) || a.group.localeCompare(b.group));
  const total = out.reduce<EnergyQuantity>(addEnergy, ZERO_ENERGY);
  const share = combinedMeasuredShare(out.map((r) => ({ q: r, cover: coverOf.get(r.site)! })));
  const clipped = plans.flatMap((p) => (p.clippedToMs === undefined ? [] : [{ site: p.site, clippedToMs: p.clippedToMs }]));
  return { customer: q.customer, by: q.by, rows: out, clipped, total: { ...total, measuredShare: share }, stats: sources.stats };
}
