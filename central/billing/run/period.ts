// The thin shell around machine.ts for one issuing entity and month: under the run lock, read the run, ask the
// machine for the next action, do it, record the state, repeat until done. Everything it does is
// idempotent against the store, so an instance that dies half way leaves work the next tick resumes.
import type { Logger } from 'pino';
import { zoneClock } from '../../../common/local-time.js';
import type { BillingStore, InvoiceRun, NewDraft, StoredInvoice } from '../../storage/billing/types.js';
import { reviewReasons } from '../price.js';
import { assertInvoiceable } from './invoiceable.js';
import { nextAction, stateAfter, type RunAction, type RunScope, type RunView } from './machine.js';
import type { ComputeDrafts, DeliverInvoice, DeliverNote, InvoiceOutputs, RunClock, RunSettings, RunEntity } from './types.js';

export interface PeriodDeps {
  store: BillingStore;
  computeDrafts: ComputeDrafts;
  outputs: InvoiceOutputs;
  /** Absent: no invoicing system to tell; invoices are complete once rendered. */
  deliver?: DeliverInvoice;
  /** The same for credit and debit notes (the same webhook). */
  deliverNote?: DeliverNote;
  clock: RunClock;
  log: Logger;
  settings: RunSettings;
  /** This central instance, as lock owner. */
  owner: string;
}

export interface PeriodOutcome {
  entity: string;
  period: string;
  customer?: string;
  /** false: another instance holds this run; nothing was done. */
  locked: boolean;
  actions: RunAction[];
  /** Numbers finalized by this call, in order. */
  finalized: string[];
  held: number;
  undelivered: number;
}

/** A customer's run found nothing to invoice: the customer holds nothing at the entity's sites in that month. */
export class NothingToInvoiceError extends Error {
  constructor(
    readonly entity: string,
    readonly period: string,
    readonly customer: string,
  ) {
    super(`customer ${customer} has nothing to invoice at ${entity} in ${period}`);
    this.name = 'NothingToInvoiceError';
  }
}

const MAX_STEPS = 8;

export const lockName = (entity: string, period: string): string => `invoice-run:${entity}/${period}`;

export function viewOf(run: InvoiceRun | undefined, invoices: readonly StoredInvoice[], scope: RunScope, delivering: boolean): RunView {
  const final = invoices.filter((i) => i.status === 'final');
  return {
    state: run?.state,
    drafted: scope === 'site' ? run !== undefined && run.state !== 'partial' : invoices.length > 0,
    drafts: invoices.filter((i) => i.status === 'draft').length,
    unrendered: final.filter((i) => i.renderedAt === undefined).length,
    undelivered: delivering ? final.filter((i) => i.deliveredAt === undefined).length : 0,
  };
}

/** Drafts with their review reasons: under the quality threshold, held. */
export async function draftsFor(
  deps: Pick<PeriodDeps, 'computeDrafts' | 'settings'>,
  entity: RunEntity,
  period: string,
  customer?: string,
): Promise<NewDraft[]> {
  const drafts = await deps.computeDrafts(entity.id, period, customer);
  return drafts
    .filter((d) => customer === undefined || d.customer === customer)
    .map((draft) => ({ draft, review: reviewReasons(draft, deps.settings.minMeasuredShare) }));
}

export class PeriodRun {
  private readonly scope: RunScope;
  private readonly outcome: PeriodOutcome;

  constructor(
    private readonly deps: PeriodDeps,
    private readonly entity: RunEntity,
    private readonly period: string,
    private readonly customer?: string,
  ) {
    this.scope = customer === undefined ? 'site' : 'customer';
    this.outcome = {
      entity: entity.id,
      period,
      ...(customer !== undefined ? { customer } : {}),
      locked: true,
      actions: [],
      finalized: [],
      held: 0,
      undelivered: 0,
    };
  }

  async execute(): Promise<PeriodOutcome> {
    // Every way into a run passes here: an open or future month is refused before anything is stored.
    assertInvoiceable(this.entity, this.period, this.deps.clock.now(), this.deps.settings.graceMs);
    const res = await this.deps.store.withLock(lockName(this.entity.id, this.period), this.deps.owner, () => this.steps());
    return res.acquired ? res.value : { ...this.outcome, locked: false };
  }

  private async load(): Promise<{ run: InvoiceRun | undefined; invoices: StoredInvoice[] }> {
    const run = await this.deps.store.run(this.entity.id, this.period);
    const invoices = run
      ? await this.deps.store.invoices({ runId: run.id, ...(this.customer !== undefined ? { customer: this.customer } : {}) })
      : [];
    return { run, invoices };
  }

  /** Runs actions until done, or until a delivery failed (the next tick retries it). */
  private async steps(): Promise<PeriodOutcome> {
    // Each action moves the view forward, so a run ends within five; more means a store that ignored a write.
    for (let step = 0; ; step++) {
      if (step === MAX_STEPS)
        throw new Error(
          `invoice run ${this.entity.id} ${this.period}: no progress after ${MAX_STEPS} steps (${this.outcome.actions.join(', ')})`,
        );
      const { run, invoices } = await this.load();
      const action = nextAction(viewOf(run, invoices, this.scope, this.deps.deliver !== undefined));
      this.outcome.actions.push(action);
      if (action !== 'done') await this.perform(action, run, invoices);
      let after = await this.load();
      const next = stateAfter(run?.state, action, this.scope);
      if (after.run && next && next !== after.run.state) {
        await this.deps.store.setRunState(after.run.id, next, this.deps.clock.now());
        after = await this.load();
        // The summary written with the outputs said "finalized"; once delivered too, it says so.
        if (next === 'complete' && this.deps.outputs.summary)
          await this.deps.outputs.summary(after.run!, await this.deps.store.invoices({ runId: after.run!.id }));
      }
      this.outcome.held = after.invoices.filter((i) => i.status === 'held').length;
      this.outcome.undelivered = viewOf(after.run, after.invoices, this.scope, this.deps.deliver !== undefined).undelivered;
      if (action === 'done' || (action === 'deliver' && this.outcome.undelivered > 0)) return this.outcome;
    }
  }

  private async perform(action: Exclude<RunAction, 'done'>, run: InvoiceRun | undefined, invoices: StoredInvoice[]): Promise<void> {
    const { store, clock, log } = this.deps;
    const ctx = { entity: this.entity.id, period: this.period, ...(this.customer !== undefined ? { customer: this.customer } : {}) };
    if (action === 'compute') {
      const drafts = await draftsFor(this.deps, this.entity, this.period, this.customer);
      if (this.customer !== undefined && drafts.length === 0) throw new NothingToInvoiceError(this.entity.id, this.period, this.customer);
      // Made partial and moved to drafted only once its drafts are stored (stateAfter): a stop between the
      // two leaves a run the next tick drafts again, never a drafted run without its invoices.
      const made = await store.ensureRun(this.entity.id, this.period, 'partial', clock.now());
      const added = await store.addDrafts(made.id, drafts, clock.now());
      log.info({ ...ctx, drafts: drafts.length, added, held: drafts.filter((d) => d.review.length > 0).length }, 'invoice drafts computed');
    } else if (action === 'finalize') {
      const year = zoneClock(this.entity.timeZone).local(clock.now()).year;
      for (const inv of invoices.filter((i) => i.status === 'draft')) {
        const fin = await store.finalize(inv.id, { atMs: clock.now(), year });
        this.outcome.finalized.push(fin.number!);
        log.info({ ...ctx, customer: fin.customer, number: fin.number, total: fin.total, currency: fin.currency }, 'invoice finalized');
      }
    } else if (action === 'render') {
      for (const inv of invoices.filter((i) => i.status === 'final' && i.renderedAt === undefined)) {
        await this.deps.outputs.invoice(inv);
        await store.markRendered(inv.id, clock.now());
      }
      if (run && this.deps.outputs.summary) await this.deps.outputs.summary(run, await store.invoices({ runId: run.id }));
    } else {
      for (const inv of invoices.filter((i) => i.status === 'final' && i.deliveredAt === undefined)) {
        const r = await this.deps.deliver!(inv);
        await store.recordDelivery(inv.id, { atMs: clock.now(), ok: r.ok, ...(r.error !== undefined ? { error: r.error } : {}) });
        if (!r.ok)
          log.warn({ ...ctx, number: inv.number, attempts: r.attempts, err: r.error }, 'invoice webhook failed; retried on the next tick');
      }
    }
  }
}
