// Row shapes of the billing tables and their mapping to the interface types, shared by both dialects
// (SQLite returns integers as numbers; the PostgreSQL pool parses int8 as numbers too: postgres/sql.ts).
import type { InvoiceDraft, NoteDraft } from '../../billing/types.js';
import { upgradeDraft, upgradeNote } from './draft-upgrade.js';
import type { InvoiceFilter, InvoiceRun, NewDraft, NoteFilter, RunState, StoredInvoice, StoredNote } from './types.js';

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
  /** Of the invoice it corrects (NOTE_SELECT joins it). */
  site: string;
  period: string;
  customer: string;
  account: string;
  rendered_at: number | null;
  delivered_at: number | null;
  attempts: number | null;
  last_error: string | null;
}

export const INVOICE_SELECT = `SELECT i.*, d.rendered_at, d.delivered_at, d.attempts, d.last_error
  FROM invoices i LEFT JOIN invoice_delivery d ON d.invoice_id = i.id`;

/** A note with the entity, month, customer and account of its invoice and its output state. */
export const NOTE_SELECT = `SELECT n.*, i.site, i.period, i.customer, i.account, d.rendered_at, d.delivered_at, d.attempts, d.last_error
  FROM invoice_notes n JOIN invoices i ON i.number = n.invoice_number LEFT JOIN note_delivery d ON d.note_id = n.id`;

export const NOTE_ORDER = 'ORDER BY n.id';

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
    entity: r.site,
    period: r.period,
    customer: r.customer,
    account: r.account,
    note: upgradeNote(JSON.parse(r.body) as NoteDraft),
    createdAt: r.created_at,
    renderedAt: opt(r.rendered_at),
    deliveredAt: opt(r.delivered_at),
    deliveryAttempts: r.attempts ?? 0,
    lastDeliveryError: opt(r.last_error),
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

/** WHERE clause and values for a note filter (a string: the invoice's number), in the dialect of `param`. */
export function noteWhere(f: string | NoteFilter, param: (i: number) => string): { sql: string; values: (string | number)[] } {
  const filter: NoteFilter = typeof f === 'string' ? { invoiceNumber: f } : f;
  const parts: string[] = [];
  const values: (string | number)[] = [];
  const add = (col: string, v: string | undefined) => {
    if (v === undefined) return;
    values.push(v);
    parts.push(`${col} = ${param(values.length)}`);
  };
  add('i.site', filter.entity);
  add('i.period', filter.period);
  add('i.customer', filter.customer);
  add('i.account', filter.account);
  add('n.kind', filter.kind);
  add('n.invoice_number', filter.invoiceNumber);
  if (filter.rendered !== undefined) parts.push(`d.rendered_at IS ${filter.rendered ? 'NOT ' : ''}NULL`);
  if (filter.delivered !== undefined) parts.push(`d.delivered_at IS ${filter.delivered ? 'NOT ' : ''}NULL`);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', values };
}

/**
 * Records one webhook delivery in a delivery table (invoice_delivery, note_delivery) keyed by `key`:
 * delivered_at once delivered (a later failure never clears it), tries counted, the last error kept.
 * Parameters: id, delivered at (null on failure), error (null on success).
 */
export const recordDeliverySql = (table: string, key: string, param: (i: number) => string): string =>
  `INSERT INTO ${table} AS d (${key}, delivered_at, attempts, last_error) VALUES (${param(1)}, ${param(2)}, 1, ${param(3)})
  ON CONFLICT (${key}) DO UPDATE SET delivered_at = coalesce(excluded.delivered_at, d.delivered_at), attempts = d.attempts + 1,
    last_error = excluded.last_error`;

/** Marks outputs written in a delivery table. Parameters: id, at. */
export const markRenderedSql = (table: string, key: string, param: (i: number) => string): string =>
  `INSERT INTO ${table} (${key}, rendered_at) VALUES (${param(1)}, ${param(2)})
  ON CONFLICT (${key}) DO UPDATE SET rendered_at = excluded.rendered_at`;

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
