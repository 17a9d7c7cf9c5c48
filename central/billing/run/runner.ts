// The invoice runner: what a tick does (catch up every closed month of every issuing entity, oldest first,
// then recheck recent months for late data, then write and deliver the notes not done yet) and what operators
// do to held drafts. node-cron only calls
// tick() (schedule.ts); machine.ts decides. Each entity is a boundary: an error is logged and counted there,
// and the others go on. An entity stops at its first failing month, so its months are invoiced in order.
// A site that invoices alone is an entity under its own id.
import type { Logger } from 'pino';
import { zoneClock } from '../../../common/local-time.js';
import type { NewDraft, StoredInvoice } from '../../storage/billing/types.js';
import { InvoiceNotFoundError } from '../../storage/billing/types.js';
import { closedPeriods, parseMonth, periodsToRun, recheckPeriods } from './machine.js';
import { assertInvoiceable } from './invoiceable.js';
import { draftsFor, lockName, PeriodRun, type PeriodDeps, type PeriodOutcome } from './period.js';
import { sendNotes, type NoteOutcome } from './note-out.js';
import { recheckPeriod, type RecheckOutcome } from './recheck.js';
import type { RunEntity } from './types.js';

export type InvoiceRunnerDeps = PeriodDeps & {
  /** The entities to invoice; a function is asked again at each tick (a site gains a tariff while the node runs). */
  entities: readonly RunEntity[] | (() => readonly RunEntity[]);
};

export interface TickReport {
  runs: PeriodOutcome[];
  notes: RecheckOutcome[];
  /** Notes whose files were written or whose delivery was tried in this tick. */
  sentNotes: NoteOutcome[];
  errors: { entity: string; period?: string; error: string }[];
  /** true: a tick was still going; this one did nothing. */
  skipped: boolean;
}

export class UnknownEntityError extends Error {
  constructor(readonly entity: string) {
    super(`unknown issuing entity "${entity}" (or it has no site with a tariff and billing.since)`);
    this.name = 'UnknownEntityError';
  }
}

/** Another instance is running this month right now; try again shortly. */
export class RunBusyError extends Error {
  constructor(
    readonly entity: string,
    readonly period: string,
  ) {
    super(`the invoice run of ${entity} ${period} is held by another central instance`);
    this.name = 'RunBusyError';
  }
}

/** A held draft by `#id`, its number, or `entity/period/account` (`/currency` where the account has two). */
export type InvoiceRef = string;

export class InvoiceRunner {
  private ticking = false;
  private readonly log: Logger;
  readonly errorCount = { value: 0 };

  constructor(private readonly deps: InvoiceRunnerDeps) {
    this.log = deps.log;
  }

  /** The issuing entities invoiced now. */
  entities(): readonly RunEntity[] {
    const s = this.deps.entities;
    return typeof s === 'function' ? s() : s;
  }

  entity(id: string): RunEntity {
    const s = this.entities().find((x) => x.id === id);
    if (!s) throw new UnknownEntityError(id);
    return s;
  }

  async tick(): Promise<TickReport> {
    if (this.ticking) return { runs: [], notes: [], sentNotes: [], errors: [], skipped: true };
    this.ticking = true;
    try {
      const report: TickReport = { runs: [], notes: [], sentNotes: [], errors: [], skipped: false };
      const entities = this.entities();
      for (const entity of entities) await this.catchUpEntity(entity, report);
      for (const entity of entities) await this.recheckEntity(entity, report);
      for (const entity of entities) await this.sendEntityNotes(entity, report);
      return report;
    } finally {
      this.ticking = false;
    }
  }

  private fail(report: TickReport, entity: string, period: string, err: unknown): void {
    const error = err instanceof Error ? err.message : String(err);
    this.errorCount.value++;
    report.errors.push({ entity, period, error });
    this.log.error({ entity, period, err }, 'invoice run failed; retried on the next tick');
  }

  private async catchUpEntity(entity: RunEntity, report: TickReport): Promise<void> {
    const closed = closedPeriods(entity, this.deps.clock.now(), this.deps.settings.graceMs);
    const states = new Map((await this.deps.store.runs({ entity: entity.id })).map((r) => [r.period, r.state]));
    for (const period of periodsToRun(closed, states)) {
      try {
        const out = await new PeriodRun(this.deps, entity, period).execute();
        report.runs.push(out);
        if (!out.locked) return; // another instance is on this entity's months; it goes on in order
      } catch (err) {
        this.fail(report, entity.id, period, err);
        return;
      }
    }
  }

  private async recheckEntity(entity: RunEntity, report: TickReport): Promise<void> {
    const closed = closedPeriods(entity, this.deps.clock.now(), this.deps.settings.graceMs);
    for (const period of recheckPeriods(closed, this.deps.settings.recheckMonths)) {
      try {
        report.notes.push(...(await recheckPeriod(this.deps, entity, period)).notes);
      } catch (err) {
        this.fail(report, entity.id, period, err);
      }
    }
  }

  private async sendEntityNotes(entity: RunEntity, report: TickReport): Promise<void> {
    try {
      const out = await sendNotes(this.deps, entity);
      report.sentNotes.push(...out.notes);
      for (const e of out.errors) {
        this.errorCount.value++;
        report.errors.push({ entity: entity.id, period: e.period, error: `note ${e.number}: ${e.error}` });
      }
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.errorCount.value++;
      report.errors.push({ entity: entity.id, error });
      this.log.error({ entity: entity.id, err }, 'notes not handed on; tried again on the next tick');
    }
  }

  /**
   * Throws unless the month of the entity may be invoiced now: closed (its local end plus the grace period
   * passed) and not before billing.since. PeriodNotClosedError and PeriodBeforeBillingError say which.
   */
  checkInvoiceable(entityId: string, period: string): void {
    parseMonth(period);
    assertInvoiceable(this.entity(entityId), period, this.deps.clock.now(), this.deps.settings.graceMs);
  }

  /** One month of one entity (or of one customer there), now: a closed month only, before the schedule gets to it. */
  async runPeriod(entityId: string, period: string, opts: { customer?: string } = {}): Promise<PeriodOutcome> {
    this.checkInvoiceable(entityId, period);
    return new PeriodRun(this.deps, this.entity(entityId), period, opts.customer).execute();
  }

  /** The drafts a run would make, with review reasons; nothing is stored. Closed months only, as a run. */
  async preview(entityId: string, period: string, customer?: string): Promise<NewDraft[]> {
    this.checkInvoiceable(entityId, period);
    return draftsFor(this.deps, this.entity(entityId), period, customer);
  }

  async held(filter: { entity?: string; period?: string } = {}): Promise<StoredInvoice[]> {
    return this.deps.store.invoices({ ...filter, status: 'held' });
  }

  async find(ref: InvoiceRef): Promise<StoredInvoice> {
    const byId = /^#(\d+)$/.exec(ref);
    const parts = ref.split('/');
    const found = byId
      ? await this.deps.store.invoice(Number(byId[1]))
      : parts.length === 3 || parts.length === 4
        ? (await this.deps.store.invoices({ entity: parts[0]!, period: parts[1]! })).find(
            (i) => i.account === parts[2] && (parts[3] === undefined || i.currency === parts[3]),
          )
        : await this.deps.store.invoiceByNumber(ref);
    if (!found) throw new InvoiceNotFoundError(ref);
    return found;
  }

  /** Finalizes a held draft anyway, recording who and why, then renders and delivers it. */
  async release(ref: InvoiceRef, who: { by: string; reason: string }): Promise<StoredInvoice> {
    if (!who.by.trim() || !who.reason.trim()) throw new Error('a release needs --by and --reason');
    const inv = await this.find(ref);
    const entity = this.entity(inv.entity);
    // A draft of a month that has not closed (stored before months were checked) is never numbered.
    this.checkInvoiceable(inv.entity, inv.period);
    const res = await this.deps.store.withLock(lockName(inv.entity, inv.period), this.deps.owner, async () => {
      const now = this.deps.clock.now();
      return this.deps.store.finalize(inv.id, {
        atMs: now,
        year: zoneClock(entity.timeZone).local(now).year,
        release: { by: who.by, reason: who.reason },
      });
    });
    if (!res.acquired) throw new RunBusyError(inv.entity, inv.period);
    this.log.info({ number: res.value.number, customer: inv.customer, by: who.by, reason: who.reason }, 'held invoice released');
    await new PeriodRun(this.deps, entity, inv.period, inv.customer).execute();
    return (await this.deps.store.invoice(inv.id))!;
  }

  /** Recomputes a held draft (after late data arrived); finalizes it when it no longer needs review. */
  async recompute(ref: InvoiceRef): Promise<StoredInvoice> {
    const inv = await this.find(ref);
    const entity = this.entity(inv.entity);
    this.checkInvoiceable(inv.entity, inv.period);
    const next = (await draftsFor(this.deps, entity, inv.period, inv.customer)).find(
      (d) => d.draft.account === inv.account && d.draft.currency === inv.currency,
    );
    if (!next) throw new InvoiceNotFoundError(`${ref}: the account has nothing to invoice any more`);
    const replaced = await this.deps.store.replaceDraft(inv.id, next);
    if (replaced.status === 'draft') await new PeriodRun(this.deps, entity, inv.period, inv.customer).execute();
    return (await this.deps.store.invoice(inv.id))!;
  }
}
