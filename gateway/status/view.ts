// What the status page and /metrics read of a running gateway: the parts' own counters and state, never a
// copy. Narrow structural types, so the readers can be tested on plain objects.
import type { Alert } from '../../protocol/wire.js';
import type { Clock } from '../../common/clock.js';
import type { GatewayConfig } from '../config/schema.js';
import type { OutboxStats } from '../outbox/outbox.js';
import type { Counters } from './counters.js';
import type { DeviceBook } from './devices.js';

type CounterSource = Pick<Counters<string>, 'get' | 'snapshot'>;

export interface GatewayView {
  config: Pick<GatewayConfig, 'gateway' | 'buses' | 'devices' | 'snmp' | 'mqtt'>;
  version: string;
  boot: string;
  clock: Pick<Clock, 'now'>;
  buses: ReadonlyMap<string, { counters: CounterSource; queueDepth: number }>;
  devices: ReadonlyMap<string, { counters: CounterSource; failing: boolean }>;
  pdus: ReadonlyMap<string, { client: { counters: CounterSource } }>;
  scheduler: { overruns: number };
  outbox: { size: OutboxStats; pendingCount: number };
  publisher: {
    connected: boolean;
    readonly lastError: string | undefined;
    lastAckedAtMs: number | undefined;
    counters: CounterSource;
    status(state: 'online'): { publishedPerS?: number };
  };
  alerts: { active(): Alert[] };
  book: DeviceBook;
}

/** The label `bus` of a configured device: its Modbus bus id, or `snmp` for a PDU. */
export function busOf(view: Pick<GatewayView, 'config'>): Map<string, string> {
  return new Map([...view.config.devices.map((d) => [d.id, d.bus] as const), ...view.config.snmp.pdus.map((p) => [p.id, 'snmp'] as const)]);
}

/** An MQTT URL safe to show: any user and password in it removed. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}
