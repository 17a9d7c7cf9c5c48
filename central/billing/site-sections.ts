// Each customer's sections at one site for one month: the points it is billed on (model/customer-points.ts),
// its terms over the month (model/contracts/terms.ts: the site list with its contract over it), the
// energy split at changes of holder, of terms and of time-of-use window, the 15-minute peak where power is
// committed, priced per billing account by priceSection. The readings come from storage through the
// bridge (energy/store-source.ts): every instant the pricing will ask is fetched in batches first, so a
// customer costs a few index seeks per point and instant, whatever the sampling rate. One customer's
// failure (no terms, bad epoch data) is reported with it and the others are still computed.
import type { HeldPoint } from '../energy/group.js';
import { DEMAND_SLOT_MS } from '../energy/group.js';
import { StoreSources, type BridgeStats, type SeriesIndex, type StoreSourcesDeps } from '../energy/store-source.js';
import { DEFAULT_ENERGY_OPTIONS, type EnergyOptions } from '../energy/types.js';
import type { Period } from '../../common/local-time.js';
import { termsOf, type TermSpan } from '../model/contracts/terms.js';
import { billablePoints, type BillablePoints } from '../model/customer-points.js';
import type { TariffBook } from '../model/tariffs/tariff.js';
import { touIntervals } from '../model/tariffs/tou.js';
import type { InventoryModel } from '../model/types.js';
import { netCustomerEnergy } from './net.js';
import { priceSection, type PricedSection } from './price.js';

export interface SectionDeps {
  store: StoreSourcesDeps['store'];
  model: InventoryModel;
  tariffs: TariffBook;
  energyOptions?: EnergyOptions;
  /** Boundary pairs per storage call (default 5,000). */
  batchSize?: number;
}

export interface DraftFailure {
  customer: string;
  site: string;
  message: string;
}

export interface DraftRunStats extends BridgeStats {
  customers: number;
  points: number;
  /** Instants per point asked of storage up front, summed. */
  instants: number;
}

export const NO_STATS: DraftRunStats = {
  boundaryQueries: 0,
  boundaryCalls: 0,
  eventQueries: 0,
  passes: 0,
  misses: 0,
  customers: 0,
  points: 0,
  instants: 0,
};

export function addStats(a: DraftRunStats, b: DraftRunStats): DraftRunStats {
  return {
    boundaryQueries: a.boundaryQueries + b.boundaryQueries,
    boundaryCalls: a.boundaryCalls + b.boundaryCalls,
    eventQueries: a.eventQueries + b.eventQueries,
    passes: Math.max(a.passes, b.passes),
    misses: a.misses + b.misses,
    customers: a.customers + b.customers,
    points: a.points + b.points,
    instants: a.instants + b.instants,
  };
}

/** The instants where a customer's price can change: terms edges, time-of-use edges, demand slots where overage is priced. */
export function priceCuts(spans: readonly TermSpan[], period: Period): number[] {
  const cuts = new Set([period.fromMs, period.toMs]);
  for (const span of spans) {
    for (const iv of touIntervals(span.terms, span.fromMs, span.toMs, period.timeZone)) {
      cuts.add(iv.fromMs);
      cuts.add(iv.toMs);
    }
    // Only overage asks for the 15-minute peak (commitment.ts); a commitment that is only charged for needs
    // no demand slots, and each slot is a lookup per point (2,976 in a 31-day month).
    if (span.terms.commitment === undefined || span.terms.overagePricePerKw === undefined) continue;
    for (let c = Math.ceil(span.fromMs / DEMAND_SLOT_MS) * DEMAND_SLOT_MS; c <= span.toMs; c += DEMAND_SLOT_MS) cuts.add(c);
  }
  return [...cuts].sort((a, b) => a - b);
}

/** The instants one point is looked up at: its held pieces' ends and the price cuts inside them. */
function pointInstants(held: HeldPoint['held'], cuts: readonly number[], period: Period, into: Set<number>): void {
  for (const h of held) {
    const a = Math.max(period.fromMs, h.fromMs);
    const b = Math.min(period.toMs, h.toMs ?? Infinity);
    if (!(a < b)) continue;
    into.add(a);
    into.add(b);
    for (const c of cuts) if (c > a && c < b) into.add(c);
  }
}

/** A customer's plan at the site: what it is billed on, its terms, and where they cut the month. */
export interface SitePlan {
  customer: string;
  points: BillablePoints;
  spans: TermSpan[];
  cuts: number[];
}

/**
 * The plans of the customers holding points at the site in the period (one customer's when given); a
 * customer whose terms fail is a failure. Customers on the same terms share one list of cuts.
 */
export function sitePlans(deps: Pick<SectionDeps, 'model' | 'tariffs'>, site: string, period: Period, customers: Iterable<string>) {
  const info = deps.model.sites.get(site)!;
  const plans: SitePlan[] = [];
  const failures: DraftFailure[] = [];
  const cutsByTerms = new Map<string, number[]>();
  for (const customer of customers) {
    const points = billablePoints(deps.model, customer, site, period);
    if (points.plus.length === 0) continue;
    try {
      const spans = termsOf({ customer, site: info, period, tariff: deps.tariffs.get(site), parties: deps.model.parties });
      const key = spans.map((s) => `${s.terms.version}@${s.fromMs}`).join(',');
      const cuts = cutsByTerms.get(key) ?? priceCuts(spans, period);
      cutsByTerms.set(key, cuts);
      plans.push({ customer, points, spans, cuts });
    } catch (err) {
      failures.push({ customer, site, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return { plans, failures };
}

export interface SectionsOf {
  customer: string;
  /** One per billing account the customer's terms at the site go to (usually one). */
  sections: PricedSection[];
}

/** Prices a chunk of plans at one site over the bridge; a customer's error is its result. */
export async function priceChunk(deps: SectionDeps, index: SeriesIndex, site: string, period: Period, plans: readonly SitePlan[]) {
  const opts = deps.energyOptions ?? DEFAULT_ENERGY_OPTIONS;
  const all = plans.flatMap((p) => [...p.points.plus, ...p.points.minus]);
  const sources = await StoreSources.open(
    { store: deps.store, ...(deps.batchSize ? { batchSize: deps.batchSize } : {}) },
    all.map(({ point: p }) => ({ pointId: p.id, site: p.site, gateway: p.gateway, device: p.device, channel: p.channel })),
    index,
  );
  await sources.loadEvents(period.fromMs - opts.estimateWindowMs);
  const instants = new Map<string, Set<number>>();
  for (const plan of plans)
    for (const b of [...plan.points.plus, ...plan.points.minus]) {
      const set = instants.get(b.point.id) ?? new Set<number>();
      pointInstants(b.held, plan.cuts, period, set);
      instants.set(b.point.id, set);
    }
  await sources.prefetch([...instants].map(([pointId, set]) => ({ pointId, instantsMs: set })));
  const held = (list: BillablePoints['plus']): HeldPoint[] =>
    list.map((b) => ({ pointId: b.point.id, series: sources.get(b.point.id), held: b.held }));
  const byCustomer = new Map(plans.map((p) => [p.customer, p]));
  const results = await sources.settle(
    plans.map((p) => p.customer),
    (c): SectionsOf => {
      const plan = byCustomer.get(c)!;
      const energy = netCustomerEnergy(held(plan.points.plus), held(plan.points.minus), opts);
      const heldAt = { any: plan.points.heldAny, racks: plan.points.racks };
      const accounts = [...new Set(plan.spans.map((s) => s.terms.account))];
      const sections = accounts.map((account) =>
        priceSection({ customer: c, site, period, spans: plan.spans.filter((s) => s.terms.account === account), energy, held: heldAt }),
      );
      return { customer: c, sections };
    },
  );
  const stats: DraftRunStats = {
    ...sources.stats,
    customers: plans.length,
    points: instants.size,
    instants: [...instants.values()].reduce((n, s) => n + s.size, 0),
  };
  return { results, stats };
}
