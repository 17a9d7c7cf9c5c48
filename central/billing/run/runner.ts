// The invoice runner: what a tick does (catch up every closed month of every site, oldest first, then
// recheck recent months for late data) and what operators do to held drafts. node-cron only calls tick()
// (schedule.ts); machine.ts decides. Each site is a boundary: an error is logged and counted there, and
// the other sites go on. A site stops at its first failing month, so its months are invoiced in order.
import type { Logger } from 'pino';
import { zoneClock } from '../../../common/local-time.js';
import type { NewDraft, StoredInvoice } from '../../storage/billing/types.js';
import { InvoiceNotFoundError } from '../../storage/billing/types.js';
import { closedPeriods, parseMonth, periodsToRun, recheckPeriods } from './machine.js';
import { assertInvoiceable } from './invoiceable.js';
import { draftsFor, lockName, PeriodRun, type PeriodDeps, type PeriodOutcome } from './period.js';
import { recheckPeriod, type RecheckOutcome } from './recheck.js';
import type { RunSite } from './types.js';

export type InvoiceRunnerDeps = PeriodDeps & {
  /** The sites to invoice; a function is asked again at each tick (a site gains a tariff while the node runs). */
  sites: readonly RunSite[] | (() => readonly RunSite[]);
};

export interface TickReport {
  runs: PeriodOutcome[];
  notes: RecheckOutcome[];
  errors: { site: string; period?: string; error: string }[];
  /** true: a tick was still going; this one did nothing. */
  skipped: boolean;
}

export class UnknownSiteError extends Error {
  constructor(readonly site: string) {
    super(`unknown site "${site}"`);
    this.name = 'UnknownSiteError';
  }
}

/** Another instance is running this month right now; try again shortly. */
export class RunBusyError extends Error {
  constructor(
    readonly site: string,
    readonly period: string,
  ) {
    super(`the invoice run of ${site} ${period} is held by another central instance`);
    this.name = 'RunBusyError';
  }
}

/** A held draft by `#id` or `site/period/customer`. */
export type InvoiceRef = string;

export class InvoiceRunner {
  private ticking = false;
  private readonly log: Logger;
  readonly errorCount = { value: 0 };

  constructor(private readonly deps: InvoiceRunnerDeps) {
    this.log = deps.log;
  }

  /** The sites invoiced now. */
  sites(): readonly RunSite[] {
    const s = this.deps.sites;
    return typeof s === 'function' ? s() : s;
  }

  site(id: string): RunSite {
    const s = this.sites().find((x) => x.id === id);
    if (!s) throw new UnknownSiteError(id);
    return s;
  }

  async tick(): Promise<TickReport> {
    if (this.ticking) return { runs: [], notes: [], errors: [], skipped: true };
    this.ticking = true;
    try {
      const report: TickReport = { runs: [], notes: [], errors: [], skipped: false };
      const sites = this.sites();
      for (const site of sites) await this.catchUpSite(site, report);
      for (const site of sites) await this.recheckSite(site, report);
      return report;
    } finally {
      this.ticking = false;
    }
  }

  private fail(report: TickReport, site: string, period: string, err: unknown): void {
    const error = err instanceof Error ? err.message : String(err);
    this.errorCount.value++;
    report.errors.push({ site, period, error });
    this.log.error({ site, period, err }, 'invoice run failed; retried on the next tick');
  }

  private async catchUpSite(site: RunSite, report: TickReport): Promise<void> {
    const closed = closedPeriods(site, this.deps.clock.now(), this.deps.settings.graceMs);
    const states = new Map((await this.deps.store.runs({ site: site.id })).map((r) => [r.period, r.state]));
    for (const period of periodsToRun(closed, states)) {
      try {
        const out = await new PeriodRun(this.deps, site, period).execute();
        report.runs.push(out);
        if (!out.locked) return; // another instance is on this site's months; it goes on in order
      } catch (err) {
        this.fail(report, site.id, period, err);
        return;
      }
    }
  }

  private async recheckSite(site: RunSite, report: TickReport): Promise<void> {
    const closed = closedPeriods(site, this.deps.clock.now(), this.deps.settings.graceMs);
    for (const period of recheckPeriods(closed, this.deps.settings.recheckMonths)) {
      try {
        report.notes.push(...(await recheckPeriod(this.deps, site, period)).notes);
      } catch (err) {
        this.fail(report, site.id, period, err);
      }
    }
  }

  /**
   * Throws unless the month of the site may be invoiced now: closed (its local end plus the grace period
   * passed) and not before billing.since. PeriodNotClosedError and PeriodBeforeBillingError say which.
   */
  checkInvoiceable(siteId: string, period: string): void {
    parseMonth(period);
    assertInvoiceable(this.site(siteId), period, this.deps.clock.now(), this.deps.settings.graceMs);
  }

  /** One month of one site (or of one customer there), now: a closed month only, before the schedule gets to it. */
  async runPeriod(siteId: string, period: string, opts: { customer?: string } = {}): Promise<PeriodOutcome> {
    this.checkInvoiceable(siteId, period);
    return new PeriodRun(this.deps, this.site(siteId), period, opts.customer).execute();
  }

  /** The drafts a run would make, with review reasons; nothing is stored. Closed months only, as a run. */
  async preview(siteId: string, period: string, customer?: string): Promise<NewDraft[]> {
    this.checkInvoiceable(siteId, period);
    return draftsFor(this.deps, this.site(siteId), period, customer);
  }

  async held(filter: { site?: string; period?: string } = {}): Promise<StoredInvoice[]> {
    return this.deps.store.invoices({ ...filter, status: 'held' });
  }

  async find(ref: InvoiceRef): Promise<StoredInvoice> {
    const byId = /^#(\d+)$/.exec(ref);
    const parts = ref.split('/');
    const found = byId
      ? await this.deps.store.invoice(Number(byId[1]))
      : parts.length === 3
        ? (await this.deps.store.invoices({ site: parts[0]!, period: parts[1]!, customer: parts[2]! }))[0]
        : await this.deps.store.invoiceByNumber(ref);
    if (!found) throw new InvoiceNotFoundError(ref);
    return found;
  }

  /** Finalizes a held draft anyway, recording who and why, then renders and delivers it. */
  async release(ref: InvoiceRef, who: { by: string; reason: string }): Promise<StoredInvoice> {
    if (!who.by.trim() || !who.reason.trim()) throw new Error('a release needs --by and --reason');
    const inv = await this.find(ref);
    const site = this.site(inv.site);
    // A draft of a month that has not closed (stored before months were checked) is never numbered.
    this.checkInvoiceable(inv.site, inv.period);
    const res = await this.deps.store.withLock(lockName(inv.site, inv.period), this.deps.owner, async () => {
      const now = this.deps.clock.now();
      return this.deps.store.finalize(inv.id, {
        atMs: now,
        year: zoneClock(site.timeZone).local(now).year,
        release: { by: who.by, reason: who.reason },
      });
    });
    if (!res.acquired) throw new RunBusyError(inv.site, inv.period);
    this.log.info({ number: res.value.number, customer: inv.customer, by: who.by, reason: who.reason }, 'held invoice released');
    await new PeriodRun(this.deps, site, inv.period, inv.customer).execute();
    return (await this.deps.store.invoice(inv.id))!;
  }

  /** Recomputes a held draft (after late data arrived); finalizes it when it no longer needs review. */
  async recompute(ref: InvoiceRef): Promise<StoredInvoice> {
    const inv = await this.find(ref);
    const site = this.site(inv.site);
    this.checkInvoiceable(inv.site, inv.period);
    const [next] = await draftsFor(this.deps, site, inv.period, inv.customer);
    if (!next) throw new InvoiceNotFoundError(`${ref}: the customer has nothing to invoice any more`);
    const replaced = await this.deps.store.replaceDraft(inv.id, next);
    if (replaced.status === 'draft') await new PeriodRun(this.deps, site, inv.period, inv.customer).execute();
    return (await this.deps.store.invoice(inv.id))!;
  }
}
