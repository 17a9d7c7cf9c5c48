// Counter epoch events by arrival (received_at), for the rollup builder's late-epoch step
// (central/lifecycle/late-epochs.ts, EpochArrivals): the events that arrived in (afterMs, upToMs], oldest
// arrival first; the store answers it as `epochEventsReceived`. Migration 9's index events (type,
// received_at) makes it a range scan instead of a scan of every event.
import type Database from 'better-sqlite3';
import type { GatewayEvent } from '../../../../protocol/wire.js';
import type { StoredEvent } from '../types.js';

const SQL = `SELECT site, gateway, received_at, body FROM events
  WHERE type = 'counter_epoch' AND received_at > ? AND received_at <= ? ORDER BY received_at, site, gateway, ident LIMIT ?`;

export function epochEventsReceived(db: Database.Database, afterMs: number, upToMs: number, limit: number): StoredEvent[] {
  const after = Number.isFinite(afterMs) ? afterMs : Number.MIN_SAFE_INTEGER;
  const rows = db.prepare(SQL).all(after, upToMs, limit) as { site: string; gateway: string; received_at: number; body: string }[];
  return rows.map((r) => ({ site: r.site, gateway: r.gateway, receivedAt: r.received_at, event: JSON.parse(r.body) as GatewayEvent }));
}
