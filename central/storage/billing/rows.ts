// Row shapes of the billing tables and their mapping to the interface types, shared by both dialects
// (SQLite returns integers as numbers; the PostgreSQL pool parses int8 as numbers too: postgres/sql.ts).
import type { InvoiceDraft, NoteDraft } from '../../billing/types.js';
import { upgradeDraft, upgradeNote } from './draft-upgrade.js';
import type { InvoiceFilter, InvoiceRun, NewDraft, RunState, StoredInvoice, StoredNote } from './types.js';

export interface RunRow {
  id: number;
  site: string;
  period: string;
  state: string;
  created_at: number;
  updated_at: number;
}

export interface InvoiceRow {
  id: number;
  run_id: number;
  /** The issuing entity (named `site` since runs were per site; a site that invoices alone is one). */
  site: string;
  period: string;
  customer: string;
  account: string;
  status: string;
  number: string | null;
  currency: string;
  total: string;
  review: string;
  draft: string;
  created_at: number;
  finalized_at: number | null;
  released_by: string | null;
  release_reason: string | null;
  rendered_at: number | null;
  delivered_at: number | null;
  attempts: number | null;
  last_error: string | null;
}

export interface NoteRow {
  id: number;
  number: string;
  invoice_number: string;
  kind: string;
  currency: string;
  total_delta: string;
  fingerprint: string;
  body: string;
  created_at: number;
}

export const INVOICE_SELECT = `SELECT i.*, d.rendered_at, d.delivered_at, d.attempts, d.last_error
  FROM invoices i LEFT JOIN invoice_delivery d ON d.invoice_id = i.id`;

export function toRun(r: RunRow): InvoiceRun {
  return { id: r.id, entity: r.site, period: r.period, state: r.state as RunState, createdAt: r.created_at, updatedAt: r.updated_at };
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

export function toInvoice(r: InvoiceRow): StoredInvoice {
  return {
    id: r.id,
    runId: r.run_id,
    entity: r.site,
    period: r.period,
    customer: r.customer,
    account: r.account,
    status: r.status as StoredInvoice['status'],
    number: opt(r.number),
    currency: r.currency,
    total: r.total,
    review: JSON.parse(r.review) as string[],
    draft: upgradeDraft(JSON.parse(r.draft) as InvoiceDraft),
    createdAt: r.created_at,
    finalizedAt: opt(r.finalized_at),
    release: r.released_by !== null ? { by: r.released_by, reason: r.release_reason ?? '' } : undefined,
    renderedAt: opt(r.rendered_at),
    deliveredAt: opt(r.delivered_at),
    deliveryAttempts: r.attempts ?? 0,
    lastDeliveryError: opt(r.last_error),
  };
}

export function toNote(r: NoteRow): StoredNote {
  return {
    id: r.id,
    number: r.number,
    invoiceNumber: r.invoice_number,
    kind: r.kind as StoredNote['kind'],
    currency: r.currency,
    totalDelta: r.total_delta,
    fingerprint: r.fingerprint,
    note: upgradeNote(JSON.parse(r.body) as NoteDraft),
    createdAt: r.created_at,
  };
}

/** Column values of a new or replaced draft. */
export function draftColumns(d: NewDraft): { status: 'draft' | 'held'; currency: string; total: string; review: string; draft: string } {
  return {
    status: d.review.length > 0 ? 'held' : 'draft',
    currency: d.draft.currency,
    total: d.draft.total,
    review: JSON.stringify(d.review),
    draft: JSON.stringify(d.draft),
  };
}

/** WHERE clause and values for an invoice filter; `param(i)` writes the i-th placeholder of the dialect. */
export function invoiceWhere(f: InvoiceFilter, param: (i: number) => string): { sql: string; values: (string | number)[] } {
  const parts: string[] = [];
  const values: (string | number)[] = [];
  const add = (col: string, v: string | number | undefined) => {
    if (v === undefined) return;
    values.push(v);
    parts.push(`i.${col} = ${param(values.length)}`);
  };
  add('run_id', f.runId);
  add('site', f.entity);
  add('period', f.period);
  add('customer', f.customer);
  add('status', f.status);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', values };
}

export const INVOICE_ORDER = 'ORDER BY i.site, i.period, i.customer, i.account, i.currency';

/**
 * In finalize's transaction, after the invoice is final: its run, when `drafted` and without drafts left,
 * becomes `finalized` (the machine's next state) in the same commit, so a crash between the last
 * finalize and a separate state change cannot leave the run drafted. Parameters: atMs, invoice id.
 */
export const finalizeRunSql = (
  param: (i: number) => string,
): string => `UPDATE invoice_runs SET state = 'finalized', updated_at = ${param(1)}
  WHERE id = (SELECT run_id FROM invoices WHERE id = ${param(2)}) AND state = 'drafted'
    AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.run_id = invoice_runs.id AND i.status = 'draft')`;

/** Finds an issued document by number: an invoice (series INV) or a note. Parameter: the number. */
export const issuedSql = (series: string, param: (i: number) => string): string =>
  `SELECT 1 AS taken FROM ${series === 'INV' ? 'invoices' : 'invoice_notes'} WHERE number = ${param(1)}`;
