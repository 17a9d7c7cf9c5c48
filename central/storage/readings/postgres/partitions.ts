// Weekly partitions of PostgreSQL readings (issue 21; grid in weeks.ts, shape in migration 8): made on
// demand before a batch is written, and dropped whole by retention, never DELETEd from.
//
// Creation and detaching take ACCESS EXCLUSIVE on the parent for a moment, so they run in short
// transactions of their own on a pool client, never inside a writer's transaction (which holds the
// parent's ROW EXCLUSIVE: that would wait on itself or deadlock), and under one advisory lock per schema,
// so two central instances making the same week take turns (the second finds it; duplicate_table is
// caught all the same, for a creator that does not take the lock).
//
// Retention per partition, oldest first, in two transactions: (1) DETACH and rename to readings_x_<name>
// (brief; afterwards no write reaches it, and a late reading for that week gets a new, empty partition);
// (2) per-series counts from the detached table, one UPDATE of series (reading_count, first_ts), DROP, and
// lifecycle_state 'raw_from_ms' raised to its upper bound. A crash between the two leaves readings_x_*,
// which the next call finishes first (the bound is in the name, or in the legacy table's cutover check).
import type pg from 'pg';
import type { RawRemoval } from '../../rollups/types.js';
import { lockKey, schemaIdent } from '../../postgres/sql.js';
import { parseBound, partitionName, weeksCovering, WEEK_MS } from './weeks.js';

const DUPLICATE_TABLE = '42P07';
const DETACHED = 'readings_x_';

export interface PartitionInfo {
  name: string;
  fromMs: number;
  toMs: number;
}

export class ReadingPartitions {
  private readonly s: string;
  /** Week starts known to have a partition (or to be inside the legacy one). */
  private readonly known = new Set<number>();
  private legacyToMs = -Infinity;

  constructor(private readonly deps: { pool: pg.Pool; schema: string }) {
    this.s = schemaIdent(deps.schema);
  }

  /** Forgets what it knew (after retention here, or an insert that found no partition: another instance dropped it). */
  forget(): void {
    this.known.clear();
    this.legacyToMs = -Infinity;
  }

  /** Makes sure a partition holds every week of [minTs, maxTs] (the lifecycle pass makes weeks ahead with it). */
  ensure(minTs: number, maxTs: number): Promise<void> {
    return this.ensureWeeks(weeksCovering(minTs, maxTs));
  }

  /**
   * Makes sure a partition holds each of these weeks (weekStartMs values: the weeks a batch's readings
   * fall in, not the span between its oldest and newest, which may be decades). A cache hit costs no round trip.
   */
  async ensureWeeks(weeks: Iterable<number>): Promise<void> {
    const wanted = [...new Set(weeks)];
    let missing = this.missing(wanted);
    if (missing.length === 0) return;
    this.learn(await this.list());
    missing = this.missing(wanted);
    if (missing.length === 0) return;
    await this.inLock(async (c) => {
      for (const w of missing) {
        const sql = `CREATE TABLE IF NOT EXISTS ${this.s}.${partitionName(w)} PARTITION OF ${this.s}.readings FOR VALUES FROM (${w}) TO (${w + WEEK_MS})`;
        await c.query(sql).catch((err: { code?: string }) => {
          if (err.code !== DUPLICATE_TABLE) throw err;
        });
      }
    });
    this.learn(await this.list());
  }

  /** The attached partitions, by lower bound. */
  async list(client: pg.ClientBase | pg.Pool = this.deps.pool): Promise<PartitionInfo[]> {
    const r = await client.query<{ name: string; bound: string }>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = to_regclass($1)`,
      [`${this.s}.readings`],
    );
    const out: PartitionInfo[] = [];
    for (const row of r.rows) {
      const b = parseBound(row.bound);
      if (b) out.push({ name: row.name, ...b });
    }
    return out.sort((a, b) => a.fromMs - b.fromMs);
  }

  /** Partitions wholly before the cutoff (what removeRawBefore drops). */
  async before(cutoffMs: number): Promise<PartitionInfo[]> {
    return (await this.list()).filter((p) => p.toMs <= cutoffMs);
  }

  /** Readings in the partitions wholly before the cutoff: pg_class.reltuples (kept by autovacuum), count(*) where never analyzed. */
  async removable(cutoffMs: number): Promise<number> {
    let n = 0;
    for (const p of [...(await this.before(cutoffMs)), ...(await this.leftovers())]) {
      const r = await this.deps.pool.query<{ n: number }>('SELECT reltuples::float8 AS n FROM pg_class WHERE oid = to_regclass($1)', [
        `${this.s}.${p.name}`,
      ]);
      const est = r.rows[0]?.n ?? 0;
      n +=
        est >= 0
          ? Math.round(est)
          : Number((await this.deps.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.s}.${p.name}`)).rows[0]!.n);
    }
    return n;
  }

  /** Drops every partition whose upper bound is <= cutoffMs (see the top of the file). */
  async removeBefore(cutoffMs: number): Promise<RawRemoval> {
    let removed = 0;
    for (const p of await this.leftovers()) removed += await this.dropDetached(p);
    for (const p of await this.before(cutoffMs)) {
      const renamed = DETACHED + p.name;
      await this.inLock(async (c) => {
        await c.query(`ALTER TABLE ${this.s}.readings DETACH PARTITION ${this.s}.${p.name}`);
        await c.query(`ALTER TABLE ${this.s}.${p.name} RENAME TO ${renamed}`);
      });
      removed += await this.dropDetached({ ...p, name: renamed });
    }
    this.forget();
    const r = await this.deps.pool.query<{ v: number }>(`SELECT value AS v FROM ${this.s}.lifecycle_state WHERE key = 'raw_from_ms'`);
    return { removed, done: true, rawFromMs: r.rows[0]?.v };
  }

  /**
   * Rebuilds the key index of closed partitions (upper bound <= beforeMs) packed (fillfactor 100): an index
   * written in arrival order is ~2/3 full (41.7 bytes a reading measured), packed 28.5. Concurrently, so
   * reads and writes go on. Returns the partitions packed.
   */
  async packClosed(beforeMs: number): Promise<string[]> {
    const done: string[] = [];
    for (const p of await this.before(beforeMs)) {
      const r = await this.deps.pool.query<{ idx: string; opts: string[] | null }>(
        `SELECT i.relname AS idx, i.reloptions AS opts FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
         WHERE x.indrelid = to_regclass($1) AND x.indisprimary`,
        [`${this.s}.${p.name}`],
      );
      const idx = r.rows[0];
      if (!idx || idx.opts?.includes('fillfactor=100')) continue;
      await this.deps.pool.query(`ALTER INDEX ${this.s}.${idx.idx} SET (fillfactor = 100)`);
      await this.deps.pool.query(`REINDEX INDEX CONCURRENTLY ${this.s}.${idx.idx}`);
      done.push(p.name);
    }
    return done;
  }

  /** Detached tables a stopped removeBefore left, with their ranges. */
  private async leftovers(): Promise<PartitionInfo[]> {
    const r = await this.deps.pool.query<{ name: string; def: string | null }>(
      `SELECT c.relname AS name, (SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k WHERE k.conrelid = c.oid
         AND k.conname = 'readings_before_cutover') AS def
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind = 'r' AND starts_with(c.relname, $2)`,
      [this.deps.schema, DETACHED],
    );
    return r.rows.map((row) => {
      const week = /_p(\d{4})(\d{2})(\d{2})$/.exec(row.name);
      if (week) {
        const fromMs = Date.UTC(Number(week[1]), Number(week[2]) - 1, Number(week[3]));
        return { name: row.name, fromMs, toMs: fromMs + WEEK_MS };
      }
      const cut = /(-?\d+)/.exec(row.def ?? '');
      return { name: row.name, fromMs: -Infinity, toMs: cut ? Number(cut[1]) : -Infinity };
    });
  }

  /** Step 2 of a removal: series adjusted from the table's per-series counts, the table dropped, raw_from_ms raised. */
  private async dropDetached(p: PartitionInfo): Promise<number> {
    let removed = 0;
    await this.inLock(async (c) => {
      const t = `${this.s}.${p.name}`;
      const r = await c.query<{ n: string }>(
        `WITH c AS (SELECT series_id, count(*) AS n FROM ${t} GROUP BY series_id),
           u AS (UPDATE ${this.s}.series s SET reading_count = greatest(s.reading_count - c.n, 0),
             first_ts = CASE WHEN s.reading_count - c.n <= 0 THEN NULL
               ELSE (SELECT min(r.ts) FROM ${this.s}.readings r WHERE r.series_id = s.id) END,
             last_ts = CASE WHEN s.reading_count - c.n <= 0 THEN NULL ELSE s.last_ts END
           FROM c WHERE s.id = c.series_id)
         SELECT coalesce(sum(n), 0) AS n FROM c`,
      );
      removed = Number(r.rows[0]!.n);
      await c.query(`DROP TABLE ${t}`);
      if (Number.isFinite(p.toMs))
        await c.query(
          `INSERT INTO ${this.s}.lifecycle_state (key, value) VALUES ('raw_from_ms', $1)
           ON CONFLICT (key) DO UPDATE SET value = greatest(lifecycle_state.value, EXCLUDED.value)`,
          [p.toMs],
        );
    });
    return removed;
  }

  private missing(weeks: readonly number[]): number[] {
    return weeks.filter((w) => w + WEEK_MS > this.legacyToMs && !this.known.has(w));
  }

  private learn(parts: readonly PartitionInfo[]): void {
    for (const p of parts) {
      if (p.fromMs === -Infinity) this.legacyToMs = Math.max(this.legacyToMs, p.toMs);
      else if (p.toMs - p.fromMs === WEEK_MS) this.known.add(p.fromMs);
    }
  }

  private async inLock(work: (c: pg.PoolClient) => Promise<void>): Promise<void> {
    const c = await this.deps.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query('BEGIN');
      try {
        await c.query('SELECT pg_advisory_xact_lock($1)', [lockKey(this.deps.schema, 'readings partitions')]);
        await work(c);
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch((e: Error) => {
          broken = e;
        });
        throw err;
      }
    } finally {
      c.release(broken);
    }
  }
}
