// What billing stores: invoice runs (one per issuing entity and month; a site that invoices alone is an
// entity under its own id), invoices (one per billing account in a run) (draft, held, final), credit and
// debit notes, number counters and run locks. Two implementations (sqlite.ts, postgres.ts) pass one
// contract suite (test/storage/billing-contract.ts). A final invoice is immutable: this interface has no call
// that changes one, and both schemas refuse an UPDATE or DELETE of a final row with a trigger.
import type { InvoiceDraft, NoteDraft } from '../../billing/types.js';

/**
 * partial: only some customers were invoiced (a run with --customer); drafted: every customer has a
 * draft; finalized: the drafts not held for review are final; complete: every final invoice is rendered
 * and delivered.
 */
export type RunState = 'partial' | 'drafted' | 'finalized' | 'complete';
export const RUN_STATES: readonly RunState[] = ['partial', 'drafted', 'finalized', 'complete'];

export interface InvoiceRun {
  id: number;
  /** The issuing entity (a site's id where the site invoices alone). */
  entity: string;
  /** 'YYYY-MM' (each site's section in its own zone). */
  period: string;
  state: RunState;
  createdAt: number;
  updatedAt: number;
}

export type InvoiceStatus = 'draft' | 'held' | 'final';

export interface StoredInvoice {
  id: number;
  runId: number;
  entity: string;
  period: string;
  customer: string;
  /** One invoice per account and currency in a run. */
  account: string;
  status: InvoiceStatus;
  /** Assigned when finalized, per issuing entity and year, gap-free: AMS1-2026-000123. */
  number: string | undefined;
  currency: string;
  /** Decimal strings as on the draft. */
  total: string;
  /** Why a held draft waits for a person (reviewReasons). */
  review: string[];
  draft: InvoiceDraft;
  createdAt: number;
  finalizedAt: number | undefined;
  /** Set when a person released a held draft. */
  release: { by: string; reason: string } | undefined;
  /** Outputs (JSON, CSV, PDF) written; webhook delivered. Kept outside the invoice row, which is immutable. */
  renderedAt: number | undefined;
  deliveredAt: number | undefined;
  deliveryAttempts: number;
  lastDeliveryError: string | undefined;
}

export interface NewDraft {
  draft: InvoiceDraft;
  /** Empty: finalize it; otherwise hold it for review with these reasons. */
  review: string[];
}

export interface InvoiceFilter {
  runId?: number;
  entity?: string;
  period?: string;
  customer?: string;
  status?: InvoiceStatus;
}

export type NoteSeries = 'CN' | 'DN' | 'AN';
export const NOTE_SERIES: Readonly<Record<NoteDraft['kind'], NoteSeries>> = { credit: 'CN', debit: 'DN', adjustment: 'AN' };

export interface StoredNote {
  id: number;
  /** AMS1-CN-2026-000004 */
  number: string;
  invoiceNumber: string;
  /** The issuing entity, month, customer and account of the invoice it corrects. */
  entity: string;
  period: string;
  customer: string;
  account: string;
  kind: NoteDraft['kind'];
  currency: string;
  totalDelta: string;
  /** Identifies the recomputation the note was made from; one note per invoice and fingerprint. */
  fingerprint: string;
  note: NoteDraft;
  createdAt: number;
  /** Outputs written; webhook delivered. Kept outside the note row, which is immutable, as for invoices. */
  renderedAt: number | undefined;
  deliveredAt: number | undefined;
  deliveryAttempts: number;
  lastDeliveryError: string | undefined;
}

/** Notes by the invoice they correct (its entity, month, customer, account, number), kind and output state. */
export interface NoteFilter {
  entity?: string;
  period?: string;
  customer?: string;
  account?: string;
  kind?: NoteDraft['kind'];
  invoiceNumber?: string;
  /** false: only notes whose outputs are not written yet; true: only those written. */
  rendered?: boolean;
  /** false: only notes not delivered to the webhook yet; true: only delivered ones. */
  delivered?: boolean;
}

/** What one webhook delivery did (invoices and notes alike). */
export interface DeliveryRecord {
  atMs: number;
  ok: boolean;
  error?: string;
}

export interface FinalizeOptions {
  atMs: number;
  /** The year of the number (the issue date's year in the entity's zone). */
  year: number;
  /** A held draft released by a person. */
  release?: { by: string; reason: string };
}

export type LockResult<T> = { acquired: true; value: T } | { acquired: false };

export interface BillingStore {
  /**
   * Runs fn while this owner holds the named lock; { acquired: false } (fn not run) while another holds
   * it. PostgreSQL: a session advisory lock; SQLite: a lease row that expires after leaseMs.
   */
  withLock<T>(name: string, owner: string, fn: () => Promise<T>): Promise<LockResult<T>>;

  /** The run of an entity and period, made in `state` when missing; an existing one is returned as it is. */
  ensureRun(entity: string, period: string, state: RunState, atMs: number): Promise<InvoiceRun>;
  run(entity: string, period: string): Promise<InvoiceRun | undefined>;
  /** Oldest period first. */
  runs(filter?: { entity?: string; states?: readonly RunState[] }): Promise<InvoiceRun[]>;
  setRunState(runId: number, state: RunState, atMs: number): Promise<void>;

  /** Adds drafts to a run, skipping accounts that have an invoice in that currency in it already; returns how many were added. */
  addDrafts(runId: number, drafts: readonly NewDraft[], atMs: number): Promise<number>;
  /** Replaces a draft or held invoice with a recomputation; InvoiceImmutableError for a final one. */
  replaceDraft(id: number, next: NewDraft): Promise<StoredInvoice>;
  /**
   * Numbers and finalizes a draft or held invoice in one transaction; InvoiceImmutableError when final.
   * The last draft of a `drafted` run finalized moves the run to `finalized` in that same transaction.
   */
  finalize(id: number, opts: FinalizeOptions): Promise<StoredInvoice>;
  /** Ordered by entity, period, customer, account. */
  invoices(filter?: InvoiceFilter): Promise<StoredInvoice[]>;
  invoice(id: number): Promise<StoredInvoice | undefined>;
  invoiceByNumber(number: string): Promise<StoredInvoice | undefined>;
  markRendered(id: number, atMs: number): Promise<void>;
  recordDelivery(id: number, result: DeliveryRecord): Promise<void>;

  /** Numbers and stores a note unless the invoice has one with this fingerprint already (then returns it). */
  addNote(note: NoteDraft, opts: { fingerprint: string; atMs: number; year: number }): Promise<{ note: StoredNote; created: boolean }>;
  /** The notes of an invoice (by its number) or of a filter; oldest first. */
  notes(filter: string | NoteFilter): Promise<StoredNote[]>;
  note(id: number): Promise<StoredNote | undefined>;
  noteByNumber(number: string): Promise<StoredNote | undefined>;
  /** The note's outputs were written (JSON, CSV, PDF, XML). */
  markNoteRendered(id: number, atMs: number): Promise<void>;
  /** One delivery of the note to the webhook: delivered, or the error of its last try. */
  recordNoteDelivery(id: number, result: DeliveryRecord): Promise<void>;
}

export class InvoiceImmutableError extends Error {
  constructor(
    readonly invoiceId: number,
    readonly number: string | undefined,
  ) {
    super(`invoice ${number ?? `#${invoiceId}`} is final and cannot change; issue a credit or debit note`);
    this.name = 'InvoiceImmutableError';
  }
}

export class InvoiceNotFoundError extends Error {
  constructor(readonly what: string) {
    super(`no invoice ${what}`);
    this.name = 'InvoiceNotFoundError';
  }
}

/**
 * A counter drew a number that was issued already: the database lost counter rows (a partial restore, a
 * table emptied by hand). Nothing is numbered until the counter is right again; numbers are never reused.
 */
export class DocumentCounterBehindError extends Error {
  constructor(readonly number: string) {
    super(
      `document number ${number} was issued already, but its counter drew it again: the database lost rows of document_counters. ` +
        'Restore the database from a backup (or set the counter to the highest number issued); nothing was numbered',
    );
    this.name = 'DocumentCounterBehindError';
  }
}

/** Entity id upper-cased, the series (notes only), the year, six digits: AMS1-2026-000123, AMS1-CN-2026-000004. */
export function documentNumber(entity: string, year: number, seq: number, series?: NoteSeries): string {
  return [entity.toUpperCase(), ...(series ? [series] : []), String(year), String(seq).padStart(6, '0')].join('-');
}
