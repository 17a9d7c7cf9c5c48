// Invoice drafts of one site for one month: for each customer holding points there, the energy of the
// points it is billed on (model/customer-points.ts), split at changes of holder, tariff versions and time-of-use
// windows, the 15-minute peak where the tariff commits power, priced by priceInvoice. The readings come
// from storage through the bridge (energy/store-source.ts): every instant the run will ask is fetched in
// batches first, so the run costs a few index seeks per point and instant, whatever the sampling rate.
// One customer's failure (no tariff version, bad epoch data) is reported with it and the others are still
// computed; the run (computeDrafts) then holds the site's whole month rather than invoice part of it.
import type { HeldPoint } from '../energy/group.js';
import { DEMAND_SLOT_MS } from '../energy/group.js';
import { seriesIndex, StoreSources, type BridgeStats, type SeriesIndex, type StoreSourcesDeps } from '../energy/store-source.js';
import { DEFAULT_ENERGY_OPTIONS, type EnergyOptions } from '../energy/types.js';
import { monthPeriod, type Period } from '../../common/local-time.js';
import type { InventoryModel } from '../model/types.js';
import { billablePoints, type BillablePoints } from '../model/customer-points.js';
import type { InvoiceDraft } from './invoice.js';
import { netCustomerEnergy } from './net.js';
import { priceInvoice } from './price.js';
import { versionsIn, type SiteTariff, type TariffBook } from '../model/tariffs/tariff.js';
import { touIntervals } from '../model/tariffs/tou.js';

export interface DraftDeps {
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

export interface SiteDrafts {
  site: string;
  period: Period;
  drafts: InvoiceDraft[];
  failures: DraftFailure[];
  stats: DraftRunStats;
}

/** The site or customer is unknown, the site has no tariff, or (computeDrafts) some customer failed. */
export class DraftsError extends Error {
  constructor(
    message: string,
    readonly failures: readonly DraftFailure[] = [],
    readonly drafts: readonly InvoiceDraft[] = [],
  ) {
    super(message);
    this.name = 'DraftsError';
  }
}

/** The instants where the price can change within the period: version edges, time-of-use edges, demand slots. */
export function priceCuts(deps: Pick<DraftDeps, 'tariffs'>, site: string, period: Period): number[] {
  const tariff = deps.tariffs.get(site);
  const cuts = new Set([period.fromMs, period.toMs]);
  for (const span of versionsIn(tariff?.versions ?? [], period.fromMs, period.toMs, period.timeZone)) {
    for (const iv of touIntervals(span.version, span.fromMs, span.toMs, period.timeZone)) {
      cuts.add(iv.fromMs);
      cuts.add(iv.toMs);
    }
    if (span.version.committedPowerKw === undefined) continue;
    for (let c = Math.ceil(span.fromMs / DEMAND_SLOT_MS) * DEMAND_SLOT_MS; c <= span.toMs; c += DEMAND_SLOT_MS) cuts.add(c);
  }
  return [...cuts].sort((a, b) => a - b);
}

/** The instants one point is looked up at: its held pieces' ends and the price cuts inside them. */
function pointInstants(held: HeldPoint['held'], cuts: readonly number[], period: Period): number[] {
  const out = new Set<number>();
  for (const h of held) {
    const a = Math.max(period.fromMs, h.fromMs);
    const b = Math.min(period.toMs, h.toMs ?? Infinity);
    if (!(a < b)) continue;
    out.add(a);
    out.add(b);
    for (const c of cuts) if (c > a && c < b) out.add(c);
  }
  return [...out];
}

export interface DraftStreamOptions {
  /** Customers computed together (their points fetched in one go); bounds the memory of a run (default 250). */
  chunkCustomers?: number;
}

export interface SiteDraftStream {
  site: string;
  period: Period;
  drafts: number;
  failures: DraftFailure[];
  stats: DraftRunStats;
}

function addStats(a: DraftRunStats, b: DraftRunStats): DraftRunStats {
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

/**
 * The drafts of a site's month handed to `onDraft` one by one, in the inventory's customer order, so a run
 * can store each and let it go: memory is bounded by the chunk, not by the site.
 */
export async function streamSiteDrafts(
  deps: DraftDeps,
  site: string,
  month: string,
  onDraft: (draft: InvoiceDraft) => void | Promise<void>,
  customer?: string,
  opts: DraftStreamOptions = {},
): Promise<SiteDraftStream> {
  const info = deps.model.sites.get(site);
  if (!info) throw new DraftsError(`unknown site "${site}"`);
  const tariff = deps.tariffs.get(site);
  if (!tariff) throw new DraftsError(`site "${site}" has no tariff`);
  if (customer !== undefined && !deps.model.customers.has(customer)) throw new DraftsError(`unknown customer "${customer}"`);
  const period = monthPeriod(month, info.timeZone);
  const cuts = priceCuts(deps, site, period);
  const plans = new Map<string, BillablePoints>();
  for (const c of customer === undefined ? deps.model.customers.keys() : [customer]) {
    const b = billablePoints(deps.model, c, site, period);
    if (b.plus.length > 0) plans.set(c, b);
  }
  const customers = [...plans.keys()];
  const size = Math.max(1, opts.chunkCustomers ?? 250);
  let stats: DraftRunStats = {
    boundaryQueries: 0,
    boundaryCalls: 0,
    eventQueries: 0,
    passes: 0,
    misses: 0,
    customers: 0,
    points: 0,
    instants: 0,
  };
  const failures: DraftFailure[] = [];
  let drafts = 0;
  const index = await seriesIndex(deps.store, [site]);
  for (let i = 0; i < customers.length; i += size) {
    const chunk = customers.slice(i, i + size);
    const r = await draftChunk(
      deps,
      index,
      site,
      period,
      cuts,
      tariff.versions,
      chunk.map((c) => [c, plans.get(c)!] as const),
    );
    stats = addStats(stats, r.stats);
    for (const c of chunk) {
      const res = r.results.get(c)!;
      if ('value' in res) {
        drafts++;
        await onDraft(res.value);
      } else failures.push({ customer: c, site, message: res.error instanceof Error ? res.error.message : String(res.error) });
    }
  }
  return { site, period, drafts, failures, stats };
}

async function draftChunk(
  deps: DraftDeps,
  index: SeriesIndex,
  site: string,
  period: Period,
  cuts: readonly number[],
  versions: SiteTariff['versions'],
  plans: readonly (readonly [string, BillablePoints])[],
) {
  const opts = deps.energyOptions ?? DEFAULT_ENERGY_OPTIONS;
  const all = plans.flatMap(([, b]) => [...b.plus, ...b.minus]);
  const sources = await StoreSources.open(
    { store: deps.store, ...(deps.batchSize ? { batchSize: deps.batchSize } : {}) },
    all.map(({ point: p }) => ({ pointId: p.id, site: p.site, gateway: p.gateway, device: p.device, channel: p.channel })),
    index,
  );
  await sources.loadEvents(period.fromMs - opts.estimateWindowMs);
  const instants = new Map<string, Set<number>>();
  for (const b of all) {
    const set = instants.get(b.point.id) ?? new Set<number>();
    for (const t of pointInstants(b.held, cuts, period)) set.add(t);
    instants.set(b.point.id, set);
  }
  await sources.prefetch([...instants].map(([pointId, set]) => ({ pointId, instantsMs: set })));
  const held = (list: BillablePoints['plus']): HeldPoint[] =>
    list.map((b) => ({ pointId: b.point.id, series: sources.get(b.point.id), held: b.held }));
  const byCustomer = new Map(plans);
  const results = await sources.settle(
    plans.map(([c]) => c),
    (c) => {
      const plan = byCustomer.get(c)!;
      return priceInvoice({ customer: c, site, period, versions, energy: netCustomerEnergy(held(plan.plus), held(plan.minus), opts) });
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

export async function computeSiteDrafts(
  deps: DraftDeps,
  site: string,
  month: string,
  customer?: string,
  opts: DraftStreamOptions = {},
): Promise<SiteDrafts> {
  const drafts: InvoiceDraft[] = [];
  const r = await streamSiteDrafts(
    deps,
    site,
    month,
    (d) => {
      drafts.push(d);
    },
    customer,
    opts,
  );
  return { site, period: r.period, drafts, failures: r.failures, stats: r.stats };
}

/** The drafts of a site's month; throws DraftsError carrying the drafts made if any customer failed. */
export async function computeDrafts(deps: DraftDeps, site: string, month: string, customer?: string): Promise<InvoiceDraft[]> {
  const r = await computeSiteDrafts(deps, site, month, customer);
  if (r.failures.length > 0) {
    throw new DraftsError(
      `${r.failures.length} of ${r.stats.customers} customers at ${site} failed for ${month}: ${r.failures.map((f) => `${f.customer}: ${f.message}`).join('; ')}`,
      r.failures,
      r.drafts,
    );
  }
  return r.drafts;
}
