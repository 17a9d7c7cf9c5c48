// The rollup tier of the PostgreSQL store (issue 21): watermarks, claims, power statistics, rollup rows and
// the lifecycle key/value. Rollup rows live in yearly partitions (UTC calendar years of day_ms) made on
// demand before a write (postgres-partitions.ts). Retention and figures: postgres-retention.ts.
import type pg from 'pg';
import { schemaIdent } from '../postgres/sql.js';
import { RollupPartitions } from './postgres-partitions.js';
import { withTransaction } from './postgres-tx.js';
import { cellSql, claimOf, type PowerStat, type StateRow, stateFromRow, type StoredRow, toBytes, withEstimate } from './rows.js';
import type { RollupWindow } from './tiered.js';
import type { RollupClaim, RollupDayTotal, RollupRow, SeriesRollupState } from './types.js';

const ROW_COLS =
  'series_id AS "seriesId", day_ms AS "dayMs", interval_min AS "intervalMin", energy_kwh AS "energyKwh", readings, ' +
  'estimated_kwh AS "estimatedKwh"';

export class PostgresRollups {
  private readonly s: string;
  readonly partitions: RollupPartitions;

  constructor(private readonly deps: { pool: pg.Pool; schema: string; now: () => number }) {
    this.s = schemaIdent(deps.schema);
    this.partitions = new RollupPartitions(deps);
  }

  private async rows<T>(text: string, values: unknown[]): Promise<T[]> {
    return (await this.deps.pool.query(text, values)).rows as T[];
  }

  async rollupStates(filter?: { site?: string }): Promise<SeriesRollupState[]> {
    const rows = await this.rows<StateRow>(
      `SELECT id, site, gateway, device, channel, first_ts, last_ts, rolled_to_ms, dirty_from_ms FROM ${this.s}.series
      WHERE ($1::text IS NULL OR site = $1) ORDER BY id`,
      [filter?.site ?? null],
    );
    return rows.map(stateFromRow);
  }

  /** One transaction; the series rows are locked first, so a writer's update of them waits or went before. */
  async claimRollups(claims: readonly { seriesId: number; toMs: number }[]): Promise<RollupClaim[]> {
    if (claims.length === 0) return [];
    return this.transaction(async (c) => {
      const { rows } = await c.query<StateRow>(
        `SELECT id, first_ts, rolled_to_ms, dirty_from_ms FROM ${this.s}.series WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE`,
        [claims.map((x) => x.seriesId)],
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      const out = claims.flatMap((x) => {
        const row = byId.get(x.seriesId);
        const claim = row && claimOf(x, row);
        return claim ? [claim] : [];
      });
      if (out.length > 0) {
        await c.query(
          `UPDATE ${this.s}.series s SET rolled_to_ms = c.to_ms, dirty_from_ms = c.mark
          FROM unnest($1::int[], $2::int8[], $3::int8[]) AS c(id, to_ms, mark) WHERE s.id = c.id`,
          [out.map((x) => x.seriesId), out.map((x) => x.toMs), out.map((x) => x.dirtyMarkMs)],
        );
      }
      return out;
    });
  }

  async powerStats(seriesIds: readonly number[], fromMs: number, toMs: number, anchorMs: number, intervalMs: number): Promise<PowerStat[]> {
    if (seriesIds.length === 0) return [];
    return this.rows<PowerStat>(
      `SELECT series_id AS "seriesId", cell, count(*) AS readings, avg(power_w) AS "meanW", min(power_w) AS "minW", max(power_w) AS "maxW"
      FROM (SELECT series_id, ${cellSql('$4::int8', '$5::int8')} AS cell, power_w FROM ${this.s}.readings
        WHERE series_id = ANY($1::int[]) AND ts >= $2 AND ts < $3) x
      GROUP BY series_id, cell ORDER BY series_id, cell`,
      [seriesIds, fromMs, toMs, anchorMs, intervalMs],
    );
  }

  /** Upserts the rows and clears each claim's mark where it is unchanged, in one transaction. */
  async writeRollups(rows: readonly RollupRow[], done: readonly RollupClaim[]): Promise<void> {
    await this.partitions.ensure(rows.map((r) => r.dayMs));
    await this.partitions.retryingMissing(
      () =>
        this.transaction(async (c) => {
          if (rows.length > 0) {
            await c.query(
              `INSERT INTO ${this.s}.rollups (series_id, day_ms, interval_min, energy_kwh, readings, built_at, body, estimated_kwh)
              SELECT sid, day, iv, kwh, n, $6::int8, body, est
              FROM unnest($1::int[], $2::int8[], $3::int2[], $4::float8[], $5::int[], $7::bytea[], $8::float8[])
                AS r(sid, day, iv, kwh, n, body, est)
              ON CONFLICT (series_id, day_ms) DO UPDATE SET interval_min = EXCLUDED.interval_min, energy_kwh = EXCLUDED.energy_kwh,
                readings = EXCLUDED.readings, built_at = EXCLUDED.built_at, body = EXCLUDED.body, estimated_kwh = EXCLUDED.estimated_kwh`,
              [
                rows.map((r) => r.seriesId),
                rows.map((r) => r.dayMs),
                rows.map((r) => r.intervalMin),
                rows.map((r) => r.energyKwh),
                rows.map((r) => r.readings),
                this.deps.now(),
                rows.map((r) => Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength)),
                rows.map((r) => r.estimatedKwh ?? null),
              ],
            );
          }
          if (done.length > 0) {
            await c.query(
              `UPDATE ${this.s}.series s SET dirty_from_ms = NULL FROM unnest($1::int[], $2::int8[]) AS c(id, mark)
              WHERE s.id = c.id AND s.dirty_from_ms = c.mark`,
              [done.map((x) => x.seriesId), done.map((x) => x.dirtyMarkMs)],
            );
          }
        }),
      rows.map((r) => r.dayMs),
    );
  }

  async rollupRows(seriesIds: readonly number[], fromDayMs: number, toDayMs: number): Promise<RollupRow[]> {
    if (seriesIds.length === 0) return [];
    const rows = await this.rows<StoredRow & { intervalMin: number; body: Buffer }>(
      `SELECT ${ROW_COLS}, body FROM ${this.s}.rollups WHERE series_id = ANY($1::int[]) AND day_ms >= $2 AND day_ms < $3
      ORDER BY series_id, day_ms`,
      [seriesIds, fromDayMs, toDayMs],
    );
    return rows.map((r) => ({ ...withEstimate(r), body: toBytes(r.body) }));
  }

  /** The rows of many windows in one round trip (the tiered boundaries of a call). */
  async rollupRowsIn(windows: readonly RollupWindow[]): Promise<RollupRow[]> {
    if (windows.length === 0) return [];
    const rows = await this.rows<StoredRow & { intervalMin: number; body: Buffer }>(
      `SELECT ${ROW_COLS}, body FROM unnest($1::int[], $2::int8[], $3::int8[]) AS w(sid, lo, hi)
      JOIN ${this.s}.rollups r ON r.series_id = w.sid AND r.day_ms >= w.lo AND r.day_ms < w.hi`,
      [windows.map((w) => w.seriesId), windows.map((w) => w.fromDayMs), windows.map((w) => w.toDayMs)],
    );
    return rows.map((r) => ({ ...withEstimate(r), body: toBytes(r.body) }));
  }

  async rollupTotals(seriesIds: readonly number[], fromDayMs: number, toDayMs: number): Promise<RollupDayTotal[]> {
    if (seriesIds.length === 0) return [];
    const rows = await this.rows<StoredRow>(
      `SELECT series_id AS "seriesId", day_ms AS "dayMs", energy_kwh AS "energyKwh", readings, estimated_kwh AS "estimatedKwh"
      FROM ${this.s}.rollups WHERE series_id = ANY($1::int[]) AND day_ms >= $2 AND day_ms < $3 ORDER BY series_id, day_ms`,
      [seriesIds, fromDayMs, toDayMs],
    );
    return rows.map(withEstimate);
  }

  /** A late epoch event: an earlier mark wins (the builder calls this under its lock, never during its own claim). */
  async markDirty(marks: readonly { seriesId: number; fromMs: number }[]): Promise<void> {
    if (marks.length === 0) return;
    await this.deps.pool.query(
      `UPDATE ${this.s}.series s SET dirty_from_ms = LEAST(s.dirty_from_ms, m.from_ms)
      FROM (SELECT id, min(from_ms) AS from_ms FROM unnest($1::int[], $2::int8[]) AS u(id, from_ms) GROUP BY id) m WHERE s.id = m.id`,
      [marks.map((m) => m.seriesId), marks.map((m) => m.fromMs)],
    );
  }

  async lifecycleValue(key: string): Promise<number | undefined> {
    const rows = await this.rows<{ value: number }>(`SELECT value FROM ${this.s}.lifecycle_state WHERE key = $1`, [key]);
    return rows[0]?.value;
  }

  async setLifecycleValue(key: string, value: number): Promise<void> {
    await this.deps.pool.query(
      `INSERT INTO ${this.s}.lifecycle_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [key, value],
    );
  }

  private async transaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.deps.pool, fn);
  }
}
