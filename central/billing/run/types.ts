// The seams of the invoice run: what the integration provides (drafts of a site and period, outputs,
// a clock) and the run's own settings. The run codes against these function types only.
import type { InvoiceRun, StoredInvoice, StoredNote } from '../../storage/billing/types.js';
import type { InvoiceDraft } from '../invoice.js';
import type { Clock } from '../../../common/clock.js';

/**
 * An issuing entity as the run sees it (a site that invoices alone is one, under the site's id): the zone
 * of its issue dates and numbering year, the zones of its sites (a month closes when it has closed in
 * every one), and the first month it invoices (nothing before is caught up).
 */
export interface RunEntity {
  id: string;
  timeZone: string;
  zones: readonly string[];
  /** 'YYYY-MM' */
  since: string;
}

/** The drafts of every customer of an entity for a month ('YYYY-MM'), or of one customer. */
export type ComputeDrafts = (entity: string, month: string, customer?: string) => Promise<InvoiceDraft[]>;

/** The documents of an invoice or note; `ubl` is the EN 16931 e-invoice (UBL 2.1 XML), where one can be made. */
export type InvoiceFormat = 'json' | 'csv' | 'pdf' | 'ubl';
export const INVOICE_FORMATS: readonly InvoiceFormat[] = ['json', 'csv', 'pdf', 'ubl'];
/** The file name extension of each format: the e-invoice is an .xml file. */
export const FORMAT_EXTENSIONS: Readonly<Record<InvoiceFormat, string>> = { json: 'json', csv: 'csv', pdf: 'pdf', ubl: 'xml' };

/** Operators (and the stored outputs) get the full trace; a customer its own points, others' summed (render/redact.ts). */
export type InvoiceAudience = 'operator' | 'customer';

/**
 * One invoice in one format (JSON, CSV and UBL as text, PDF as bytes), for operators unless told otherwise.
 * UBL throws EInvoiceUnavailableError (render/ubl.ts) where the invoice cannot be an e-invoice.
 */
export type RenderInvoice = (invoice: StoredInvoice, format: InvoiceFormat, audience?: InvoiceAudience) => Promise<string | Uint8Array>;

/** One credit, debit or adjustment note in one format, as RenderInvoice. */
export type RenderNote = (note: StoredNote, format: InvoiceFormat, audience?: InvoiceAudience) => Promise<string | Uint8Array>;

/** Where finalized invoices go once numbered: files in every format, and a summary per run; notes once issued. */
export interface InvoiceOutputs {
  invoice(invoice: StoredInvoice): Promise<void>;
  summary?(run: InvoiceRun, invoices: readonly StoredInvoice[]): Promise<void>;
  /** Absent: notes have no files to write (they are still delivered). */
  note?(note: StoredNote): Promise<void>;
}

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  error?: string;
}

/** Hands a finalized invoice to the invoicing system (webhook.ts); never throws. */
export type DeliverInvoice = (invoice: StoredInvoice) => Promise<DeliveryResult>;

/** Hands an issued note to the invoicing system (webhook.ts); never throws. */
export type DeliverNote = (note: StoredNote) => Promise<DeliveryResult>;

export interface RunSettings {
  /** How long after a period's local end late gateway data may still arrive before the run drafts it. */
  graceMs: number;
  /** Drafts whose measured share is under this (0..1) are held for review (billing/price.ts reviewReasons). */
  minMeasuredShare: number;
  /** How many of the latest closed months `recheck` recomputes for late data. */
  recheckMonths: number;
}

/** The run reads only the wall clock. */
export type RunClock = Pick<Clock, 'now'>;
