// The simulator's control API: look at the meters and inject faults over plain HTTP + JSON.
// Documented in docs/simulators.md.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { MeterBank } from './bank.js';
import { FAULT_MODES, type Fault, type SimMeter } from './meter.js';
import type { RunningServer } from './servers.js';

function describe(m: SimMeter, nowMs: number) {
  return { unit: m.unit, profile: m.profile.id, serial: m.serial, fault: m.fault, truth: m.truth(nowMs) };
}

async function body(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text === '' ? {} : JSON.parse(text);
}

function parseFault(v: unknown): Fault | string {
  if (typeof v !== 'object' || v === null) return 'body must be a JSON object';
  const o = v as Record<string, unknown>;
  if (typeof o.mode !== 'string' || !(FAULT_MODES as readonly string[]).includes(o.mode)) return `mode must be one of ${FAULT_MODES.join(', ')}`;
  const fault: Fault = { mode: o.mode as Fault['mode'] };
  if (o.delayMs !== undefined) {
    if (typeof o.delayMs !== 'number' || o.delayMs < 0) return 'delayMs must be a non-negative number';
    fault.delayMs = o.delayMs;
  }
  if (o.code !== undefined) {
    if (typeof o.code !== 'number' || !Number.isInteger(o.code) || o.code < 1 || o.code > 255) return 'code must be an exception code 1..255';
    fault.code = o.code;
  }
  return fault;
}

/**
 * GET  /units                  every meter: unit, profile, serial, fault, true values
 * GET  /units/:unit            one meter
 * PUT  /units/:unit/fault      {"mode": "dead|slow|exception|crc|garbage|lag|none", "delayMs"?, "code"?}
 * POST /units/:unit/reset      energy counter back to zero (same serial)
 * POST /units/:unit/swap       meter exchanged: new serial, new counter
 */
export function serveControl(bank: MeterBank, host: string, port: number, now: () => number = Date.now): Promise<RunningServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const parts = (req.url ?? '/').split('?')[0]!.split('/').filter(Boolean);
    if (parts[0] !== 'units') return send(404, { error: 'not found' });
    if (parts.length === 1 && req.method === 'GET') return send(200, [...bank.meters.values()].map((m) => describe(m, now())));
    const meter = bank.meters.get(Number(parts[1]));
    if (!meter) return send(404, { error: `no unit ${parts[1]}` });
    const action = parts[2];
    if (action === undefined && req.method === 'GET') return send(200, describe(meter, now()));
    if (action === 'fault' && req.method === 'PUT') {
      const f = parseFault(await body(req));
      if (typeof f === 'string') return send(400, { error: f });
      meter.fault = f;
      return send(200, describe(meter, now()));
    }
    if (action === 'reset' && req.method === 'POST') {
      meter.resetCounter(now());
      return send(200, describe(meter, now()));
    }
    if (action === 'swap' && req.method === 'POST') {
      meter.swap(now());
      return send(200, describe(meter, now()));
    }
    return send(405, { error: `${req.method} ${req.url} not supported` });
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
