// The wire contract between gateways, the central node and any other MQTT subscriber (docs/protocol.md).
// Topics: joulebook/v1/{site}/{gateway}/{readings|events|alerts|status|meta}. Payloads: JSON, validated
// by these schemas on both sides. Version 1.
import { z } from 'zod';
import { Reading } from './reading.js';

export const SCHEMA_VERSION = 1;
export const TOPIC_ROOT = 'joulebook/v1';
export const TOPIC_KINDS = ['readings', 'events', 'alerts', 'active', 'status', 'meta'] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

/** A topic level: no MQTT wildcards or separators, so one gateway's prefix can be confined by an ACL. */
export const TopicLevel = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "-", "." (up to 64), no "/", "+", "#"');

export function topicFor(site: string, gateway: string, kind: TopicKind): string {
  return `${TOPIC_ROOT}/${TopicLevel.parse(site)}/${TopicLevel.parse(gateway)}/${kind}`;
}

export function parseTopic(topic: string): { site: string; gateway: string; kind: TopicKind } | undefined {
  const m = /^joulebook\/v1\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(topic);
  if (!m || !TopicLevel.safeParse(m[1]).success || !TopicLevel.safeParse(m[2]).success) return undefined;
  const kind = m[3] as TopicKind;
  return (TOPIC_KINDS as readonly string[]).includes(kind) ? { site: m[1]!, gateway: m[2]!, kind } : undefined;
}

/** Largest payload a gateway sends; brokers commonly allow far more (Mosquitto: 256 MB), proxies less. */
export const MAX_PAYLOAD_BYTES = 128 * 1024;

/**
 * Largest MQTT packet a gateway sends: a payload of MAX_PAYLOAD_BYTES with its topic, packet id and headers,
 * or a CONNECT with credentials and a will. The embedded broker closes a connection announcing more.
 */
export const MAX_PACKET_BYTES = MAX_PAYLOAD_BYTES + 4096;

const Envelope = {
  v: z.literal(SCHEMA_VERSION),
  gateway: TopicLevel,
  /** Changes every time the gateway process starts. */
  boot: z.string().min(1).max(64),
  /** Outbox sequence of the first item in this message; increases per gateway across boots. */
  seq: z.number().int().positive(),
  /** Outbox sequence of the last item; the next message starts above it. Holes are announced by gap events. */
  seqEnd: z.number().int().positive(),
  sentAt: z.number().int().nonnegative(),
};

export const ReadingsMessage = z.strictObject({
  ...Envelope,
  /** Sent after an outage: these readings are older than the connection they travel on. */
  historical: z.boolean(),
  readings: z.array(Reading).min(1),
});
export type ReadingsMessage = z.infer<typeof ReadingsMessage>;

export const GatewayEvent = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('gap'),
    ts: z.number().int(),
    reason: z.enum(['outbox_full', 'outbox_expired', 'outbox_reset', 'disk_full']),
    /** Outbox sequences dropped, and the time span of the readings in them. */
    fromSeq: z.number().int(),
    toSeq: z.number().int(),
    fromTs: z.number().int(),
    toTs: z.number().int(),
    readings: z.number().int().nonnegative(),
  }),
  z.strictObject({
    type: z.literal('counter_epoch'),
    ts: z.number().int(),
    /** Why the counter's epoch changed: it wrapped at its width, was reset, or the device was exchanged. */
    reason: z.enum(['rollover', 'reset', 'swap']),
    device: z.string(),
    channel: z.string(),
    measurement: z.string(),
    /** The last reading of the old epoch and the first of the new, with the device identity of each. */
    old: z.strictObject({ value: z.number(), ts: z.number().int(), serial: z.string().optional() }),
    new: z.strictObject({ value: z.number(), ts: z.number().int(), serial: z.string().optional() }),
    /** Energy between the two readings, estimated from power and time (kWh); for a rollover, counted across the wrap. */
    betweenKwh: z.number(),
    estimated: z.boolean(),
  }),
  z.strictObject({ type: z.literal('clock_jump'), ts: z.number().int(), deltaMs: z.number().int() }),
  z.strictObject({ type: z.literal('clock_plausible'), ts: z.number().int(), heldMs: z.number().int().nonnegative() }),
]);
export type GatewayEvent = z.infer<typeof GatewayEvent>;

export const EventsMessage = z.strictObject({ ...Envelope, events: z.array(GatewayEvent).min(1) });
export type EventsMessage = z.infer<typeof EventsMessage>;

export const Alert = z.strictObject({
  id: z.string().min(1),
  type: z.string().min(1),
  severity: z.enum(['info', 'warning', 'critical']),
  state: z.enum(['raised', 'cleared']),
  ts: z.number().int(),
  /** When the condition was first raised (on `cleared`: how long it lasted is ts - since). */
  since: z.number().int().optional(),
  device: z.string().optional(),
  channel: z.string().optional(),
  /** What the alert is about when it is not one device: a circuit and phase, e.g. `busbar-b2/L2`. */
  subject: z.string().optional(),
  message: z.string(),
  /** The numbers behind the message, with units in their names (meterW, pdusW, diffPct). */
  values: z.record(z.string(), z.number()).optional(),
});
export type Alert = z.infer<typeof Alert>;

export const AlertsMessage = z.strictObject({ ...Envelope, alerts: z.array(Alert).min(1) });
export type AlertsMessage = z.infer<typeof AlertsMessage>;

/** Retained: every alert of this gateway that is raised now (empty when all is well). */
export const ActiveAlertsMessage = z.strictObject({
  v: z.literal(SCHEMA_VERSION),
  gateway: TopicLevel,
  boot: z.string().min(1).max(64),
  ts: z.number().int().nonnegative(),
  alerts: z.array(Alert),
});
export type ActiveAlertsMessage = z.infer<typeof ActiveAlertsMessage>;

/** Retained; the broker publishes `state: offline` as the gateway's Last Will. */
export const StatusMessage = z.strictObject({
  v: z.literal(SCHEMA_VERSION),
  gateway: TopicLevel,
  boot: z.string().min(1).max(64),
  state: z.enum(['online', 'offline']),
  ts: z.number().int().nonnegative(),
  outbox: z
    .strictObject({ depth: z.number().int().nonnegative(), oldestAgeS: z.number().nonnegative(), bytes: z.number().int().nonnegative() })
    .optional(),
  publishedPerS: z.number().nonnegative().optional(),
  lastError: z.string().optional(),
});
export type StatusMessage = z.infer<typeof StatusMessage>;

/** Retained birth message: what this gateway is and what it reads. */
export const MetaMessage = z.strictObject({
  v: z.literal(SCHEMA_VERSION),
  gateway: TopicLevel,
  boot: z.string().min(1).max(64),
  ts: z.number().int().nonnegative(),
  version: z.string(),
  configHash: z.string(),
  site: TopicLevel,
  room: TopicLevel,
  devices: z.array(
    z.strictObject({
      id: z.string(),
      kind: z.enum(['modbus', 'snmp']),
      profile: z.string(),
      serial: z.string().optional(),
      model: z.string().optional(),
    }),
  ),
});
export type MetaMessage = z.infer<typeof MetaMessage>;

export const MESSAGE_SCHEMAS = {
  readings: ReadingsMessage,
  events: EventsMessage,
  alerts: AlertsMessage,
  active: ActiveAlertsMessage,
  status: StatusMessage,
  meta: MetaMessage,
} as const satisfies Record<TopicKind, z.ZodType>;
