// The simulator's control API: look at the meters and inject faults over plain HTTP + JSON.
// Documented in docs/simulators.md.
import { reply, serveJson } from '../http.js';
import type { MeterBank } from './bank.js';
import { FAULT_MODES, type Fault, type SimMeter } from './meter.js';
import type { RunningServer } from './servers.js';

function describe(m: SimMeter, nowMs: number) {
  return { unit: m.unit, profile: m.profile.id, serial: m.serial, fault: m.fault, truth: m.truth(nowMs) };
}

function parseFault(v: unknown): Fault | string {
  if (typeof v !== 'object' || v === null) return 'body must be a JSON object';
  const o = v as Record<string, unknown>;
  if (typeof o.mode !== 'string' || !(FAULT_MODES as readonly string[]).includes(o.mode))
    return `mode must be one of ${FAULT_MODES.join(', ')}`;
  const fault: Fault = { mode: o.mode as Fault['mode'] };
  if (o.delayMs !== undefined) {
    if (typeof o.delayMs !== 'number' || o.delayMs < 0) return 'delayMs must be a non-negative number';
    fault.delayMs = o.delayMs;
  }
  if (o.code !== undefined) {
    if (typeof o.code !== 'number' || !Number.isInteger(o.code) || o.code < 1 || o.code > 255)
      return 'code must be an exception code 1..255';
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
  return serveJson(host, port, async (parts, method, body) => {
    if (parts[0] !== 'units') return reply(404, { error: 'not found' });
    if (parts.length === 1 && method === 'GET')
      return reply(
        200,
        [...bank.meters.values()].map((m) => describe(m, now())),
      );
    const meter = bank.meters.get(Number(parts[1]));
    if (!meter) return reply(404, { error: `no unit ${parts[1]}` });
    const action = parts[2];
    if (action === undefined && method === 'GET') return reply(200, describe(meter, now()));
    if (action === 'fault' && method === 'PUT') {
      const f = parseFault(await body());
      if (typeof f === 'string') return reply(400, { error: f });
      meter.fault = f;
    } else if (action === 'reset' && method === 'POST') meter.resetCounter(now());
    else if (action === 'swap' && method === 'POST') meter.swap(now());
    else return reply(405, { error: `${method} /${parts.join('/')} not supported` });
    return reply(200, describe(meter, now()));
  });
}
