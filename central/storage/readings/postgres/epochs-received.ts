// Counter epoch events by arrival (received_at), for the rollup builder's late-epoch step
// (central/lifecycle/late-epochs.ts, EpochArrivals): the events that arrived in (afterMs, upToMs], oldest
// arrival first; the store answers it as `epochEventsReceived`. Migration 9's index events (type,
// received_at) makes it a range scan instead of a scan of every event.
import type pg from 'pg';
import type { GatewayEvent } from '../../../../protocol/wire.js';
import { schemaIdent } from '../../postgres/sql.js';
import type { StoredEvent } from '../types.js';

export async function epochEventsReceived(
  deps: { pool: pg.Pool; schema: string },
  afterMs: number,
  upToMs: number,
  limit: number,
): Promise<StoredEvent[]> {
  const s = schemaIdent(deps.schema);
  const after = Number.isFinite(afterMs) ? afterMs : Number.MIN_SAFE_INTEGER;
  const { rows } = await deps.pool.query<{ site: string; gateway: string; received_at: string; body: string }>(
    `SELECT site, gateway, received_at, body FROM ${s}.events
      WHERE type = 'counter_epoch' AND received_at > $1 AND received_at <= $2 ORDER BY received_at, site, gateway, ident LIMIT $3`,
    [after, upToMs, limit],
  );
  return rows.map((r) => ({
    site: r.site,
    gateway: r.gateway,
    receivedAt: Number(r.received_at),
    event: JSON.parse(r.body) as GatewayEvent,
  }));
}
