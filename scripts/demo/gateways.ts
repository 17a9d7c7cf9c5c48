// Each room's gateway config, derived from site.ts and the wiring of its simulators. Two paces: the
// history polls every counter once an hour of the warped clock (and judges lost devices on that scale);
// live, the usual seconds. Pure.
import { GatewayConfig } from '../../gateway/config/schema.js';
import { RS485_LINE, type DemoRoom, type PduProfile } from './site.js';

export interface RoomWiring {
  tcpPort: number;
  /** The gateway's end of the pty pair, or the port of RTU over TCP when socat is missing. */
  rs485: { kind: 'pty'; simPath: string; gatewayPath: string } | { kind: 'rtu-over-tcp'; port: number };
  /** The first UDP port of each PDU profile's simulator (its PDUs on consecutive ports). */
  snmpPorts: Partial<Record<PduProfile, number>>;
}

export interface GatewayMqtt {
  url: string;
  username: string;
  password: string;
}

export const HISTORY_STEP_MS = 3_600_000;
export type Pace = 'history' | 'live';

const PACES: Record<Pace, { energyIntervalMs: number; fullIntervalMs: number; statusIntervalMs: number }> = {
  history: { energyIntervalMs: HISTORY_STEP_MS, fullIntervalMs: HISTORY_STEP_MS, statusIntervalMs: 60_000 },
  live: { energyIntervalMs: 2000, fullIntervalMs: 5000, statusIntervalMs: 5000 },
};

/** The gateway's status page (for installers) listens here while live; none during the history. */
export function gatewayConfig(
  room: DemoRoom,
  wiring: RoomWiring,
  mqtt: GatewayMqtt,
  dataDir: string,
  pace: Pace,
  statusPort?: number,
): GatewayConfig {
  const p = PACES[pace];
  const rs485 =
    wiring.rs485.kind === 'pty'
      ? { id: 'rs485-1', type: 'rtu', path: wiring.rs485.gatewayPath, ...RS485_LINE }
      : { id: 'rs485-1', type: 'rtu-over-tcp', host: '127.0.0.1', port: wiring.rs485.port, line: RS485_LINE };
  const index = new Map<string, number>();
  return GatewayConfig.parse({
    gateway: { id: room.gateway, site: 'ams1', room: room.id },
    dataDir,
    mqtt: { ...mqtt, statusIntervalMs: p.statusIntervalMs, reconnectMinMs: 200, reconnectMaxMs: 2000 },
    outbox: { commitIntervalMs: pace === 'history' ? 20 : 500 },
    status: statusPort === undefined ? { enabled: false } : { enabled: true, host: '127.0.0.1', port: statusPort },
    buses: [{ id: 'tcp-gw', type: 'tcp', host: '127.0.0.1', port: wiring.tcpPort }, rs485],
    devices: room.meters.map((m) => ({
      id: m.id,
      bus: m.wire === 'tcp' ? 'tcp-gw' : 'rs485-1',
      unit: m.unit,
      profile: m.profile,
      energyIntervalMs: p.energyIntervalMs,
      fullIntervalMs: p.fullIntervalMs,
      timeoutMs: 500,
    })),
    snmp: {
      pdus: room.pdus.map((d) => {
        const n = index.get(d.profile) ?? 0;
        index.set(d.profile, n + 1);
        return {
          id: d.id,
          host: '127.0.0.1',
          port: wiring.snmpPorts[d.profile]! + n,
          profile: d.profile,
          energyIntervalMs: p.energyIntervalMs,
          fullIntervalMs: p.fullIntervalMs,
        };
      }),
    },
  });
}
