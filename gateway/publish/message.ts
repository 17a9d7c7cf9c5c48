// Outbox items to wire messages: consecutive items of one kind, up to the payload limit, checked against
// the wire schemas before anything is sent (a broker that refuses a message must never see it again). Pure.
import { MESSAGE_SCHEMAS, SCHEMA_VERSION, type TopicKind } from '../../protocol/wire.js';
import type { ItemKind, OutboxItem } from '../outbox/outbox.js';

export interface Envelope {
  gateway: string;
  boot: string;
  sentAt: number;
}

export interface BuiltMessage {
  kind: ItemKind;
  seq: number;
  seqEnd: number;
  entries: number;
  historical: boolean;
  payload: string;
}

const FIELD: Record<ItemKind, string> = { readings: 'readings', events: 'events', alerts: 'alerts' };

/** The items that fit one message: same kind, in sequence, under `maxBytes` of payload. */
export function batchItems(items: readonly OutboxItem[], maxBytes: number, historicalBefore: number): OutboxItem[] {
  const first = items[0];
  if (!first) return [];
  const historical = first.ts < historicalBefore;
  const out: OutboxItem[] = [];
  let bytes = 256;
  for (const it of items) {
    if (it.kind !== first.kind || it.ts < historicalBefore !== historical) break;
    const size = Buffer.byteLength(it.body);
    if (out.length > 0 && bytes + size > maxBytes) break;
    out.push(it);
    bytes += size;
  }
  return out;
}

/** The JSON payload of consecutive items, built from their stored JSON arrays without re-encoding them. */
export function buildMessage(items: readonly OutboxItem[], env: Envelope, historical: boolean): BuiltMessage {
  const kind = items[0]!.kind;
  const seq = items[0]!.seq;
  const seqEnd = items[items.length - 1]!.seq;
  const head = JSON.stringify({
    v: SCHEMA_VERSION,
    gateway: env.gateway,
    boot: env.boot,
    seq,
    seqEnd,
    sentAt: env.sentAt,
    historical: kind === 'readings' ? historical : undefined,
  });
  const body = items
    .map((i) => i.body.slice(1, -1))
    .filter((b) => b.length > 0)
    .join(',');
  return {
    kind,
    seq,
    seqEnd,
    historical,
    entries: items.reduce((n, i) => n + i.count, 0),
    payload: `${head.slice(0, -1)},"${FIELD[kind]}":[${body}]}`,
  };
}

/** Checks a payload against its wire schema; returns the problem, or undefined if it may be sent. */
export function checkPayload(kind: TopicKind, payload: string, maxBytes: number): string | undefined {
  if (Buffer.byteLength(payload) > maxBytes) return `payload of ${Buffer.byteLength(payload)} bytes exceeds ${maxBytes}`;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  const r = MESSAGE_SCHEMAS[kind].safeParse(value);
  return r.success
    ? undefined
    : r.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ');
}
