// GET /status.json: what an installer checks on site, as one JSON document. Pure: built from the view.
import type { Measurement } from '../../protocol/measurements.js';
import type { Alert } from '../../protocol/wire.js';
import { busOf, safeUrl, type GatewayView } from './view.js';

const DEVICE_ERRORS = { timeout: 'timeouts', crc: 'crc_errors', exception: 'exceptions', garbage: 'garbage', link: 'link_errors' } as const;
const BUS_ERRORS = { ...DEVICE_ERRORS, stale_frame: 'stale_frames', desync: 'desyncs' } as const;
const SNMP_ERRORS = {
  timeout: 'timeouts',
  error: 'errors',
  too_big: 'too_big',
  malformed: 'malformed',
  bad_value: 'bad_values',
  bad_row: 'bad_rows',
} as const;

export type DeviceState = 'ok' | 'failing' | 'waiting';

export interface DeviceStatus {
  id: string;
  kind: 'modbus' | 'snmp';
  profile: string;
  /** The bus id, or `snmp` for a PDU. */
  bus: string;
  /** Where it is: `unit 3` on a bus, or the PDU's host:port. */
  address: string;
  state: DeviceState;
  /** Serial and model per reading device (a PDU's chained units included), as the device reports them. */
  identities: Record<string, { serial?: string; model?: string }>;
  lastPollAt?: string;
  lastDurationMs?: number;
  lastOutcome?: string;
  lastReadingAt?: string;
  values: Record<string, Partial<Record<Measurement, number>>>;
  lastError?: { kind: string; reason?: string; at: string };
  failingSince?: string;
  consecutiveFailures: number;
  polls: number;
  failedPolls: number;
  /** Modbus request latency (answered requests only). */
  requestLatencyMs?: { mean: number; max: number; last: number };
  /** Request errors by kind (Modbus device or SNMP agent). */
  errors: Record<string, number>;
}

export interface BusStatus {
  id: string;
  type: string;
  requests: number;
  errors: Record<keyof typeof BUS_ERRORS, number>;
  reconnects: number;
  queueDepth: number;
  latencyMs: { mean: number; max: number };
}

export interface GatewayStatus {
  gateway: { id: string; site: string; room: string; version: string; boot: string };
  now: string;
  broker: {
    url: string;
    connected: boolean;
    lastError?: string;
    lastAckAt?: string;
    publishedPerS: number;
    reconnects: number;
    messagesAcked: number;
  };
  outbox: { items: number; entries: number; bytes: number; oldestAgeS: number; pendingItems: number };
  buses: BusStatus[];
  devices: DeviceStatus[];
  alerts: Alert[];
  pollOverruns: number;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const pick = <K extends string>(names: Record<K, string>, get: (n: string) => number) =>
  Object.fromEntries(Object.entries<string>(names).map(([label, n]) => [label, get(n)])) as Record<K, number>;

export function statusSnapshot(view: GatewayView): GatewayStatus {
  const now = view.clock.now();
  const size = view.outbox.size;
  const p = view.publisher;
  const busFor = busOf(view);
  const device = (
    id: string,
    kind: DeviceStatus['kind'],
    profile: string,
    address: string,
    errors: Record<string, number>,
  ): DeviceStatus => {
    // The book and the driver maps are built from the same configuration: every configured id is in them.
    const live = view.book.get(id)!;
    const lastError = live.lastError;
    const state: DeviceState = !live.lastOutcome ? 'waiting' : live.consecutiveFailures > 0 ? 'failing' : 'ok';
    return {
      id,
      kind,
      profile,
      bus: busFor.get(id)!,
      address,
      state,
      identities: live.identities,
      values: live.values,
      ...opt('lastPollAt', iso(live.lastPollAtMs)),
      ...opt('lastDurationMs', live.lastDurationMs === undefined ? undefined : round(live.lastDurationMs)),
      ...opt('lastOutcome', live.lastOutcome),
      ...opt('lastReadingAt', iso(live.lastReadingAtMs)),
      ...opt('failingSince', iso(live.failingSinceMs)),
      ...(lastError ? { lastError: { kind: lastError.kind, ...opt('reason', lastError.reason), at: iso(lastError.atMs)! } } : {}),
      consecutiveFailures: live.consecutiveFailures,
      polls: live.polls,
      failedPolls: live.failedPolls,
      errors,
    };
  };
  const devices = [
    ...view.config.devices.map((d) => {
      const c = view.devices.get(d.id)!.counters;
      const s = device(
        d.id,
        'modbus',
        d.profile,
        `unit ${d.unit}`,
        pick(DEVICE_ERRORS, (n) => c.get(n)),
      );
      const l = c.snapshot().latency;
      if (l.count > 0) s.requestLatencyMs = { mean: round(l.meanMs), max: round(l.maxMs), last: round(l.lastMs) };
      return s;
    }),
    ...view.config.snmp.pdus.map((pdu) => {
      const c = view.pdus.get(pdu.id)!.client.counters;
      return device(
        pdu.id,
        'snmp',
        pdu.profile,
        `${pdu.host}:${pdu.port}`,
        pick(SNMP_ERRORS, (n) => c.get(n)),
      );
    }),
  ];
  return {
    gateway: { ...view.config.gateway, version: view.version, boot: view.boot },
    now: iso(now)!,
    broker: {
      url: safeUrl(view.config.mqtt.url),
      connected: p.connected,
      ...opt('lastError', p.lastError),
      ...opt('lastAckAt', iso(p.lastAckedAtMs)),
      publishedPerS: p.status('online').publishedPerS ?? 0,
      reconnects: p.counters.get('reconnects'),
      messagesAcked: p.counters.get('acked'),
    },
    outbox: {
      items: size.items,
      entries: size.entries,
      bytes: size.bytes,
      pendingItems: view.outbox.pendingCount,
      oldestAgeS: size.oldestTs === undefined ? 0 : Math.max(0, round((now - size.oldestTs) / 1000)),
    },
    buses: view.config.buses.map((b) => {
      const bus = view.buses.get(b.id)!;
      const c = bus.counters;
      const l = c.snapshot().latency;
      return {
        id: b.id,
        type: b.type,
        requests: c.get('requests'),
        errors: pick(BUS_ERRORS, (n) => c.get(n)),
        reconnects: c.get('reconnects'),
        queueDepth: bus.queueDepth,
        latencyMs: { mean: round(l.meanMs), max: round(l.maxMs) },
      };
    }),
    devices,
    alerts: view.alerts.active().sort((a, b) => severityRank(a) - severityRank(b) || a.ts - b.ts),
    pollOverruns: view.scheduler.overruns,
  };
}

const SEVERITY_RANK: Record<Alert['severity'], number> = { critical: 0, warning: 1, info: 2 };

function severityRank(a: Alert): number {
  return SEVERITY_RANK[a.severity];
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function opt<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}
