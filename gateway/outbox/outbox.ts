// The gateway's store-and-forward outbox: every reading, event and alert is committed here before it is
// published, and deleted only after the broker acknowledged it. SQLite in WAL mode; appends and deletions
// are committed together at most once per interval, so an SD card sees about one fsync a second.
import { existsSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { GatewayEvent } from '../../protocol/wire.js';
import type { Clock } from '../../common/clock.js';

export type ItemKind = 'readings' | 'events' | 'alerts';

export interface OutboxItem {
  seq: number;
  kind: ItemKind;
  /** Oldest timestamp in the item. */
  ts: number;
  count: number;
  body: string;
}

export interface OutboxOptions {
  file: string;
  maxBytes: number;
  maxAgeMs: number;
  /** When a fresh outbox replaces a lost one, sequences continue above this. */
  seqFloor?: number;
  /** Items kept in memory while commits fail (a full disk); beyond it the oldest go, with a gap event. */
  maxPendingItems?: number;
}

export interface OutboxStats {
  items: number;
  entries: number;
  bytes: number;
  oldestTs?: number;
  lastSeq: number;
}

interface Pending {
  kind: ItemKind;
  ts: number;
  count: number;
  body: string;
  keys: readonly string[];
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS items (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, ts INTEGER NOT NULL, count INTEGER NOT NULL, body TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS latest (key TEXT PRIMARY KEY, seq INTEGER NOT NULL);
`;

export class OutboxCorruptError extends Error {}

export class Outbox {
  private readonly db: Database.Database;
  private pending: Pending[] = [];
  private acks: [number, number][] = [];
  private stats: OutboxStats;
  private readonly stmt: {
    insert: Database.Statement;
    latest: Database.Statement;
    take: Database.Statement;
    del: Database.Statement;
    oldest: Database.Statement;
    trim: Database.Statement;
    rangeSize: Database.Statement;
    first: Database.Statement;
  };
  /** Gap events (what bounds, a full disk or a lost file cost) not yet taken for publishing. */
  private readonly gaps: GatewayEvent[] = [];
  commits = 0;

  private constructor(
    db: Database.Database,
    private readonly opt: OutboxOptions,
    private readonly clock: Clock,
  ) {
    this.db = db;
    this.stmt = {
      insert: db.prepare('INSERT INTO items (kind, ts, count, body) VALUES (?, ?, ?, ?)'),
      latest: db.prepare('INSERT INTO latest (key, seq) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET seq = excluded.seq'),
      take: db.prepare('SELECT seq, kind, ts, count, body FROM items WHERE seq > ? ORDER BY seq LIMIT ?'),
      del: db.prepare('DELETE FROM items WHERE seq BETWEEN ? AND ?'),
      oldest: db.prepare(
        'SELECT seq, ts, count, length(CAST(body AS BLOB)) AS bytes FROM items WHERE seq NOT IN (SELECT seq FROM latest) ORDER BY seq LIMIT ?',
      ),
      trim: db.prepare('DELETE FROM items WHERE seq = ?'),
      rangeSize: db.prepare(
        'SELECT count(*) AS items, coalesce(sum(count), 0) AS entries, coalesce(sum(length(CAST(body AS BLOB))), 0) AS bytes FROM items WHERE seq BETWEEN ? AND ?',
      ),
      first: db.prepare('SELECT ts FROM items ORDER BY seq LIMIT 1'),
    };
    // One scan at open; afterwards the totals are kept as items come and go.
    const s = db
      .prepare(
        'SELECT count(*) AS items, coalesce(sum(count), 0) AS entries, coalesce(sum(length(CAST(body AS BLOB))), 0) AS bytes FROM items',
      )
      .get() as Omit<OutboxStats, 'lastSeq'>;
    const last = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'items'").get() as { seq: number } | undefined;
    this.stats = { ...s, lastSeq: last?.seq ?? 0 };
  }

  /**
   * Opens the outbox, or, if the file is damaged, moves it aside (`<file>.corrupt-<time>`) and starts a
   * fresh one; `onReset` hears why. Never throws for a damaged file.
   */
  static open(opt: OutboxOptions, clock: Clock, log: Logger, onReset: (reason: string, movedTo: string) => void = () => {}): Outbox {
    try {
      return new Outbox(openDb(opt), opt, clock);
    } catch (err) {
      const movedTo = `${opt.file}.corrupt-${clock.now()}`;
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(opt.file + suffix)) renameSync(opt.file + suffix, movedTo + suffix);
      log.error({ err, file: opt.file, movedTo }, 'outbox unreadable; moved aside, starting a fresh one');
      onReset(String(err), movedTo);
      const fresh = new Outbox(openDb(opt), opt, clock);
      // What the lost file held is unknown beyond its sequence range: the whole range is announced as a gap.
      fresh.gaps.push({
        type: 'gap',
        ts: clock.now(),
        reason: 'outbox_reset',
        fromSeq: 0,
        toSeq: opt.seqFloor ?? 0,
        fromTs: 0,
        toTs: clock.now(),
        readings: 0,
      });
      return fresh;
    }
  }

  /** The gap events since the last call, oldest first; the caller publishes them. */
  takeGaps(): GatewayEvent[] {
    return this.gaps.splice(0);
  }

  /** Queues an item; it is durable (and publishable) after the next commit. `keys` name the counters it holds. */
  append(kind: ItemKind, entries: readonly unknown[], ts: number, keys: readonly string[] = []): void {
    if (entries.length === 0) return;
    this.pending.push({ kind, ts, count: entries.length, body: JSON.stringify(entries), keys });
    const max = this.opt.maxPendingItems ?? 10_000;
    if (this.pending.length > max) {
      const lost = this.pending.splice(0, this.pending.length - max).filter((p) => p.kind !== 'events');
      if (lost.length === 0) return;
      const seq = this.stats.lastSeq;
      this.gaps.push({
        type: 'gap',
        ts: this.clock.now(),
        reason: 'disk_full',
        fromSeq: seq,
        toSeq: seq,
        fromTs: Math.min(...lost.map((p) => p.ts)),
        toTs: Math.max(...lost.map((p) => p.ts)),
        readings: lost.reduce((n, p) => n + p.count, 0),
      });
    }
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** The broker has these; they go at the next commit. */
  acked(fromSeq: number, toSeq: number): void {
    this.acks.push([fromSeq, toSeq]);
  }

  /** One transaction: pending appends in, acknowledged items out, then the bounds. Returns items written. */
  commit(): number {
    if (this.pending.length === 0 && this.acks.length === 0) return 0;
    const pending = this.pending;
    const acks = this.acks;
    const before = { ...this.stats };
    this.pending = [];
    this.acks = [];
    try {
      this.db.transaction(() => {
        for (const [a, b] of acks) {
          const gone = this.stmt.rangeSize.get(a, b) as Omit<OutboxStats, 'lastSeq'>;
          this.stmt.del.run(a, b);
          this.adjust(-gone.items, -gone.entries, -gone.bytes);
        }
        for (const p of pending) {
          const seq = Number(this.stmt.insert.run(p.kind, p.ts, p.count, p.body).lastInsertRowid);
          this.adjust(1, p.count, Buffer.byteLength(p.body));
          for (const k of p.keys) this.stmt.latest.run(k, seq);
          this.stats.lastSeq = seq;
        }
        this.enforceBounds();
      })();
    } catch (err) {
      // Disk full or I/O error: nothing of this transaction is in; keep it for the next attempt.
      this.stats = before;
      this.pending = [...pending, ...this.pending];
      this.acks = [...acks, ...this.acks];
      throw err;
    }
    this.commits++;
    return pending.length;
  }

  /** Committed items after `afterSeq`, oldest first. */
  take(afterSeq: number, limit: number): OutboxItem[] {
    return this.stmt.take.all(afterSeq, limit) as OutboxItem[];
  }

  get size(): OutboxStats {
    const first = this.stmt.first.get() as { ts: number } | undefined;
    return { ...this.stats, oldestTs: first?.ts };
  }

  private adjust(items: number, entries: number, bytes: number): void {
    this.stats.items += items;
    this.stats.entries += entries;
    this.stats.bytes += bytes;
  }

  /** False once closed. */
  get isOpen(): boolean {
    return this.db.open;
  }

  /** Commits what it can and closes; returns the items that could not be written (a full disk). */
  close(): number {
    let lost = 0;
    try {
      this.commit();
    } catch {
      lost = this.pending.length;
    } finally {
      this.db.close();
    }
    return lost;
  }

  /** Drops the oldest items beyond the bounds, except those holding a channel's newest counter. */
  private enforceBounds(): void {
    const horizon = this.clock.now() - this.opt.maxAgeMs;
    const dropped: { reason: 'outbox_full' | 'outbox_expired'; rows: { seq: number; ts: number; count: number }[] }[] = [];
    if (this.stats.bytes <= this.opt.maxBytes && (this.size.oldestTs ?? Infinity) >= horizon) return;
    for (;;) {
      const batch = this.stmt.oldest.all(256) as { seq: number; ts: number; count: number; bytes: number }[];
      let done = batch.length === 0;
      for (const r of batch) {
        const reason = this.stats.bytes > this.opt.maxBytes ? 'outbox_full' : r.ts < horizon ? 'outbox_expired' : undefined;
        if (!reason) {
          done = true;
          break;
        }
        this.stmt.trim.run(r.seq);
        this.adjust(-1, -r.count, -r.bytes);
        const last = dropped[dropped.length - 1];
        if (last?.reason === reason) last.rows.push(r);
        else dropped.push({ reason, rows: [r] });
      }
      if (done) break;
    }
    for (const d of dropped) {
      const rows = d.rows;
      this.gaps.push({
        type: 'gap',
        ts: this.clock.now(),
        reason: d.reason,
        fromSeq: rows[0]!.seq,
        toSeq: rows[rows.length - 1]!.seq,
        fromTs: Math.min(...rows.map((r) => r.ts)),
        toTs: Math.max(...rows.map((r) => r.ts)),
        readings: rows.reduce((n, r) => n + r.count, 0),
      });
    }
  }
}

function openDb(opt: OutboxOptions): Database.Database {
  const db = new Database(opt.file);
  try {
    db.pragma('journal_mode = WAL');
    // FULL: every commit is on the card before it returns; with one commit a second that is one fsync a second.
    db.pragma('synchronous = FULL');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new OutboxCorruptError(`quick_check: ${String(check)}`);
    db.exec(SCHEMA);
    if (opt.seqFloor)
      db.prepare(
        "INSERT INTO sqlite_sequence (name, seq) SELECT 'items', ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'items')",
      ).run(opt.seqFloor);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
