// The SQLite write path: one transaction per store() call, prepared statements, series ids cached.
// Synchronous: better-sqlite3 does the work on the calling thread, the store's own or its writer thread
// (writer-thread.ts).
import type Database from 'better-sqlite3';
import type { AlertRow, EventRow, MetaRow, RangesRow, SerialRow, StatusRow, WritePlan } from '../plan.js';
import { mergeInto } from '../ranges.js';
import { orNull, splitSeriesKey } from '../columns.js';
import type { SeqRange, StoreResult } from '../types.js';

const SQL = {
  seriesGet: 'SELECT id FROM series WHERE site = ? AND gateway = ? AND device = ? AND channel = ?',
  seriesAdd: 'INSERT INTO series (site, gateway, device, channel) VALUES (?, ?, ?, ?) RETURNING id',
  reading: `INSERT INTO readings (series_id, ts, energy_import_kwh, power_w, vals, flags, quality) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO NOTHING`,
  // Readings older than the series' rollup watermark mark it dirty from the oldest (issue 21). A mark already
  // at or before them moves back 1 ms instead of staying: a rollup claim in progress clears only the mark
  // it left (../../rollups/types.ts), so a reading it may have missed must change the mark.
  seriesStats: `UPDATE series SET first_ts = min(coalesce(first_ts, @lo), @lo), last_ts = max(coalesce(last_ts, @hi), @hi),
    reading_count = reading_count + @n,
    dirty_from_ms = CASE WHEN rolled_to_ms IS NULL OR @lo >= rolled_to_ms THEN dirty_from_ms
      WHEN dirty_from_ms IS NULL OR @lo < dirty_from_ms THEN @lo ELSE dirty_from_ms - 1 END
    WHERE id = @id`,
  event: `INSERT INTO events (site, gateway, ident, type, ts, device, channel, body, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO NOTHING`,
  alert: `INSERT INTO alerts (site, gateway, alert_id, ts, state, type, severity, device, channel, message, received_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  alertCurrent: `INSERT INTO alerts_current (site, gateway, alert_id, ts, state, type, severity, device, channel, message, received_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, gateway, alert_id) DO UPDATE SET
      ts = excluded.ts, state = excluded.state, type = excluded.type, severity = excluded.severity, device = excluded.device,
      channel = excluded.channel, message = excluded.message, received_at = excluded.received_at
    WHERE excluded.ts > alerts_current.ts OR (excluded.ts = alerts_current.ts AND excluded.state = 'cleared')`,
  status: `INSERT INTO gateway_status (site, gateway, ts, received_at, body) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (site, gateway) DO UPDATE SET ts = excluded.ts, received_at = excluded.received_at, body = excluded.body
    WHERE excluded.received_at > gateway_status.received_at
      OR (excluded.received_at = gateway_status.received_at AND excluded.ts >= gateway_status.ts)`,
  meta: `INSERT INTO gateway_meta (site, gateway, ts, received_at, body) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (site, gateway) DO UPDATE SET ts = excluded.ts, received_at = excluded.received_at, body = excluded.body
    WHERE excluded.ts > gateway_meta.ts OR (excluded.ts = gateway_meta.ts AND excluded.received_at >= gateway_meta.received_at)`,
  serial: `INSERT INTO device_serials (site, gateway, device, serial, first_seen_ts, last_seen_ts) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET first_seen_ts = min(first_seen_ts, excluded.first_seen_ts), last_seen_ts = max(last_seen_ts, excluded.last_seen_ts)`,
  // Stored ranges never touch each other, so only those starting inside [from, to + 1] and the last one
  // starting before `from` can touch an incoming range.
  rangesNear: `SELECT from_seq AS fromSeq, to_seq AS toSeq FROM seq_ranges
    WHERE site = @site AND gateway = @gateway AND from_seq BETWEEN @from AND @to
    UNION SELECT * FROM (SELECT from_seq, to_seq FROM seq_ranges WHERE site = @site AND gateway = @gateway AND from_seq < @from ORDER BY from_seq DESC LIMIT 1)`,
  rangeDel: 'DELETE FROM seq_ranges WHERE site = ? AND gateway = ? AND from_seq = ?',
  rangeUp: `INSERT INTO seq_ranges (site, gateway, from_seq, to_seq) VALUES (?, ?, ?, ?)
    ON CONFLICT (site, gateway, from_seq) DO UPDATE SET to_seq = excluded.to_seq`,
} as const;

type Stmts = { [K in keyof typeof SQL]: Database.Statement };

interface SeriesStats {
  lo: number;
  hi: number;
  n: number;
}

export class SqliteWriter {
  private readonly stmt: Stmts;
  private readonly tx: (plan: WritePlan) => StoreResult[];
  /** Committed series ids; ids created by the open transaction join only after its commit. */
  private readonly seriesIds = new Map<string, number>();
  private pendingIds = new Map<string, number>();

  constructor(deps: { db: Database.Database }) {
    const db = deps.db;
    this.stmt = Object.fromEntries(Object.entries(SQL).map(([k, sql]) => [k, db.prepare(sql)])) as Stmts;
    this.tx = db.transaction((plan: WritePlan) => this.apply(plan));
  }

  /** Writes the plan in one transaction; all or nothing. */
  write(plan: WritePlan): StoreResult[] {
    this.pendingIds = new Map();
    try {
      const results = this.tx(plan);
      for (const [k, id] of this.pendingIds) this.seriesIds.set(k, id);
      return results;
    } finally {
      this.pendingIds = new Map();
    }
  }

  private apply(plan: WritePlan): StoreResult[] {
    this.readings(plan);
    for (const e of plan.events) this.event(plan.results, e);
    for (const a of plan.alerts) this.alert(plan.results, a);
    for (const r of plan.ranges) this.ranges(r);
    for (const s of plan.status) this.status(s);
    for (const m of plan.meta) this.meta(m);
    for (const s of plan.serials) this.serial(s);
    return plan.results;
  }

  private readings(plan: WritePlan): void {
    const ins = this.stmt.reading;
    const c = plan.readings;
    const stats = new Map<number, SeriesStats>();
    for (let i = 0; i < c.length; i++) {
      const id = this.seriesId(c.series[i]!);
      const ts = c.ts[i]!;
      const result = plan.results[c.batch[i]!]!;
      if (ins.run(id, ts, orNull(c.energyImportKwh[i]!), orNull(c.powerW[i]!), c.vals[i], c.flags[i], c.quality[i]).changes === 0) {
        result.duplicates++;
        continue;
      }
      result.inserted++;
      const s = stats.get(id);
      if (!s) stats.set(id, { lo: ts, hi: ts, n: 1 });
      else {
        if (ts < s.lo) s.lo = ts;
        if (ts > s.hi) s.hi = ts;
        s.n++;
      }
    }
    for (const [id, s] of stats) this.stmt.seriesStats.run({ ...s, id });
  }

  private seriesId(key: string): number {
    let id = this.seriesIds.get(key) ?? this.pendingIds.get(key);
    if (id !== undefined) return id;
    const k = splitSeriesKey(key);
    const row = (this.stmt.seriesGet.get(k.site, k.gateway, k.device, k.channel) ??
      this.stmt.seriesAdd.get(k.site, k.gateway, k.device, k.channel)) as { id: number };
    id = row.id;
    this.pendingIds.set(key, id);
    return id;
  }

  private event(results: StoreResult[], e: EventRow): void {
    const changed = this.stmt.event.run(e.site, e.gateway, e.ident, e.type, e.ts, e.device, e.channel, e.body, e.receivedAt).changes;
    count(results[e.batch]!, changed);
  }

  private alert(results: StoreResult[], row: AlertRow): void {
    const a = row.alert;
    const args = [
      row.site,
      row.gateway,
      a.id,
      a.ts,
      a.state,
      a.type,
      a.severity,
      a.device ?? null,
      a.channel ?? null,
      a.message,
      row.receivedAt,
    ];
    const changed = this.stmt.alert.run(...args).changes;
    count(results[row.batch]!, changed);
    if (changed) this.stmt.alertCurrent.run(...args);
  }

  private ranges(row: RangesRow): void {
    const near = new Map<number, SeqRange>();
    for (const r of row.ranges) {
      for (const s of this.stmt.rangesNear.all({ site: row.site, gateway: row.gateway, from: r.fromSeq, to: r.toSeq + 1 }) as SeqRange[])
        near.set(s.fromSeq, s);
    }
    const change = mergeInto([...near.values()], row.ranges);
    for (const r of change.remove) this.stmt.rangeDel.run(row.site, row.gateway, r.fromSeq);
    for (const r of change.upsert) this.stmt.rangeUp.run(row.site, row.gateway, r.fromSeq, r.toSeq);
  }

  private status(s: StatusRow): void {
    this.stmt.status.run(s.site, s.gateway, s.message.ts, s.receivedAt, JSON.stringify(s.message));
  }

  private meta(m: MetaRow): void {
    this.stmt.meta.run(m.site, m.gateway, m.message.ts, m.receivedAt, JSON.stringify(m.message));
  }

  private serial(s: SerialRow): void {
    this.stmt.serial.run(s.site, s.gateway, s.device, s.serial, s.firstSeenTs, s.lastSeenTs);
  }
}

function count(result: StoreResult, changed: number): void {
  if (changed) result.inserted++;
  else result.duplicates++;
}
