// Rows as both databases return them, turned back into the shapes of types.ts. Pure.
import type { Alert, MetaMessage, StatusMessage } from '../../../protocol/wire.js';
import { decodeReading, type ReadingRowOut } from './encode.js';
import type { GatewayInfo, LatestReading, SeriesInfo, StoredAlert } from './types.js';

export interface SeriesRowOut {
  id: number;
  site: string;
  gateway: string;
  device: string;
  channel: string;
  first_ts: number | null;
  last_ts: number | null;
  reading_count: number;
}

export function seriesFromRow(r: SeriesRowOut): SeriesInfo {
  return {
    id: r.id,
    site: r.site,
    gateway: r.gateway,
    device: r.device,
    channel: r.channel,
    firstTs: r.first_ts ?? undefined,
    lastTs: r.last_ts ?? undefined,
    readingCount: r.reading_count,
  };
}

export interface AlertRowOut {
  site: string;
  gateway: string;
  alert_id: string;
  ts: number;
  state: string;
  type: string;
  severity: string;
  device: string | null;
  channel: string | null;
  message: string;
  received_at: number;
}

/** Optional fields come back only when they were sent, so a stored alert equals the one on the wire. */
export function alertFromRow(r: AlertRowOut): StoredAlert {
  const a: StoredAlert = {
    site: r.site,
    gateway: r.gateway,
    receivedAt: r.received_at,
    id: r.alert_id,
    type: r.type,
    severity: r.severity as Alert['severity'],
    state: r.state as Alert['state'],
    ts: r.ts,
    message: r.message,
  };
  if (r.device !== null) a.device = r.device;
  if (r.channel !== null) a.channel = r.channel;
  return a;
}

export interface GatewayRowOut {
  site: string;
  gateway: string;
  status: string | null;
  status_at: number | null;
  meta: string | null;
  meta_at: number | null;
}

export function gatewayFromRow(r: GatewayRowOut): GatewayInfo {
  return {
    site: r.site,
    gateway: r.gateway,
    status: r.status === null ? undefined : { message: JSON.parse(r.status) as StatusMessage, receivedAt: r.status_at! },
    meta: r.meta === null ? undefined : { message: JSON.parse(r.meta) as MetaMessage, receivedAt: r.meta_at! },
  };
}

export interface LatestRowOut extends ReadingRowOut {
  series_id: number;
  site: string;
  gateway: string;
  device: string;
  channel: string;
}

export function latestFromRow(r: LatestRowOut): LatestReading {
  return { seriesId: r.series_id, site: r.site, gateway: r.gateway, device: r.device, channel: r.channel, ...decodeReading(r) };
}
