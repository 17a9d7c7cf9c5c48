// Billing on PostgreSQL, shared by every central instance. A run lock is a session advisory lock held on
// a connection of its own for as long as the run lasts (a crashed instance's session ends and frees it);
// numbers are drawn from a counter row inside the finalizing transaction, so they are gap-free and unique.
import type pg from 'pg';
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
import { openMigratedPool } from '../postgres/pool.js';
import { lockKey, schemaIdent } from '../postgres/sql.js';

export interface PostgresBillingDeps {
  pool: pg.Pool;
  schema: string;
  /** close() ends the pool only when the store made it. */
  ownsPool: boolean;
}

/** Makes a pool of its own on the store's schema and applies migrations (a no-op when current). */
export async function openPostgresBillingStore(opts: {
  connectionString: string;
  schema: string;
  log: Logger;
  now?: () => number;
  maxConnections?: number;
  create?: 'if-missing' | 'never';
}): Promise<PostgresBillingStore> {
  // A run holds one connection for its lock while its work uses others: one alone would wait forever.
  if (opts.maxConnections !== undefined && opts.maxConnections < 2)
    throw new RangeError('the billing store needs at least 2 connections (one holds the run lock)');
  const pool = await openMigratedPool(opts, opts.maxConnections ?? 4);
  return new PostgresBillingStore({ pool, schema: opts.schema, ownsPool: true });
}

type Client = pg.PoolClient;

export class PostgresBillingStore implements BillingStore {
  private readonly ident: string;

  constructor(private readonly deps: PostgresBillingDeps) {
    this.ident = schemaIdent(deps.schema);
  }

  async close(): Promise<void> {
    if (this.deps.ownsPool) await this.deps.pool.end();
  }

  /** One connection with the schema on its search path; in a transaction when `tx`. */
  private async with<T>(tx: boolean, fn: (c: Client) => Promise<T>): Promise<T> {
    const c = await this.deps.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query(tx ? `BEGIN; SET LOCAL search_path TO ${this.ident}` : `SET search_path TO ${this.ident}`);
      try {
        const out = await fn(c);
        if (tx) await c.query('COMMIT');
        return out;
      } catch (err) {
        if (tx)
          await c.query('ROLLBACK').catch((e: Error) => {
            broken = e;
          });
        throw err;
      }
    } finally {
      c.release(broken);
    }
  }

  private async query<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> {
    return this.with(false, async (c) => (await c.query<R>(sql, values)).rows);
  }

  async withLock<T>(name: string, _owner: string, fn: () => Promise<T>): Promise<LockResult<T>> {
    const key = lockKey(this.deps.schema, `billing:${name}`);
    const c = await this.deps.pool.connect();
    let broken: Error | undefined;
    try {
      const got = (await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key])).rows[0]!.ok;
      if (!got) return { acquired: false };
      try {
        return { acquired: true, value: await fn() };
      } finally {
        await c.query('SELECT pg_advisory_unlock($1)', [key]).catch((e: Error) => {
          broken = e;
        });
      }
    } finally {
      // A connection whose unlock failed is discarded: its session ending frees the lock.
      c.release(broken);
    }
  }

  async ensureRun(entity: string, period: string, state: RunState, atMs: number): Promise<InvoiceRun> {
    await this.query(
      'INSERT INTO invoice_runs (site, period, state, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) ON CONFLICT (site, period) DO NOTHING',
      [entity, period, state, atMs],
    );
    return (await this.run(entity, period))!;
  }

  async run(entity: string, period: string): Promise<InvoiceRun | undefined> {
    const [r] = await this.query<RunRow>('SELECT * FROM invoice_runs WHERE site = $1 AND period = $2', [entity, period]);
    return r && toRun(r);
  }

  async runs(filter: { entity?: string; states?: readonly RunState[] } = {}): Promise<InvoiceRun[]> {
    const rows = await this.query<RunRow>('SELECT * FROM invoice_runs WHERE ($1::text IS NULL OR site = $1) ORDER BY period, site', [
      filter.entity ?? null,
    ]);
    return rows.map(toRun).filter((r) => !filter.states || filter.states.includes(r.state));
  }

  async setRunState(runId: number, state: RunState, atMs: number): Promise<void> {
    await this.query('UPDATE invoice_runs SET state = $1, updated_at = $2 WHERE id = $3', [state, atMs, runId]);
  }

  async addDrafts(runId: number, drafts: readonly NewDraft[], atMs: number): Promise<number> {
    return this.with(true, async (c) => {
      const run = (await c.query<RunRow>('SELECT * FROM invoice_runs WHERE id = $1', [runId])).rows[0];
      if (!run) throw new Error(`no invoice run #${runId}`);
      let added = 0;
      for (const d of drafts) {
        const v = draftColumns(d);
        const r = await c.query(
          `INSERT INTO invoices (run_id, site, period, customer, account, status, currency, total, review, draft, created_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (run_id, account, currency) DO NOTHING`,
          [runId, run.site, run.period, d.draft.customer, d.draft.account, v.status, v.currency, v.total, v.review, v.draft, atMs],
        );
        added += r.rowCount ?? 0;
      }
      return added;
    });
  }

  async replaceDraft(id: number, next: NewDraft): Promise<StoredInvoice> {
    const cur = await this.invoice(id);
    if (!cur) throw new InvoiceNotFoundError(`#${id}`);
    if (cur.status === 'final') throw new InvoiceImmutableError(id, cur.number);
    const v = draftColumns(next);
    const rows = await this.query(
      "UPDATE invoices SET status = $1, currency = $2, total = $3, review = $4, draft = $5 WHERE id = $6 AND status <> 'final' RETURNING id",
      [v.status, v.currency, v.total, v.review, v.draft, id],
    );
    if (rows.length === 0) throw new InvoiceImmutableError(id, undefined);
    return (await this.invoice(id))!;
  }

  /**
   * The next number of a series; the counter row stays locked until the transaction ends. Refused when it
   * was issued already (counter rows lost).
   */
  private async draw(c: Client, entity: string, series: NoteSeries | 'INV', year: number): Promise<string> {
    const r = await c.query<{ last: number }>(
      `INSERT INTO document_counters (site, series, year, last) VALUES ($1, $2, $3, 1)
      ON CONFLICT (site, series, year) DO UPDATE SET last = document_counters.last + 1 RETURNING last`,
      [entity, series, year],
    );
    const number = documentNumber(entity, year, r.rows[0]!.last, series === 'INV' ? undefined : series);
    if (
      (
        await c.query(
          issuedSql(series, (i) => `$${i}`),
          [number],
        )
      ).rows.length > 0
    )
      throw new DocumentCounterBehindError(number);
    return number;
  }

  async finalize(id: number, opts: FinalizeOptions): Promise<StoredInvoice> {
    await this.with(true, async (c) => {
      const cur = (
        await c.query<Pick<InvoiceRow, 'site' | 'status' | 'number'>>('SELECT site, status, number FROM invoices WHERE id = $1', [id])
      ).rows[0];
      if (!cur) throw new InvoiceNotFoundError(`#${id}`);
      if (cur.status === 'final') throw new InvoiceImmutableError(id, cur.number ?? undefined);
      const number = await this.draw(c, cur.site, 'INV', opts.year);
      // Re-checked under the counter's lock: a concurrent finalizer of the same draft updates nothing and
      // rolls back, number included.
      const r = await c.query(
        "UPDATE invoices SET status = 'final', number = $1, finalized_at = $2, released_by = $3, release_reason = $4 WHERE id = $5 AND status <> 'final'",
        [number, opts.atMs, opts.release?.by ?? null, opts.release?.reason ?? null, id],
      );
      if (r.rowCount === 0) throw new InvoiceImmutableError(id, undefined);
      await c.query('INSERT INTO invoice_delivery (invoice_id) VALUES ($1) ON CONFLICT DO NOTHING', [id]);
      await c.query(
        finalizeRunSql((i) => `$${i}`),
        [opts.atMs, id],
      );
    });
    return (await this.invoice(id))!;
  }

  async invoices(filter: InvoiceFilter = {}): Promise<StoredInvoice[]> {
    const w = invoiceWhere(filter, (i) => `$${i}`);
    return (await this.query<InvoiceRow>(`${INVOICE_SELECT} ${w.sql} ${INVOICE_ORDER}`, w.values)).map(toInvoice);
  }

  async invoice(id: number): Promise<StoredInvoice | undefined> {
    const [r] = await this.query<InvoiceRow>(`${INVOICE_SELECT} WHERE i.id = $1`, [id]);
    return r && toInvoice(r);
  }

  async invoiceByNumber(number: string): Promise<StoredInvoice | undefined> {
    const [r] = await this.query<InvoiceRow>(`${INVOICE_SELECT} WHERE i.number = $1`, [number]);
    return r && toInvoice(r);
  }

  async markRendered(id: number, atMs: number): Promise<void> {
    await this.query(
      'INSERT INTO invoice_delivery (invoice_id, rendered_at) VALUES ($1, $2) ON CONFLICT (invoice_id) DO UPDATE SET rendered_at = excluded.rendered_at',
      [id, atMs],
    );
  }

  async recordDelivery(id: number, result: DeliveryRecord): Promise<void> {
    await this.query(
      `INSERT INTO invoice_delivery AS d (invoice_id, delivered_at, attempts, last_error) VALUES ($1, $2, 1, $3)
      ON CONFLICT (invoice_id) DO UPDATE SET delivered_at = coalesce(excluded.delivered_at, d.delivered_at),
        attempts = d.attempts + 1, last_error = excluded.last_error`,
      [id, result.ok ? result.atMs : null, result.ok ? null : (result.error ?? 'failed')],
    );
  }

  async addNote(
    note: NoteDraft,
    opts: { fingerprint: string; atMs: number; year: number },
  ): Promise<{ note: StoredNote; created: boolean }> {
    const find = async (c: Client) =>
      (await c.query<NoteRow>(`${NOTE_SELECT} WHERE n.invoice_number = $1 AND n.fingerprint = $2`, [note.invoiceNumber, opts.fingerprint]))
        .rows[0];
    return this.with(true, async (c) => {
      const inv = (
        await c.query<{ site: string }>("SELECT site FROM invoices WHERE number = $1 AND status = 'final'", [note.invoiceNumber])
      ).rows[0];
      if (!inv) throw new InvoiceNotFoundError(note.invoiceNumber);
      const series = NOTE_SERIES[note.kind];
      // The counter row lock serializes notes of a site; a second maker of the same note waits for it, then
      // finds the first one (READ COMMITTED: a fresh snapshot per statement) and gives its number back.
      await c.query('SAVEPOINT draw');
      const number = await this.draw(c, inv.site, series, opts.year);
      const had = await find(c);
      if (had) {
        await c.query('ROLLBACK TO SAVEPOINT draw');
        return { note: toNote(had), created: false };
      }
      const made = await c.query<{ id: number }>(
        `INSERT INTO invoice_notes (number, invoice_number, kind, currency, total_delta, fingerprint, body, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [number, note.invoiceNumber, note.kind, note.currency, note.totalDelta, opts.fingerprint, JSON.stringify(note), opts.atMs],
      );
      await c.query('INSERT INTO note_delivery (note_id) VALUES ($1)', [made.rows[0]!.id]);
      return { note: toNote((await find(c))!), created: true };
    });
  }

  async notes(filter: string | NoteFilter): Promise<StoredNote[]> {
    const w = noteWhere(filter, (i) => `$${i}`);
    return (await this.query<NoteRow>(`${NOTE_SELECT} ${w.sql} ${NOTE_ORDER}`, w.values)).map(toNote);
  }

  async note(id: number): Promise<StoredNote | undefined> {
    const [r] = await this.query<NoteRow>(`${NOTE_SELECT} WHERE n.id = $1`, [id]);
    return r && toNote(r);
  }

  async noteByNumber(number: string): Promise<StoredNote | undefined> {
    const [r] = await this.query<NoteRow>(`${NOTE_SELECT} WHERE n.number = $1`, [number]);
    return r && toNote(r);
  }

  async markNoteRendered(id: number, atMs: number): Promise<void> {
    await this.query(
      markRenderedSql('note_delivery', 'note_id', (i) => `$${i}`),
      [id, atMs],
    );
  }

  async recordNoteDelivery(id: number, result: DeliveryRecord): Promise<void> {
    await this.query(
      recordDeliverySql('note_delivery', 'note_id', (i) => `$${i}`),
      [id, result.ok ? result.atMs : null, result.ok ? null : (result.error ?? 'failed')],
    );
  }
}
