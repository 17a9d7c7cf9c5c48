// Billing on the embedded SQLite file. Every change is one better-sqlite3 transaction (synchronous, so
// nothing interleaves inside it); run locks are lease rows, since several processes may open the file.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { NoteDraft } from '../../billing/types.js';
import {
  DocumentCounterBehindError,
  documentNumber,
  InvoiceImmutableError,
  InvoiceNotFoundError,
  NOTE_SERIES,
  type BillingStore,
  type FinalizeOptions,
  type InvoiceFilter,
  type InvoiceRun,
  type DeliveryRecord,
  type LockResult,
  type NewDraft,
  type NoteFilter,
  type NoteSeries,
  type RunState,
  type StoredInvoice,
  type StoredNote,
} from './types.js';
import {
  draftColumns,
  finalizeRunSql,
  INVOICE_ORDER,
  INVOICE_SELECT,
  invoiceWhere,
  issuedSql,
  markRenderedSql,
  NOTE_ORDER,
  NOTE_SELECT,
  noteWhere,
  recordDeliverySql,
  toInvoice,
  toNote,
  toRun,
  type InvoiceRow,
  type NoteRow,
  type RunRow,
} from './rows.js';
import { openSqliteDatabase, type SqliteCreate } from '../sqlite/database.js';

export interface SqliteBillingDeps {
  /** An open database whose schema is current (openSqliteBillingStore does both). */
  db: Database.Database;
  now: () => number;
  /** How long a run lock is held without being let go before another instance may take it (default 1 h). */
  leaseMs?: number;
}

/** Opens its own connection to the central SQLite file (WAL lets it sit beside the store's), checked as the store's. */
export function openSqliteBillingStore(opts: {
  file: string;
  log: Logger;
  now?: () => number;
  leaseMs?: number;
  create?: SqliteCreate;
}): SqliteBillingStore {
  const now = opts.now ?? Date.now;
  const db = openSqliteDatabase({ file: opts.file, log: opts.log, now, ...(opts.create ? { create: opts.create } : {}) });
  return new SqliteBillingStore({ db, now, ...(opts.leaseMs !== undefined ? { leaseMs: opts.leaseMs } : {}) });
}

export class SqliteBillingStore implements BillingStore {
  private readonly db: Database.Database;

  constructor(private readonly deps: SqliteBillingDeps) {
    this.db = deps.db;
  }

  close(): void {
    this.db.close();
  }

  async withLock<T>(name: string, owner: string, fn: () => Promise<T>): Promise<LockResult<T>> {
    const now = this.deps.now();
    const took = this.db
      .prepare(
        `INSERT INTO billing_locks (name, owner, expires_at) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
      WHERE billing_locks.expires_at <= ? OR billing_locks.owner = excluded.owner`,
      )
      .run(name, owner, now + (this.deps.leaseMs ?? 3_600_000), now);
    if (took.changes === 0) return { acquired: false };
    try {
      return { acquired: true, value: await fn() };
    } finally {
      this.db.prepare('DELETE FROM billing_locks WHERE name = ? AND owner = ?').run(name, owner);
    }
  }

  async ensureRun(entity: string, period: string, state: RunState, atMs: number): Promise<InvoiceRun> {
    this.db
      .prepare(
        'INSERT INTO invoice_runs (site, period, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (site, period) DO NOTHING',
      )
      .run(entity, period, state, atMs, atMs);
    return (await this.run(entity, period))!;
  }

  async run(entity: string, period: string): Promise<InvoiceRun | undefined> {
    const r = this.db.prepare('SELECT * FROM invoice_runs WHERE site = ? AND period = ?').get(entity, period) as RunRow | undefined;
    return r && toRun(r);
  }

  async runs(filter: { entity?: string; states?: readonly RunState[] } = {}): Promise<InvoiceRun[]> {
    const rows = this.db
      .prepare('SELECT * FROM invoice_runs WHERE (? IS NULL OR site = ?) ORDER BY period, site')
      .all(filter.entity ?? null, filter.entity ?? null) as RunRow[];
    return rows.map(toRun).filter((r) => !filter.states || filter.states.includes(r.state));
  }

  async setRunState(runId: number, state: RunState, atMs: number): Promise<void> {
    this.db.prepare('UPDATE invoice_runs SET state = ?, updated_at = ? WHERE id = ?').run(state, atMs, runId);
  }

  async addDrafts(runId: number, drafts: readonly NewDraft[], atMs: number): Promise<number> {
    const run = this.db.prepare('SELECT * FROM invoice_runs WHERE id = ?').get(runId) as RunRow | undefined;
    if (!run) throw new Error(`no invoice run #${runId}`);
    const ins = this.db
      .prepare(`INSERT INTO invoices (run_id, site, period, customer, account, status, currency, total, review, draft, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, account, currency) DO NOTHING`);
    return this.db
      .transaction(() => {
        let added = 0;
        for (const d of drafts) {
          const c = draftColumns(d);
          added += ins.run(
            runId,
            run.site,
            run.period,
            d.draft.customer,
            d.draft.account,
            c.status,
            c.currency,
            c.total,
            c.review,
            c.draft,
            atMs,
          ).changes;
        }
        return added;
      })
      .immediate();
  }

  async replaceDraft(id: number, next: NewDraft): Promise<StoredInvoice> {
    const cur = await this.invoice(id);
    if (!cur) throw new InvoiceNotFoundError(`#${id}`);
    if (cur.status === 'final') throw new InvoiceImmutableError(id, cur.number);
    const c = draftColumns(next);
    const res = this.db
      .prepare("UPDATE invoices SET status = ?, currency = ?, total = ?, review = ?, draft = ? WHERE id = ? AND status <> 'final'")
      .run(c.status, c.currency, c.total, c.review, c.draft, id);
    if (res.changes === 0) throw new InvoiceImmutableError(id, undefined);
    return (await this.invoice(id))!;
  }

  /** The next number of a series, refused when it was issued already (counter rows lost). */
  private draw(entity: string, series: NoteSeries | 'INV', year: number): string {
    const r = this.db
      .prepare(
        `INSERT INTO document_counters (site, series, year, last) VALUES (?, ?, ?, 1)
      ON CONFLICT (site, series, year) DO UPDATE SET last = last + 1 RETURNING last`,
      )
      .get(entity, series, year) as { last: number };
    const number = documentNumber(entity, year, r.last, series === 'INV' ? undefined : series);
    if (this.db.prepare(issuedSql(series, () => '?')).get(number)) throw new DocumentCounterBehindError(number);
    return number;
  }

  async finalize(id: number, opts: FinalizeOptions): Promise<StoredInvoice> {
    this.db
      .transaction(() => {
        const cur = this.db.prepare('SELECT site, status, number FROM invoices WHERE id = ?').get(id) as
          Pick<InvoiceRow, 'site' | 'status' | 'number'> | undefined;
        if (!cur) throw new InvoiceNotFoundError(`#${id}`);
        if (cur.status === 'final') throw new InvoiceImmutableError(id, cur.number ?? undefined);
        const number = this.draw(cur.site, 'INV', opts.year);
        this.db
          .prepare("UPDATE invoices SET status = 'final', number = ?, finalized_at = ?, released_by = ?, release_reason = ? WHERE id = ?")
          .run(number, opts.atMs, opts.release?.by ?? null, opts.release?.reason ?? null, id);
        this.db.prepare('INSERT INTO invoice_delivery (invoice_id) VALUES (?) ON CONFLICT DO NOTHING').run(id);
        this.db.prepare(finalizeRunSql(() => '?')).run(opts.atMs, id);
      })
      .immediate();
    return (await this.invoice(id))!;
  }

  async invoices(filter: InvoiceFilter = {}): Promise<StoredInvoice[]> {
    const w = invoiceWhere(filter, () => '?');
    return (this.db.prepare(`${INVOICE_SELECT} ${w.sql} ${INVOICE_ORDER}`).all(...w.values) as InvoiceRow[]).map(toInvoice);
  }

  async invoice(id: number): Promise<StoredInvoice | undefined> {
    const r = this.db.prepare(`${INVOICE_SELECT} WHERE i.id = ?`).get(id) as InvoiceRow | undefined;
    return r && toInvoice(r);
  }

  async invoiceByNumber(number: string): Promise<StoredInvoice | undefined> {
    const r = this.db.prepare(`${INVOICE_SELECT} WHERE i.number = ?`).get(number) as InvoiceRow | undefined;
    return r && toInvoice(r);
  }

  async markRendered(id: number, atMs: number): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO invoice_delivery (invoice_id, rendered_at) VALUES (?, ?) ON CONFLICT (invoice_id) DO UPDATE SET rendered_at = excluded.rendered_at',
      )
      .run(id, atMs);
  }

  async recordDelivery(id: number, result: DeliveryRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO invoice_delivery (invoice_id, delivered_at, attempts, last_error) VALUES (?, ?, 1, ?)
      ON CONFLICT (invoice_id) DO UPDATE SET delivered_at = coalesce(excluded.delivered_at, delivered_at),
        attempts = attempts + 1, last_error = excluded.last_error`,
      )
      .run(id, result.ok ? result.atMs : null, result.ok ? null : (result.error ?? 'failed'));
  }

  async addNote(
    note: NoteDraft,
    opts: { fingerprint: string; atMs: number; year: number },
  ): Promise<{ note: StoredNote; created: boolean }> {
    const find = () =>
      this.db.prepare(`${NOTE_SELECT} WHERE n.invoice_number = ? AND n.fingerprint = ?`).get(note.invoiceNumber, opts.fingerprint) as
        NoteRow | undefined;
    const created = this.db
      .transaction(() => {
        if (find()) return false;
        const inv = this.db.prepare("SELECT site FROM invoices WHERE number = ? AND status = 'final'").get(note.invoiceNumber) as
          { site: string } | undefined;
        if (!inv) throw new InvoiceNotFoundError(note.invoiceNumber);
        const series = NOTE_SERIES[note.kind];
        const number = this.draw(inv.site, series, opts.year);
        const made = this.db
          .prepare(
            `INSERT INTO invoice_notes (number, invoice_number, kind, currency, total_delta, fingerprint, body, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(number, note.invoiceNumber, note.kind, note.currency, note.totalDelta, opts.fingerprint, JSON.stringify(note), opts.atMs);
        this.db.prepare('INSERT INTO note_delivery (note_id) VALUES (?)').run(made.lastInsertRowid);
        return true;
      })
      .immediate();
    return { note: toNote(find()!), created };
  }

  async notes(filter: string | NoteFilter): Promise<StoredNote[]> {
    const w = noteWhere(filter, () => '?');
    return (this.db.prepare(`${NOTE_SELECT} ${w.sql} ${NOTE_ORDER}`).all(...w.values) as NoteRow[]).map(toNote);
  }

  async note(id: number): Promise<StoredNote | undefined> {
    const r = this.db.prepare(`${NOTE_SELECT} WHERE n.id = ?`).get(id) as NoteRow | undefined;
    return r && toNote(r);
  }

  async noteByNumber(number: string): Promise<StoredNote | undefined> {
    const r = this.db.prepare(`${NOTE_SELECT} WHERE n.number = ?`).get(number) as NoteRow | undefined;
    return r && toNote(r);
  }

  async markNoteRendered(id: number, atMs: number): Promise<void> {
    this.db.prepare(markRenderedSql('note_delivery', 'note_id', () => '?')).run(id, atMs);
  }

  async recordNoteDelivery(id: number, result: DeliveryRecord): Promise<void> {
    this.db
      .prepare(recordDeliverySql('note_delivery', 'note_id', () => '?'))
      .run(id, result.ok ? result.atMs : null, result.ok ? null : (result.error ?? 'failed'));
  }
}
