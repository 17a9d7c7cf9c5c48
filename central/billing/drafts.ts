// Invoice drafts of one issuing entity for one month: every site it invoices, each customer's sections
// there (site-sections.ts), gathered into one invoice per billing account and currency with a section per
// site (consolidate.ts). A site that invoices alone is an entity of its own, so without entities this is
// one invoice per customer and site, as it always was. One customer's failure (no terms, bad epoch data)
// is reported with it and the others are still computed; the run (computeDrafts) then holds the entity's
// whole month rather than invoice part of it.
import { seriesIndex } from '../energy/store-source.js';
import { monthPeriod, type Period } from '../../common/local-time.js';
import { consolidate } from './consolidate.js';
import type { InvoiceDraft } from './invoice.js';
import { draftParties } from './parties.js';
import type { PricedSection } from './price.js';
import type { Parties } from '../model/contracts/types.js';
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

export interface EntityDraftStream {
  entity: string;
  month: string;
  sites: string[];
  drafts: number;
  failures: DraftFailure[];
  stats: DraftRunStats;
}

/**
 * The drafts of an entity's month handed to `onDraft` as soon as each customer's last site is priced, so a
 * caller can store each and let it go: memory holds the customers still waiting for a later site, not the
 * whole entity. Plans come first for every site (which customers hold what where), then prices, site by
 * site in the entity's order, chunk by chunk.
 */
export async function streamEntityDrafts(
  deps: DraftDeps,
  entity: string,
  month: string,
  onDraft: (draft: InvoiceDraft) => void | Promise<void>,
  opts: DraftOptions = {},
): Promise<EntityDraftStream> {
  const { model } = deps;
  const info = model.parties.entities.get(entity);
  if (!info) throw new DraftsError(`unknown entity "${entity}"`);
  const customer = opts.customer;
  if (customer !== undefined && !model.customers.has(customer)) throw new DraftsError(`unknown customer "${customer}"`);
  const sites = info.sites.filter((s) => opts.sites === undefined || opts.sites.includes(s));
  for (const s of sites) if (!deps.tariffs.has(s)) throw new DraftsError(`site "${s}" has no tariff`);
  const size = Math.max(1, opts.chunkCustomers ?? 250);
  const failures: DraftFailure[] = [];
  const planned = sites.map((site) => {
    const period = monthPeriod(month, model.sites.get(site)!.timeZone);
    const r = sitePlans(deps, site, period, customer === undefined ? model.customers.keys() : [customer]);
    failures.push(...r.failures);
    return { site, period, plans: r.plans };
  });
  const lastSite = new Map<string, string>();
  for (const p of planned) for (const plan of p.plans) lastSite.set(plan.customer, p.site);
  const failed = new Set(failures.map((f) => f.customer));
  const period = monthPeriod(month, info.timeZone);
  // customer -> its sections so far, in the entity's site order
  const sections = new Map<string, PricedSection[]>();
  let stats = NO_STATS;
  let drafts = 0;
  const index = await seriesIndex(deps.store, sites);
  for (const { site, period: sitePeriod, plans } of planned) {
    for (let i = 0; i < plans.length; i += size) {
      const chunk = plans.slice(i, i + size);
      const r = await priceChunk(deps, index, site, sitePeriod, chunk);
      stats = addStats(stats, r.stats);
      for (const { customer: c } of chunk) {
        const res = r.results.get(c)!;
        if ('value' in res) sections.set(c, [...(sections.get(c) ?? []), ...res.value.sections]);
        else {
          failures.push({ customer: c, site, message: res.error instanceof Error ? res.error.message : String(res.error) });
          failed.add(c);
        }
        if (lastSite.get(c) !== site) continue;
        const list = sections.get(c) ?? [];
        sections.delete(c);
        if (failed.has(c)) continue;
        for (const draft of consolidateAll(model.parties, c, entity, period, list)) {
          drafts++;
          await onDraft(draft);
        }
      }
    }
  }
  return { entity, month, sites, drafts, failures, stats };
}

/** A customer's sections gathered into one invoice per account and currency. */
function consolidateAll(
  parties: Parties,
  customer: string,
  entity: string,
  period: Period,
  list: readonly PricedSection[],
): InvoiceDraft[] {
  const groups = new Map<string, PricedSection[]>();
  for (const s of list) {
    const key = `${s.account}\n${s.currency}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.values()].map((group) => {
    const account = group[0]!.account;
    const legal = draftParties(parties, entity, account, period);
    return consolidate({ customer, account, entity, currency: group[0]!.currency, period, ...(legal ? { parties: legal } : {}) }, group);
  });
}

/** The drafts of an entity's month, every customer (or one), in the inventory's customer order, with the failures beside them. */
export async function computeEntityDrafts(deps: DraftDeps, entity: string, month: string, opts: DraftOptions = {}): Promise<EntityDrafts> {
  const drafts: InvoiceDraft[] = [];
  const r = await streamEntityDrafts(deps, entity, month, (d) => void drafts.push(d), opts);
  const order = new Map([...deps.model.customers.keys()].map((c, i) => [c, i]));
  // Stable: a customer's own drafts keep the order of their first section.
  drafts.sort((a, b) => order.get(a.customer)! - order.get(b.customer)!);
  return { entity, month, sites: r.sites, drafts, failures: r.failures, stats: r.stats };
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
      `${r.failures.length} of ${r.stats.customers + r.failures.length} customer sections of ${entity} failed for ${month}: ` +
        r.failures.map(failureText).join('; '),
      r.failures,
      r.drafts,
    );
  }
  return r.drafts;
}
