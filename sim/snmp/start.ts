// Starts simulated PDUs of one profile on consecutive UDP ports, and optionally the control API.
import type { SnmpV3User } from '../../gateway/drivers/snmp/session.js';
import type { ResolvedSnmpProfile } from '../../gateway/profiles/snmp-resolve.js';
import type { RunningServer } from '../modbus/servers.js';
import { serveSnmpControl } from './control.js';
import { SimPdu } from './pdu.js';

export interface SnmpSimOptions {
  profile: ResolvedSnmpProfile;
  host: string;
  /** The first PDU's port; PDU n listens on port + n - 1. */
  port: number;
  pdus: number;
  outlets: number;
  /** Daisy-chained units per PDU (1 = not chained). */
  chained?: number;
  community?: string;
  user?: SnmpV3User;
  speed?: number;
  now?: () => number;
  control?: { host: string; port: number };
}

export interface SnmpSim {
  pdus: SimPdu[];
  control?: RunningServer;
  close(): Promise<void>;
}

export async function startSnmpSim(opt: SnmpSimOptions): Promise<SnmpSim> {
  const first = opt.profile.snmp.primaryUnit;
  const units = Array.from({ length: opt.chained ?? 1 }, (_, i) => first + i);
  const pdus: SimPdu[] = [];
  try {
    for (let n = 0; n < opt.pdus; n++) {
      const pdu = new SimPdu({
        profile: opt.profile,
        host: opt.host,
        port: opt.port + n,
        outlets: opt.outlets,
        units,
        seed: n + 1,
        community: opt.community ?? 'public',
        user: opt.user,
        speed: opt.speed ?? 1,
        now: opt.now ?? Date.now,
      });
      await pdu.start();
      pdus.push(pdu);
    }
  } catch (err) {
    await Promise.all(pdus.map((p) => p.stop()));
    throw err;
  }
  const control = opt.control ? await serveSnmpControl(pdus, opt.control.host, opt.control.port) : undefined;
  return {
    pdus,
    control,
    close: async () => {
      await control?.close();
      await Promise.all(pdus.map((p) => p.stop()));
    },
  };
}
