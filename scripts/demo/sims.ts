// The simulated equipment of one room, on the demo's clock: the busbar meters behind a Modbus TCP
// gateway, the branch circuit meters on an RS-485 line (a socat pty pair; RTU over TCP without socat),
// and the rack PDUs as SNMP agents, one simulator per PDU profile on consecutive UDP ports.
import type { Catalogs } from '../../gateway/profiles/load.js';
import { startModbusSim, type ModbusSim } from '../../sim/modbus/start.js';
import { startSnmpSim, type SnmpSim } from '../../sim/snmp/start.js';
import { freePort, freeUdpPortRange, ptyPair, type PtyPair } from '../../sim/wiring.js';
import type { RoomWiring } from './gateways.js';
import { OUTLETS_PER_PDU, pdusOf, RS485_LINE, type DemoRoom, type PduProfile } from './site.js';

export interface RoomSims {
  wiring: RoomWiring;
  close(): Promise<void>;
}

export interface RoomSimsDeps {
  room: DemoRoom;
  profiles: Catalogs;
  now: () => number;
  /** socat is installed: the RS-485 line is a pty pair. */
  socat: boolean;
  /** Seeds differ per room, so the rooms do not draw the same power. */
  seedBase: number;
}

export async function startRoomSims(deps: RoomSimsDeps): Promise<RoomSims> {
  const { room, profiles, now } = deps;
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const meters = (wire: 'tcp' | 'rs485') =>
      room.meters
        .filter((m) => m.wire === wire)
        .map((m) => ({
          unit: m.unit,
          profile: profiles.modbus.get(m.profile)!,
          basePowerW: m.basePowerW,
          seed: deps.seedBase + m.unit + (wire === 'tcp' ? 0 : 10),
        }));
    const tcpPort = await freePort();
    const tcp: ModbusSim = await startModbusSim({ wire: { kind: 'tcp', host: '127.0.0.1', port: tcpPort }, meters: meters('tcp'), now });
    closers.push(() => tcp.close());
    let rs485: RoomWiring['rs485'];
    let pty: PtyPair | undefined;
    if (deps.socat) {
      pty = await ptyPair([`${room.id}-sim`, `${room.id}-gw`]);
      closers.push(() => pty!.close());
      rs485 = { kind: 'pty', simPath: pty.a, gatewayPath: pty.b };
    } else {
      rs485 = { kind: 'rtu-over-tcp', port: await freePort() };
    }
    const line = await startModbusSim({
      wire:
        rs485.kind === 'pty'
          ? { kind: 'serial', path: rs485.simPath, line: RS485_LINE }
          : { kind: 'rtu-over-tcp', host: '127.0.0.1', port: rs485.port, line: RS485_LINE },
      meters: meters('rs485'),
      turnaroundMs: 2,
      now,
    });
    closers.push(() => line.close());
    const snmpPorts: Partial<Record<PduProfile, number>> = {};
    for (const profile of ['apc-rpdu2', 'raritan-px'] as const) {
      const pdus = pdusOf(room, profile).length;
      if (pdus === 0) continue;
      const port = await freeUdpPortRange(pdus);
      const sim: SnmpSim = await startSnmpSim({
        profile: profiles.snmp.get(profile)!,
        host: '127.0.0.1',
        port,
        pdus,
        outlets: OUTLETS_PER_PDU,
        now,
      });
      closers.push(() => sim.close());
      snmpPorts[profile] = port;
    }
    return { wiring: { tcpPort, rs485, snmpPorts }, close };
  } catch (err) {
    await close();
    throw err;
  }
}
