// What the portal's data routes answer: history in buckets, two months compared per group, live power
// per group and the power chain with phase balance. Each takes the viewer (an operator, or a customer
// confined to its own points) and reads storage through the energy bridge; the figures come from the
// pure cores (../core). Thin: no HTTP here (routes/ adapts these to the API's route registry).
import { monthPeriod } from '../../../common/local-time.js';
import { parseTimeSpec, resolveTimeSpec } from '../../model/time.js';
import type { InventoryModel, PointInfo } from '../../model/types.js';
import {
  bucketPlan,
  DEMAND_SLOT_MS,
  demandCuts,
  peakOf,
  powerBuckets,
  sumSlots,
  type BucketEnergy,
  type PowerBucket,
} from '../core/buckets.js';
import { comparePeriods, compareTotal, type ComparedRow, type PeriodFigures } from '../core/compare.js';
import { customerLive, operatorLive, type LiveGroupBy, type LiveRow } from '../core/live.js';
import { parseTarget, selectPoints, TargetError, targetText, type Selection, type Target, type Viewer } from '../core/targets.js';
import { selectionsOverCuts, type EnergyDeps } from './energy.js';
import { latestValues } from './latest.js';
import { billablePoints } from '../../model/customer-points.js';
import { coverage, measuredShareOver } from '../../energy/data-end.js';

export interface ViewDeps extends EnergyDeps {
  model: InventoryModel;
  clock: { now(): number };
  /** A power reading older than this is not live (default 5 minutes). */
  liveFreshMs?: number;
}

export const HISTORY_RANGES = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '365d': 365 * 86_400_000,
} as const;
export type HistoryRange = keyof typeof HISTORY_RANGES;

function siteOf(deps: ViewDeps, site: string) {
  const s = deps.model.sites.get(site);
  if (!s) throw new TargetError(`unknown site "${site}"`, 404);
  return s;
}

function instant(text: string, timeZone: string, what: string): number {
  const spec = parseTimeSpec(text);
  const ms = spec ? resolveTimeSpec(spec, timeZone) : undefined;
  if (ms === undefined) throw new TargetError(`${what} "${text}" is neither a local date (YYYY-MM-DD) nor a timestamp with an offset`, 400);
  return ms;
}

export interface HistoryQuery {
  site: string;
  target: string;
  /** A range ending now, or from/to. */
  range?: HistoryRange;
  from?: string;
  to?: string;
}

export interface History {
  site: string;
  timeZone: string;
  target: string;
  fromMs: number;
  toMs: number;
  step: string;
  buckets: PowerBucket[];
  /** Over [fromMs, toMs): the time past clippedToMs counts as not measured. */
  total: { kWh: number; estimatedKwh: number; measuredShare: number };
  /** null: the data reaches toMs. Otherwise no reading is newer: the buckets stop here, nothing is extrapolated. */
  clippedToMs: number | null;
  /** The highest bucket mean (not a 15-minute peak unless the buckets are 15 minutes or shorter). */
  maxKw: number;
}

export async function history(deps: ViewDeps, viewer: Viewer, q: HistoryQuery): Promise<History> {
  const site = siteOf(deps, q.site);
  const target = parseTarget(q.target);
  let fromMs: number;
  let toMs: number;
  if (q.from !== undefined || q.to !== undefined) {
    if (q.from === undefined || q.to === undefined) throw new TargetError('give both from and to, or a range', 400);
    fromMs = instant(q.from, site.timeZone, 'from');
    toMs = instant(q.to, site.timeZone, 'to');
  } else {
    const span = HISTORY_RANGES[q.range ?? '24h'];
    if (span === undefined) throw new TargetError(`range "${q.range}" is one of ${Object.keys(HISTORY_RANGES).join(', ')}`, 400);
    toMs = Math.floor(deps.clock.now() / 60_000) * 60_000;
    fromMs = toMs - span;
  }
  if (!(toMs > fromMs)) throw new TargetError('the period must end after it starts', 400);
  const plan = bucketPlan(fromMs, toMs, site.timeZone);
  const selection = selectPoints(deps.model, site.id, target, viewer, { fromMs, toMs });
  const {
    buckets: [energy],
    clippedToMs,
  } = await selectionsOverCuts(deps, [selection], plan.cutsMs);
  const buckets = powerBuckets(energy!);
  const kWh = energy!.reduce((s, b) => s + b.kWh, 0);
  const estimatedKwh = energy!.reduce((s, b) => s + b.estimatedKwh, 0);
  const measuredShare = measuredShareOver(
    { kWh, estimatedKwh, measuredKwh: kWh - estimatedKwh, interpolatedKwh: 0 },
    coverage(fromMs, toMs, clippedToMs),
  );
  return {
    site: site.id,
    timeZone: site.timeZone,
    target: targetText(target),
    fromMs,
    toMs,
    step: plan.step,
    buckets,
    total: { kWh, estimatedKwh, measuredShare },
    clippedToMs: clippedToMs ?? null,
    maxKw: buckets.reduce((m, b) => Math.max(m, b.kW), 0),
  };
}

export const COMPARE_BY = ['rack', 'feed', 'customer'] as const;
export type CompareBy = (typeof COMPARE_BY)[number];

export interface CompareQuery {
  site: string;
  by: CompareBy;
  /** Months 'YYYY-MM' in the site's zone. */
  a: string;
  b: string;
}

export interface Comparison {
  site: string;
  timeZone: string;
  by: CompareBy;
  /** clippedToMs: null when the data reaches the month's end; otherwise the month's figures stop there (a month in progress). */
  a: { label: string; fromMs: number; toMs: number; clippedToMs: number | null };
  b: { label: string; fromMs: number; toMs: number; clippedToMs: number | null };
  rows: ComparedRow[];
  total: ComparedRow;
}

/** The groups a viewer may compare at a site: its racks or feeds, or (operators) the customers. */
function groupsOf(deps: ViewDeps, viewer: Viewer, site: string, by: CompareBy, interval: { fromMs: number; toMs: number }): Target[] {
  if (by === 'customer') {
    if (viewer.customer !== undefined) return [{ kind: 'customer', id: viewer.customer }];
    return [...deps.model.customers.keys()]
      .filter((c) => billablePoints(deps.model, c, site, interval).plus.length > 0)
      .map((id) => ({ kind: 'customer', id }));
  }
  const points: PointInfo[] =
    viewer.customer !== undefined
      ? billablePoints(deps.model, viewer.customer, site, interval).plus.map((b) => b.point)
      : [...deps.model.points.values()].filter((p) => p.site === site && p.scope !== 'aux');
  const ids = new Set(points.map((p) => (by === 'rack' ? p.rack : p.feed)).filter((x): x is string => x !== undefined));
  return [...ids].sort().map((id) => ({ kind: by, id }));
}

async function periodFigures(
  deps: ViewDeps,
  viewer: Viewer,
  site: string,
  groups: readonly Target[],
  period: { fromMs: number; toMs: number },
): Promise<{ rows: PeriodFigures[]; peakKw: number | undefined; clippedToMs: number | null }> {
  const selections: Selection[] = [];
  for (const g of groups) {
    try {
      selections.push(selectPoints(deps.model, site, g, viewer, period));
    } catch (err) {
      if (!(err instanceof TargetError)) throw err; // a group not held in this period: absent there
    }
  }
  const cuts = demandCuts(period.fromMs, period.toMs);
  const { buckets: slots, clippedToMs } = await selectionsOverCuts(deps, selections, cuts);
  // A slot cut short by the end of the data counts for energy, not for the peak (a peak is a whole slot's mean).
  const whole = (s: readonly BucketEnergy[]) => s.filter((b) => b.toMs - b.fromMs === DEMAND_SLOT_MS);
  const figure = (s: readonly BucketEnergy[]) => ({
    kWh: s.reduce((x, b) => x + b.kWh, 0),
    estimatedKwh: s.reduce((x, b) => x + b.estimatedKwh, 0),
    peakKw: peakOf(whole(s))?.kW,
  });
  return {
    rows: selections.map((sel, i) => ({ group: sel.target.id, ...figure(slots[i]!) })),
    // The total row adds the groups shown, so its peak is theirs together, 15 minutes at a time.
    peakKw: peakOf(whole(sumSlots(slots)))?.kW,
    clippedToMs: clippedToMs ?? null,
  };
}

export async function compare(deps: ViewDeps, viewer: Viewer, q: CompareQuery): Promise<Comparison> {
  const site = siteOf(deps, q.site);
  if (!(COMPARE_BY as readonly string[]).includes(q.by)) throw new TargetError(`by "${q.by}" is one of ${COMPARE_BY.join(', ')}`, 400);
  const month = (m: string) => {
    try {
      return monthPeriod(m, site.timeZone);
    } catch {
      throw new TargetError(`"${m}" is not a month (YYYY-MM)`, 400);
    }
  };
  const pa = month(q.a);
  const pb = month(q.b);
  const fa = await periodFigures(deps, viewer, site.id, groupsOf(deps, viewer, site.id, q.by, pa), pa);
  const fb = await periodFigures(deps, viewer, site.id, groupsOf(deps, viewer, site.id, q.by, pb), pb);
  const rows = comparePeriods(fa.rows, fb.rows);
  return {
    site: site.id,
    timeZone: site.timeZone,
    by: q.by,
    a: { label: pa.label, fromMs: pa.fromMs, toMs: pa.toMs, clippedToMs: fa.clippedToMs },
    b: { label: pb.label, fromMs: pb.fromMs, toMs: pb.toMs, clippedToMs: fb.clippedToMs },
    rows,
    total: compareTotal(rows, fa.peakKw, fb.peakKw),
  };
}

export interface LiveView {
  nowMs: number;
  by: LiveGroupBy;
  rows: (LiveRow & { timeZone: string })[];
}

export async function live(deps: ViewDeps, viewer: Viewer, q: { by: LiveGroupBy; site?: string }): Promise<LiveView> {
  const nowMs = deps.clock.now();
  if (q.site !== undefined) siteOf(deps, q.site);
  const input = { nowMs, freshMs: deps.liveFreshMs ?? 5 * 60_000 };
  let rows: LiveRow[];
  if (viewer.customer === undefined) {
    const points = [...deps.model.points.values()].filter((p) => p.scope !== 'aux' && (q.site === undefined || p.site === q.site));
    rows = operatorLive(deps.model, q.by, { ...input, latest: await latestValues(deps.store, points, 'power_w', nowMs) }, q.site);
  } else {
    const sites = q.site !== undefined ? [q.site] : [...deps.model.sites.keys()];
    const plus: PointInfo[] = [];
    const minus: PointInfo[] = [];
    for (const s of sites) {
      const b = billablePoints(deps.model, viewer.customer, s, { fromMs: nowMs, toMs: nowMs + 1 });
      plus.push(...b.plus.map((x) => x.point));
      minus.push(...b.minus.map((x) => x.point));
    }
    rows = customerLive(plus, minus, q.by, { ...input, latest: await latestValues(deps.store, [...plus, ...minus], 'power_w', nowMs) });
  }
  return { nowMs, by: q.by, rows: rows.map((r) => ({ ...r, timeZone: deps.model.sites.get(r.site)!.timeZone })) };
}
