// The meters one simulated bus hosts, and how each answers a request PDU (faults included).
import { dataResponsePdu, exceptionPdu, FC_READ_HOLDING, FC_READ_INPUT, parseRequestPdu } from '../../gateway/drivers/modbus/frames.js';
import type { SimMeter } from './meter.js';

export type Reply =
  | { kind: 'none' }
  | { kind: 'pdu'; pdu: Buffer; extraDelayMs: number; corruptCrc: boolean; lag: boolean }
  | { kind: 'garbage'; bytes: Buffer; extraDelayMs: number };

export class MeterBank {
  readonly meters = new Map<number, SimMeter>();
  requests = 0;

  constructor(
    meters: readonly SimMeter[],
    private readonly now: () => number = Date.now,
  ) {
    for (const m of meters) this.meters.set(m.unit, m);
  }

  handle(unit: number, pdu: Buffer): Reply {
    this.requests++;
    const meter = this.meters.get(unit);
    if (!meter || meter.fault.mode === 'dead') return { kind: 'none' };
    const f = meter.fault;
    const extraDelayMs = f.mode === 'slow' ? (f.delayMs ?? 1000) : 0;
    if (f.mode === 'garbage') return { kind: 'garbage', bytes: garbageBytes(unit), extraDelayMs };
    const req = parseRequestPdu(pdu);
    let out: Buffer;
    if (f.mode === 'exception') out = exceptionPdu(req.fn, f.code ?? 4);
    else if (req.address === undefined || req.count === undefined) out = exceptionPdu(req.fn, 1);
    else if (req.count < 1 || req.count > 125) out = exceptionPdu(req.fn, 3);
    else {
      const fn = req.fn === FC_READ_INPUT ? 'input' : req.fn === FC_READ_HOLDING ? 'holding' : undefined;
      const a = fn ? meter.read(fn, req.address, req.count, this.now()) : { exception: 1 };
      out = 'words' in a ? dataResponsePdu(req.fn, a.words) : exceptionPdu(req.fn, a.exception);
    }
    return { kind: 'pdu', pdu: out, extraDelayMs, corruptCrc: f.mode === 'crc', lag: f.mode === 'lag' };
  }
}

/** Bytes that look like a start of an answer but are not one (wrong length, no valid CRC). */
function garbageBytes(unit: number): Buffer {
  const n = 7 + Math.floor(Math.random() * 12);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(Math.random() * 256);
  b[0] = unit;
  b[1] = 0x03;
  b[2] = 0xff;
  return b;
}
