// The yearly partitions of the PostgreSQL rollups table (migration 7): rollups_yYYYY holds the rows whose
// day_ms falls in that UTC calendar year. A write makes the partitions it needs first, in a transaction of
// its own under an advisory lock (instances making the same one take turns; IF NOT EXISTS makes the second
// a no-op), and remembers them; retention drops whole partitions, never DELETEs inside one.
import type pg from 'pg';
import { lockKey, schemaIdent } from '../postgres/sql.js';
import { withTransaction } from './postgres-tx.js';

/** A ~2.5 KB body stays in its row: no compression attempt (it is deflated already), no TOAST lookup. */
const TOAST_TUPLE_TARGET = 8160;
const NAME = /^rollups_y(\d{4})$/;
/** PostgreSQL: no partition of relation found for row (another instance dropped one we remembered). */
const NO_PARTITION = '23514';

export function yearOf(dayMs: number): number {
  return new Date(dayMs).getUTCFullYear();
}

export function yearBounds(year: number): { fromMs: number; toMs: number } {
  return { fromMs: Date.UTC(year, 0, 1), toMs: Date.UTC(year + 1, 0, 1) };
}

export class RollupPartitions {
  private readonly s: string;
  private readonly known = new Set<number>();

  constructor(private readonly deps: { pool: pg.Pool; schema: string }) {
    this.s = schemaIdent(deps.schema);
  }

  /** Makes the partitions of these days that this instance has not seen made. */
  async ensure(daysMs: readonly number[]): Promise<void> {
    const years = [...new Set(daysMs.map(yearOf))].filter((y) => !this.known.has(y)).sort();
    if (years.length === 0) return;
    await withTransaction(this.deps.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [lockKey(this.deps.schema, 'rollup-partitions')]);
      for (const y of years) {
        const b = yearBounds(y);
        await c.query(
          `CREATE TABLE IF NOT EXISTS ${this.s}.rollups_y${y} PARTITION OF ${this.s}.rollups
          FOR VALUES FROM (${b.fromMs}) TO (${b.toMs}) WITH (toast_tuple_target = ${TOAST_TUPLE_TARGET})`,
        );
      }
    });
    for (const y of years) this.known.add(y);
  }

  /** Runs a write; where a remembered partition was dropped meanwhile, makes it again and runs it once more. */
  async retryingMissing<T>(write: () => Promise<T>, daysMs: readonly number[]): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if ((err as { code?: string }).code !== NO_PARTITION) throw err;
      this.known.clear();
      await this.ensure(daysMs);
      return write();
    }
  }

  /** The partitions there are, by year. */
  async list(): Promise<{ year: number; table: string }[]> {
    const { rows } = await this.deps.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass($1)`,
      [`${this.s}.rollups`],
    );
    return rows.flatMap((r) => {
      const m = NAME.exec(r.name);
      return m ? [{ year: Number(m[1]), table: r.name }] : [];
    });
  }

  /** Drops every partition that ends at or before the cutoff; returns the rows they held. */
  async dropBefore(cutoffMs: number): Promise<number> {
    let removed = 0;
    for (const p of (await this.list()).sort((a, b) => a.year - b.year)) {
      if (yearBounds(p.year).toMs > cutoffMs) continue;
      removed += await withTransaction(this.deps.pool, async (c) => {
        await c.query('SELECT pg_advisory_xact_lock($1)', [lockKey(this.deps.schema, 'rollup-partitions')]);
        // Another instance may have dropped it since the list was read.
        const there = await c.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`${this.s}.${p.table}`]);
        if (!there.rows[0]?.t) return 0;
        const n = await c.query<{ n: number }>(`SELECT count(*) AS n FROM ${this.s}.${p.table}`);
        await c.query(`DROP TABLE ${this.s}.${p.table}`);
        return n.rows[0]!.n;
      });
      this.known.delete(p.year);
    }
    return removed;
  }
}
