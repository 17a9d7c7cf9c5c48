// Retention on the embedded store (issue 21): raw readings leave in bounded batches, each in a short
// IMMEDIATE transaction so ingest interleaves (the lifecycle pass loops the batches with a yield between),
// then a bounded PRAGMA incremental_vacuum gives the freed pages back (migration 8 made the file
// auto_vacuum INCREMENTAL). Deleting goes series by series through the (series_id, ts) key: the series
// table says which ones hold readings before the cutoff, so no batch scans the table, and the last batch
// knows it is the last without a full scan to find nothing.
import type Database from 'better-sqlite3';
import { RAW_FROM_KEY as RAW_FROM } from './rows.js';
import type { RawRemoval, StorageFigures } from './types.js';

/** Readings one removeRawBefore call deletes at most (the design's batch). */
export const DEFAULT_RAW_BATCH_ROWS = 20_000;
/** Free pages one call gives back at most (16 MB of 4 KB pages): a batch of 20,000 readings frees ~400. */
export const VACUUM_PAGES_PER_CALL = 4096;

const SQL = {
  oldSeries: 'SELECT id FROM series WHERE first_ts < ? ORDER BY first_ts',
  deleteOld: 'DELETE FROM readings WHERE rowid IN (SELECT rowid FROM readings WHERE series_id = ? AND ts < ? ORDER BY ts LIMIT ?)',
  // A series' counts stay true in the deleting transaction: its first reading is the oldest left (none: empty).
  seriesAfter: `UPDATE series SET reading_count = reading_count - @n,
      first_ts = (SELECT min(ts) FROM readings WHERE series_id = @id),
      last_ts = CASE WHEN reading_count - @n > 0 THEN last_ts END
    WHERE id = @id`,
  anyOld: 'SELECT 1 FROM series WHERE first_ts < ? LIMIT 1',
  removable: 'SELECT count(*) FROM series s JOIN readings r ON r.series_id = s.id AND r.ts < @cut WHERE s.first_ts < @cut',
  valueGet: 'SELECT value FROM lifecycle_state WHERE key = ?',
  rawFromSet: `INSERT INTO lifecycle_state (key, value) VALUES ('${RAW_FROM}', @v)
    ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)`,
  // Through the key: an IN over the series ids, then the day range inside each.
  rollupsOld: 'DELETE FROM rollups WHERE series_id IN (SELECT id FROM series) AND day_ms < ?',
  eventsOld: 'DELETE FROM events WHERE ts < ?',
  // An alert still raised keeps its current row and the history row of that raise.
  alertsOld: `DELETE FROM alerts WHERE ts < @cut AND NOT EXISTS (SELECT 1 FROM alerts_current c WHERE c.state = 'raised'
    AND c.site = alerts.site AND c.gateway = alerts.gateway AND c.alert_id = alerts.alert_id AND c.ts = alerts.ts AND alerts.state = 'raised')`,
  alertsCurrentOld: "DELETE FROM alerts_current WHERE ts < ? AND state <> 'raised'",
  oldestRaw: 'SELECT min(first_ts) AS v, sum(reading_count) AS n FROM series',
  oldestRollup: 'SELECT min((SELECT day_ms FROM rollups WHERE series_id = s.id ORDER BY day_ms LIMIT 1)) FROM series s',
  rollupCount: 'SELECT count(*) FROM rollups',
} as const;

type Stmts = { [K in keyof typeof SQL]: Database.Statement };

export class SqliteRetention {
  private readonly stmt: Stmts;

  constructor(private readonly deps: { db: Database.Database }) {
    this.stmt = Object.fromEntries(Object.entries(SQL).map(([k, sql]) => [k, deps.db.prepare(sql)])) as Stmts;
  }

  removeRawBefore(cutoffMs: number, opts?: { batchRows?: number }): RawRemoval {
    const budget = Math.max(1, opts?.batchRows ?? DEFAULT_RAW_BATCH_ROWS);
    const db = this.deps.db;
    const batch = db.transaction((): { removed: number; done: boolean } => {
      let removed = 0;
      const old = this.stmt.oldSeries.pluck().all(cutoffMs) as number[];
      // Raw before the cutoff stops being whole with the first batch, not the last: a builder must not
      // rebuild a day from readings a removal has half deleted (it keeps the rollup made when raw was whole).
      if (old.length > 0) this.stmt.rawFromSet.run({ v: cutoffMs });
      for (const id of old) {
        if (removed >= budget) break;
        const n = this.stmt.deleteOld.run(id, cutoffMs, budget - removed).changes;
        if (n > 0) this.stmt.seriesAfter.run({ id, n });
        removed += n;
      }
      const done = this.stmt.anyOld.get(cutoffMs) === undefined;
      if (done) this.stmt.rawFromSet.run({ v: cutoffMs });
      return { removed, done };
    });
    const r = batch.immediate();
    if (r.removed > 0) this.vacuum();
    const rawFromMs = this.stmt.valueGet.pluck().get(RAW_FROM) as number | undefined;
    return { ...r, rawFromMs };
  }

  rawRemovable(cutoffMs: number): number {
    return this.stmt.removable.pluck().get({ cut: cutoffMs }) as number;
  }

  removeRollupsBefore(cutoffMs: number): number {
    const n = this.stmt.rollupsOld.run(cutoffMs).changes;
    if (n > 0) this.vacuum();
    return n;
  }

  removeHistoryBefore(cutoffMs: number): number {
    const tx = this.deps.db.transaction(
      () =>
        this.stmt.eventsOld.run(cutoffMs).changes +
        this.stmt.alertsOld.run({ cut: cutoffMs }).changes +
        this.stmt.alertsCurrentOld.run(cutoffMs).changes,
    );
    const n = tx.immediate();
    if (n > 0) this.vacuum();
    return n;
  }

  /**
   * Sizes from the dbstat table (compiled into better-sqlite3's SQLite): the pages of every table and index.
   * A SQLite built without it gives the file's used pages only, all counted as other bytes.
   */
  storageFigures(): StorageFigures {
    const bytes = this.pageBytes();
    const sum = (names: string[]) => names.reduce((a, n) => a + (bytes.get(n) ?? 0), 0);
    const rawBytes = sum(['readings', 'readings_key']);
    const rollupBytes = sum(['rollups', 'rollups_key']);
    const all = [...bytes.values()].reduce((a, b) => a + b, 0);
    const raw = this.stmt.oldestRaw.get() as { v: number | null; n: number | null };
    return {
      rawBytes,
      rawRows: raw.n ?? 0,
      rollupBytes,
      rollupRows: this.stmt.rollupCount.pluck().get() as number,
      otherBytes: all - rawBytes - rollupBytes,
      oldestRawMs: raw.v ?? undefined,
      oldestRollupDayMs: (this.stmt.oldestRollup.pluck().get() as number | null) ?? undefined,
      rawFromMs: (this.stmt.valueGet.pluck().get(RAW_FROM) as number | undefined) ?? undefined,
    };
  }

  private pageBytes(): Map<string, number> {
    const db = this.deps.db;
    const bytes = new Map<string, number>();
    let stat: Database.Statement;
    try {
      stat = db.prepare('SELECT name, sum(pgsize) AS b FROM dbstat GROUP BY name');
    } catch {
      const pages = (db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number);
      return bytes.set('', pages * (db.pragma('page_size', { simple: true }) as number));
    }
    for (const r of stat.all() as { name: string; b: number }[]) bytes.set(r.name, r.b);
    return bytes;
  }

  /** Gives back at most VACUUM_PAGES_PER_CALL free pages (a no-op on a file that is not auto_vacuum INCREMENTAL). */
  private vacuum(): void {
    const free = this.deps.db.pragma('freelist_count', { simple: true }) as number;
    if (free > 0) this.deps.db.exec(`PRAGMA incremental_vacuum(${Math.min(free, VACUUM_PAGES_PER_CALL)})`);
  }
}
