// Control API of the PDU simulator (docs/simulators.md):
//   GET  /pdus                 every PDU: number, address, serials, fault
//   GET  /pdus/:n              one PDU, with the true values per unit and channel
//   PUT  /pdus/:n/fault        {"mode": "none|dead|slow|stale", "delayMs"?}
//   POST /pdus/:n/reset        energy counters back to zero, reset time now
//   POST /pdus/:n/swap         the PDU is exchanged: new serial, new counters, agent uptime from zero
import type { RunningServer } from '../modbus/servers.js';
import { reply, serveJson } from '../http.js';
import { PDU_FAULTS, type PduFault, type SimPdu } from './pdu.js';

function describe(p: SimPdu, n: number, withTruth: boolean) {
  const units = [...p.units.keys()].map((u) => ({
    unit: u,
    serial: p.units.get(u)!.serial,
    truth: withTruth ? p.unitState(u).truth : undefined,
  }));
  return { pdu: n, address: p.address, profile: p.opt.profile.id, fault: p.fault, units };
}

function parseFault(v: unknown): PduFault | string {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  if (typeof o.mode !== 'string' || !(PDU_FAULTS as readonly string[]).includes(o.mode))
    return `mode must be one of ${PDU_FAULTS.join(', ')}`;
  if (o.delayMs !== undefined && (typeof o.delayMs !== 'number' || o.delayMs < 0)) return 'delayMs must be a non-negative number';
  return { mode: o.mode as PduFault['mode'], delayMs: typeof o.delayMs === 'number' ? o.delayMs : undefined };
}

export function serveSnmpControl(pdus: readonly SimPdu[], host: string, port: number): Promise<RunningServer> {
  return serveJson(host, port, async (parts, method, body) => {
    if (parts[0] !== 'pdus') return reply(404, { error: 'not found' });
    if (parts.length === 1 && method === 'GET')
      return reply(
        200,
        pdus.map((p, i) => describe(p, i + 1, false)),
      );
    const n = Number(parts[1]);
    const pdu = pdus[n - 1];
    if (!pdu) return reply(404, { error: `no PDU ${parts[1]}` });
    const action = parts[2];
    if (action === undefined && method === 'GET') return reply(200, describe(pdu, n, true));
    if (action === 'fault' && method === 'PUT') {
      const f = parseFault(await body());
      if (typeof f === 'string') return reply(400, { error: f });
      pdu.fault = f;
    } else if (action === 'reset' && method === 'POST') pdu.resetCounters();
    else if (action === 'swap' && method === 'POST') pdu.swap();
    else return reply(405, { error: `${method} /${parts.join('/')} not supported` });
    return reply(200, describe(pdu, n, false));
  });
}
