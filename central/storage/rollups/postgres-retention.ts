// Retention and figures on the PostgreSQL store (issue 21). Rollups leave by whole yearly partitions
// (postgres-partitions.ts): a cutoff inside a year keeps that year whole until the cutoff passes its end,
// by design (no DELETE and no bloat in a partition still written). Raw readings: the pg helper's weekly
// partitions (not here). History: events and alerts rows older than the cutoff, alerts still raised kept.
import type pg from 'pg';
import { schemaIdent } from '../postgres/sql.js';
import type { RollupPartitions } from './postgres-partitions.js';
import { withTransaction } from './postgres-tx.js';
import { RAW_FROM_KEY } from './rows.js';
import type { StorageFigures } from './types.js';

export class PostgresRetention {
  private readonly s: string;

  constructor(private readonly deps: { pool: pg.Pool; schema: string; partitions: RollupPartitions }) {
    this.s = schemaIdent(deps.schema);
  }

  /** Whole yearly partitions that end at or before the cutoff; returns the days they held. */
  removeRollupsBefore(cutoffMs: number): Promise<number> {
    return this.deps.partitions.dropBefore(cutoffMs);
  }

  /** An alert still raised keeps its current row and the history row of that raise. */
  removeHistoryBefore(cutoffMs: number): Promise<number> {
    const s = this.s;
    return withTransaction(this.deps.pool, async (c) => {
      const events = await c.query(`DELETE FROM ${s}.events WHERE ts < $1`, [cutoffMs]);
      const alerts = await c.query(
        `DELETE FROM ${s}.alerts a WHERE a.ts < $1 AND NOT EXISTS (SELECT 1 FROM ${s}.alerts_current c WHERE c.state = 'raised'
          AND c.site = a.site AND c.gateway = a.gateway AND c.alert_id = a.alert_id AND c.ts = a.ts AND a.state = 'raised')`,
        [cutoffMs],
      );
      const current = await c.query(`DELETE FROM ${s}.alerts_current WHERE ts < $1 AND state <> 'raised'`, [cutoffMs]);
      return (events.rowCount ?? 0) + (alerts.rowCount ?? 0) + (current.rowCount ?? 0);
    });
  }

  /**
   * Sizes with indexes and TOAST, summed over the partitions of readings and rollups and the tables
   * themselves (pg_partition_tree gives no row for a table that is not partitioned); other bytes: every
   * other table of the schema.
   */
  async storageFigures(): Promise<StorageFigures> {
    const s = this.s;
    const tree = (t: string) =>
      `(SELECT coalesce(sum(pg_total_relation_size(r)), 0)::int8 FROM
        (SELECT relid AS r FROM pg_partition_tree(to_regclass('${s}.${t}')) UNION SELECT to_regclass('${s}.${t}')) p)`;
    const { rows } = await this.deps.pool.query<{
      raw_bytes: number;
      rollup_bytes: number;
      all_bytes: number;
      raw_rows: number | null;
      oldest_raw: number | null;
      rollup_rows: number;
      oldest_rollup: number | null;
      raw_from: number | null;
    }>(
      `SELECT ${tree('readings')} AS raw_bytes, ${tree('rollups')} AS rollup_bytes,
        (SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::int8 FROM pg_class c
          WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'm')) AS all_bytes,
        (SELECT sum(reading_count)::int8 FROM ${s}.series) AS raw_rows,
        (SELECT min(first_ts) FROM ${s}.series) AS oldest_raw,
        (SELECT count(*) FROM ${s}.rollups) AS rollup_rows,
        (SELECT min(r.day_ms) FROM ${s}.series x
          CROSS JOIN LATERAL (SELECT day_ms FROM ${s}.rollups WHERE series_id = x.id ORDER BY day_ms LIMIT 1) r) AS oldest_rollup,
        (SELECT value FROM ${s}.lifecycle_state WHERE key = $2) AS raw_from`,
      [s, RAW_FROM_KEY],
    );
    const r = rows[0]!;
    return {
      rawBytes: r.raw_bytes,
      rawRows: r.raw_rows ?? 0,
      rollupBytes: r.rollup_bytes,
      rollupRows: r.rollup_rows,
      otherBytes: r.all_bytes - r.raw_bytes - r.rollup_bytes,
      oldestRawMs: r.oldest_raw ?? undefined,
      oldestRollupDayMs: r.oldest_rollup ?? undefined,
      rawFromMs: r.raw_from ?? undefined,
    };
  }
}
