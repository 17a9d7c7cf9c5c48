// Control API of the PDU simulator (docs/simulators.md):
//   GET  /pdus                 every PDU: number, address, serials, fault
//   GET  /pdus/:n              one PDU, with the true values per unit and channel
//   PUT  /pdus/:n/fault        {"mode": "none|dead|slow|stale", "delayMs"?}
//   POST /pdus/:n/reset        energy counters back to zero, reset time now
//   POST /pdus/:n/swap         the PDU is exchanged: new serial, new counters, agent restarted
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { RunningServer } from '../modbus/servers.js';
import { PDU_FAULTS, type PduFault, type SimPdu } from './pdu.js';

function describe(p: SimPdu, n: number, withTruth: boolean) {
  const units = [...p.units.keys()].map((u) => ({ unit: u, serial: p.units.get(u)!.serial, ...(withTruth ? { truth: p.unitState(u).truth } : {}) }));
  return { pdu: n, address: p.address, profile: p.opt.profile.id, fault: p.fault, units };
}

async function body(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text === '' ? {} : JSON.parse(text);
}

function parseFault(v: unknown): PduFault | string {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  if (typeof o.mode !== 'string' || !(PDU_FAULTS as readonly string[]).includes(o.mode)) return `mode must be one of ${PDU_FAULTS.join(', ')}`;
  if (o.delayMs !== undefined && (typeof o.delayMs !== 'number' || o.delayMs < 0)) return 'delayMs must be a non-negative number';
  return { mode: o.mode as PduFault['mode'], ...(typeof o.delayMs === 'number' ? { delayMs: o.delayMs } : {}) };
}

export function serveSnmpControl(pdus: readonly SimPdu[], host: string, port: number): Promise<RunningServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const parts = (req.url ?? '/').split('?')[0]!.split('/').filter(Boolean);
    if (parts[0] !== 'pdus') return send(404, { error: 'not found' });
    if (parts.length === 1 && req.method === 'GET') return send(200, pdus.map((p, i) => describe(p, i + 1, false)));
    const n = Number(parts[1]);
    const pdu = pdus[n - 1];
    if (!pdu) return send(404, { error: `no PDU ${parts[1]}` });
    const action = parts[2];
    if (action === undefined && req.method === 'GET') return send(200, describe(pdu, n, true));
    if (action === 'fault' && req.method === 'PUT') {
      const f = parseFault(await body(req));
      if (typeof f === 'string') return send(400, { error: f });
      pdu.fault = f;
    } else if (action === 'reset' && req.method === 'POST') pdu.resetCounters();
    else if (action === 'swap' && req.method === 'POST') pdu.swap();
    else return send(405, { error: `${req.method} ${req.url} not supported` });
    return send(200, describe(pdu, n, false));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(err) }));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({
      address: `${host}:${port}`,
      close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
    }));
  });
}
