// Invoice drafts of one issuing entity for one month: every site it invoices, each customer's sections
// there (site-sections.ts), gathered into one invoice per billing account and currency with a section per
// site (consolidate.ts). A site that invoices alone is an entity of its own, so without entities this is
// one invoice per customer and site, as it always was. One customer's failure (no terms, bad epoch data)
// is reported with it and the others are still computed; the run (computeDrafts) then holds the entity's
// whole month rather than invoice part of it.
import { seriesIndex } from '../energy/store-source.js';
import { monthPeriod } from '../../common/local-time.js';
import { consolidate } from './consolidate.js';
import type { InvoiceDraft } from './invoice.js';
import type { PricedSection } from './price.js';
import { addStats, NO_STATS, priceChunk, sitePlans, type DraftFailure, type DraftRunStats, type SectionDeps } from './site-sections.js';

export type { DraftFailure, DraftRunStats } from './site-sections.js';
export type DraftDeps = SectionDeps;

export interface DraftOptions {
  /** Only this customer's invoices. */
  customer?: string;
  /** Only these of the entity's sites (default all; the run leaves out sites not invoiced yet that month). */
  sites?: readonly string[];
  /** Customers priced together (their points fetched in one go); bounds the memory of a site (default 250). */
  chunkCustomers?: number;
}

export interface EntityDrafts {
  entity: string;
  month: string;
  sites: string[];
  drafts: InvoiceDraft[];
  failures: DraftFailure[];
  stats: DraftRunStats;
}

/** The entity, site or customer is unknown, a site has no tariff, or (computeDrafts) some customer failed. */
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

/** The drafts of an entity's month, every customer (or one), with the failures beside them. */
export async function computeEntityDrafts(deps: DraftDeps, entity: string, month: string, opts: DraftOptions = {}): Promise<EntityDrafts> {
  const { model } = deps;
  const info = model.parties.entities.get(entity);
  if (!info) throw new DraftsError(`unknown entity "${entity}"`);
  const customer = opts.customer;
  if (customer !== undefined && !model.customers.has(customer)) throw new DraftsError(`unknown customer "${customer}"`);
  const sites = info.sites.filter((s) => opts.sites === undefined || opts.sites.includes(s));
  for (const s of sites) if (!deps.tariffs.has(s)) throw new DraftsError(`site "${s}" has no tariff`);
  const size = Math.max(1, opts.chunkCustomers ?? 250);
  const failures: DraftFailure[] = [];
  let stats = NO_STATS;
  // customer -> its sections, in the entity's site order
  const sections = new Map<string, PricedSection[]>();
  const index = await seriesIndex(deps.store, sites);
  for (const site of sites) {
    const period = monthPeriod(month, model.sites.get(site)!.timeZone);
    const planned = sitePlans(deps, site, period, customer === undefined ? model.customers.keys() : [customer]);
    failures.push(...planned.failures);
    for (let i = 0; i < planned.plans.length; i += size) {
      const r = await priceChunk(deps, index, site, period, planned.plans.slice(i, i + size));
      stats = addStats(stats, r.stats);
      for (const [c, res] of r.results) {
        if ('value' in res) sections.set(c, [...(sections.get(c) ?? []), ...res.value.sections]);
        else failures.push({ customer: c, site, message: res.error instanceof Error ? res.error.message : String(res.error) });
      }
    }
  }
  const failed = new Set(failures.map((f) => f.customer));
  const period = monthPeriod(month, info.timeZone);
  const drafts: InvoiceDraft[] = [];
  for (const c of model.customers.keys()) {
    const list = sections.get(c);
    if (!list || failed.has(c)) continue;
    const groups = new Map<string, PricedSection[]>();
    for (const s of list) groups.set(`${s.account}\n${s.currency}`, [...(groups.get(`${s.account}\n${s.currency}`) ?? []), s]);
    for (const group of groups.values()) {
      const { account, currency } = group[0]!;
      drafts.push(consolidate({ customer: c, account, entity, currency, period }, group));
    }
  }
  return { entity, month, sites, drafts, failures, stats };
}

/** A failure as `customer@site: reason`, once (the reason may name them already). */
const failureText = (f: DraftFailure): string => {
  const at = `${f.customer}@${f.site}: `;
  return f.message.startsWith(at) ? f.message : `${at}${f.message}`;
};

/** The drafts of an entity's month; throws DraftsError carrying the drafts made if any customer failed. */
export async function computeDrafts(deps: DraftDeps, entity: string, month: string, opts: DraftOptions = {}): Promise<InvoiceDraft[]> {
  const r = await computeEntityDrafts(deps, entity, month, opts);
  if (r.failures.length > 0) {
    throw new DraftsError(
      `${r.failures.length} of ${r.stats.customers + r.failures.length} customer sections of ${entity} failed for ${month}: ${r.failures.map(failureText).join('; ')}`,
      r.failures,
      r.drafts,
    );
  }
  return r.drafts;
}
