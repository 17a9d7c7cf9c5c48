// The rollup tier of the embedded store (issue 21): watermarks, claims, power statistics, rollup rows and
// the lifecycle key/value, on the store's own connection. Retention and figures: sqlite-retention.ts.
import type Database from 'better-sqlite3';
import type { RollupClaim, RollupDayTotal, RollupRow, SeriesRollupState } from './types.js';
import { claimOf, cellSql, type PowerStat, type StateRow, stateFromRow, type StoredRow, toBytes, withEstimate } from './rows.js';

const SQL = {
  states: `SELECT id, site, gateway, device, channel, first_ts, last_ts, rolled_to_ms, dirty_from_ms FROM series
    WHERE (@site IS NULL OR site = @site) ORDER BY id`,
  claimGet: 'SELECT first_ts, rolled_to_ms, dirty_from_ms FROM series WHERE id = ?',
  claimSet: 'UPDATE series SET rolled_to_ms = ?, dirty_from_ms = ? WHERE id = ?',
  // Readings in [from, to) by the (series_id, ts) key; the cell is a floor division that stays exact for
  // instants before the anchor (SQLite's / truncates toward zero).
  power: `SELECT series_id AS seriesId, cell, count(*) AS readings, avg(power_w) AS meanW, min(power_w) AS minW, max(power_w) AS maxW
    FROM (SELECT series_id, ${cellSql('@anchor', '@interval')} AS cell, power_w FROM readings
      WHERE series_id IN (SELECT value FROM json_each(@ids)) AND ts >= @from AND ts < @to)
    GROUP BY series_id, cell ORDER BY series_id, cell`,
  upsert: `INSERT INTO rollups (series_id, day_ms, interval_min, energy_kwh, readings, built_at, body, estimated_kwh)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (series_id, day_ms) DO UPDATE SET interval_min = excluded.interval_min, energy_kwh = excluded.energy_kwh,
      readings = excluded.readings, built_at = excluded.built_at, body = excluded.body, estimated_kwh = excluded.estimated_kwh`,
  clearMark: 'UPDATE series SET dirty_from_ms = NULL WHERE id = ? AND dirty_from_ms = ?',
  rows: `SELECT series_id AS seriesId, day_ms AS dayMs, interval_min AS intervalMin, energy_kwh AS energyKwh, readings,
      estimated_kwh AS estimatedKwh, body FROM rollups
    WHERE series_id IN (SELECT value FROM json_each(@ids)) AND day_ms >= @from AND day_ms < @to ORDER BY series_id, day_ms`,
  totals: `SELECT series_id AS seriesId, day_ms AS dayMs, energy_kwh AS energyKwh, readings, estimated_kwh AS estimatedKwh FROM rollups
    WHERE series_id IN (SELECT value FROM json_each(@ids)) AND day_ms >= @from AND day_ms < @to ORDER BY series_id, day_ms`,
  // A late epoch event: an earlier mark wins. Runs under the builder's lock, never during its own claim.
  markDirty: 'UPDATE series SET dirty_from_ms = min(coalesce(dirty_from_ms, @from), @from) WHERE id = @id',
  valueGet: 'SELECT value FROM lifecycle_state WHERE key = ?',
  valueSet: 'INSERT INTO lifecycle_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
} as const;

type Stmts = { [K in keyof typeof SQL]: Database.Statement };

export class SqliteRollups {
  private readonly stmt: Stmts;
  private readonly claimTx: Database.Transaction<(claims: readonly { seriesId: number; toMs: number }[]) => RollupClaim[]>;
  private readonly writeTx: Database.Transaction<(rows: readonly RollupRow[], done: readonly RollupClaim[], builtAt: number) => void>;

  constructor(private readonly deps: { db: Database.Database; now: () => number }) {
    const db = deps.db;
    this.stmt = Object.fromEntries(Object.entries(SQL).map(([k, sql]) => [k, db.prepare(sql)])) as Stmts;
    this.claimTx = db.transaction((claims: readonly { seriesId: number; toMs: number }[]) => {
      const out: RollupClaim[] = [];
      for (const c of claims) {
        const row = this.stmt.claimGet.get(c.seriesId) as Omit<StateRow, 'id'> | undefined;
        const claim = row && claimOf(c, row);
        if (!claim) continue;
        this.stmt.claimSet.run(claim.toMs, claim.dirtyMarkMs, claim.seriesId);
        out.push(claim);
      }
      return out;
    });
    this.writeTx = db.transaction((rows: readonly RollupRow[], done: readonly RollupClaim[], builtAt: number) => {
      for (const r of rows)
        this.stmt.upsert.run(r.seriesId, r.dayMs, r.intervalMin, r.energyKwh, r.readings, builtAt, r.body, r.estimatedKwh ?? null);
      for (const c of done) this.stmt.clearMark.run(c.seriesId, c.dirtyMarkMs);
    });
  }

  rollupStates(filter?: { site?: string }): SeriesRollupState[] {
    return (this.stmt.states.all({ site: filter?.site ?? null }) as StateRow[]).map(stateFromRow);
  }

  claimRollups(claims: readonly { seriesId: number; toMs: number }[]): RollupClaim[] {
    return this.claimTx.immediate(claims);
  }

  powerStats(seriesIds: readonly number[], fromMs: number, toMs: number, anchorMs: number, intervalMs: number): PowerStat[] {
    if (seriesIds.length === 0) return [];
    const args = { ids: JSON.stringify(seriesIds), from: fromMs, to: toMs, anchor: anchorMs, interval: intervalMs };
    return this.stmt.power.all(args) as PowerStat[];
  }

  writeRollups(rows: readonly RollupRow[], done: readonly RollupClaim[]): void {
    this.writeTx.immediate(rows, done, this.deps.now());
  }

  rollupRows(seriesIds: readonly number[], fromDayMs: number, toDayMs: number): RollupRow[] {
    if (seriesIds.length === 0) return [];
    const rows = this.stmt.rows.all({ ids: JSON.stringify(seriesIds), from: fromDayMs, to: toDayMs }) as (StoredRow & {
      intervalMin: number;
      body: Buffer;
    })[];
    return rows.map((r) => ({ ...withEstimate(r), body: toBytes(r.body) }));
  }

  rollupTotals(seriesIds: readonly number[], fromDayMs: number, toDayMs: number): RollupDayTotal[] {
    if (seriesIds.length === 0) return [];
    return (this.stmt.totals.all({ ids: JSON.stringify(seriesIds), from: fromDayMs, to: toDayMs }) as StoredRow[]).map(withEstimate);
  }

  markDirty(marks: readonly { seriesId: number; fromMs: number }[]): void {
    this.deps.db.transaction(() => {
      for (const m of marks) this.stmt.markDirty.run({ id: m.seriesId, from: m.fromMs });
    })();
  }

  lifecycleValue(key: string): number | undefined {
    return (this.stmt.valueGet.get(key) as { value: number } | undefined)?.value;
  }

  setLifecycleValue(key: string, value: number): void {
    this.stmt.valueSet.run(key, value);
  }
}
