// Turns one store() call's batches into rows, the same way for every store: identities for events and
// alerts, the winning status and meta per gateway, device serials, and the sequence ranges received.
// Duplicates inside one call are counted here; the database counts the ones already stored. Pure.
import { createHash } from 'node:crypto';
import type { Alert, GatewayEvent, MetaMessage, StatusMessage } from '../../../protocol/wire.js';
import { mergeRanges } from './ranges.js';
import { readingColumns, type ReadingColumns, type ReadingsPart } from './columns.js';
import type { IngestBatch, SeqRange, StoreResult } from './types.js';

export interface GatewayKey {
  site: string;
  gateway: string;
}

export interface EventRow extends GatewayKey {
  batch: number;
  /** Content hash of the event (canonical JSON): a replay of the same event is a duplicate. */
  ident: string;
  type: string;
  ts: number;
  device: string | null;
  channel: string | null;
  body: string;
  receivedAt: number;
}

export interface AlertRow extends GatewayKey {
  batch: number;
  alert: Alert;
  receivedAt: number;
}

export interface StatusRow extends GatewayKey {
  message: StatusMessage;
  receivedAt: number;
}

export interface MetaRow extends GatewayKey {
  message: MetaMessage;
  receivedAt: number;
}

export interface SerialRow extends GatewayKey {
  device: string;
  serial: string;
  firstSeenTs: number;
  lastSeenTs: number;
}

export interface RangesRow extends GatewayKey {
  ranges: SeqRange[];
}

export interface WritePlan {
  /** One per batch, in batch order; in-call duplicates already counted. */
  results: StoreResult[];
  readings: ReadingColumns;
  events: EventRow[];
  alerts: AlertRow[];
  status: StatusRow[];
  meta: MetaRow[];
  serials: SerialRow[];
  ranges: RangesRow[];
  /** Every gateway written, sorted (PostgreSQL locks them in this order). */
  gateways: GatewayKey[];
}

/** JSON with object keys sorted, so equal content gives equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    );
  });
}

export function eventIdentity(event: GatewayEvent): { ident: string; body: string } {
  const body = canonicalJson(event);
  return { ident: createHash('sha256').update(body).digest('hex').slice(0, 32), body };
}

const SEP = '\u0000';
const gwKey = (b: GatewayKey) => `${b.site}${SEP}${b.gateway}`;

export function planWrite(batches: readonly IngestBatch[]): WritePlan {
  const plan: WritePlan = {
    results: [],
    readings: readingColumns([]),
    events: [],
    alerts: [],
    status: [],
    meta: [],
    serials: [],
    ranges: [],
    gateways: [],
  };
  const readings: ReadingsPart[] = [];
  const gateways = new Map<string, GatewayKey>();
  const ranges = new Map<string, SeqRange[]>();
  const eventSeen = new Set<string>();
  const alertSeen = new Set<string>();
  const status = new Map<string, StatusRow>();
  const meta = new Map<string, MetaRow>();
  const serials = new Map<string, SerialRow>();
  batches.forEach((b, batch) => {
    const result = { inserted: 0, duplicates: 0 };
    plan.results.push(result);
    const g = gwKey(b);
    gateways.set(g, { site: b.site, gateway: b.gateway });
    const where = { site: b.site, gateway: b.gateway };
    switch (b.kind) {
      case 'readings':
        readings.push({ ...where, batch, readings: b.message.readings });
        break;
      case 'events':
        for (const e of b.message.events) {
          const { ident, body } = eventIdentity(e);
          if (!firstTime(eventSeen, `${g}${SEP}${ident}`)) {
            result.duplicates++;
            continue;
          }
          const onChannel = e.type === 'counter_epoch';
          plan.events.push({
            ...where,
            batch,
            ident,
            type: e.type,
            ts: e.ts,
            body,
            receivedAt: b.receivedAt,
            device: onChannel ? e.device : null,
            channel: onChannel ? e.channel : null,
          });
        }
        break;
      case 'alerts':
        for (const a of b.message.alerts) {
          if (!firstTime(alertSeen, [g, a.id, a.ts, a.state].join(SEP))) {
            result.duplicates++;
            continue;
          }
          plan.alerts.push({ ...where, batch, alert: a, receivedAt: b.receivedAt });
        }
        break;
      case 'status': {
        const prev = status.get(g);
        // Arrival order: the Last Will carries the ts of the connect, older than the last online status.
        if (!prev || b.receivedAt > prev.receivedAt || (b.receivedAt === prev.receivedAt && b.message.ts >= prev.message.ts)) {
          status.set(g, { ...where, message: b.message, receivedAt: b.receivedAt });
        }
        break;
      }
      case 'meta': {
        const prev = meta.get(g);
        if (!prev || b.message.ts > prev.message.ts || (b.message.ts === prev.message.ts && b.receivedAt >= prev.receivedAt)) {
          meta.set(g, { ...where, message: b.message, receivedAt: b.receivedAt });
        }
        for (const d of b.message.devices) {
          if (d.serial === undefined) continue;
          const k = [g, d.id, d.serial].join(SEP);
          const s = serials.get(k);
          if (s) {
            s.firstSeenTs = Math.min(s.firstSeenTs, b.message.ts);
            s.lastSeenTs = Math.max(s.lastSeenTs, b.message.ts);
          } else serials.set(k, { ...where, device: d.id, serial: d.serial, firstSeenTs: b.message.ts, lastSeenTs: b.message.ts });
        }
        break;
      }
    }
    if (b.kind === 'readings' || b.kind === 'events' || b.kind === 'alerts') {
      const list = ranges.get(g) ?? [];
      list.push({ fromSeq: b.message.seq, toSeq: Math.max(b.message.seq, b.message.seqEnd) });
      ranges.set(g, list);
    }
  });
  plan.readings = readingColumns(readings);
  for (const [g, list] of ranges) plan.ranges.push({ ...gateways.get(g)!, ranges: mergeRanges(list) });
  plan.status = [...status.values()];
  plan.meta = [...meta.values()];
  plan.serials = [...serials.values()];
  plan.gateways = [...gateways.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return plan;
}

function firstTime(seen: Set<string>, key: string): boolean {
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}
