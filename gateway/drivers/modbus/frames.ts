// Modbus application data units: RTU (address + PDU + CRC-16) and TCP (MBAP header + PDU).
// Pure encoders and incremental parsers, used by the gateway's buses and by the simulator.
// References: Modbus Application Protocol v1.1b3 (PDUs, exceptions), Modbus over Serial Line v1.02 (CRC),
// Modbus Messaging on TCP/IP v1.0b (MBAP).

export const FC_READ_HOLDING = 0x03;
export const FC_READ_INPUT = 0x04;

export const EXCEPTION_NAMES: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  10: 'gateway path unavailable',
  11: 'gateway target failed to respond',
};

const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF); sent low byte first. */
export function crc16(buf: Uint8Array): number {
  let crc = 0xffff;
  for (const b of buf) crc = (crc >>> 8) ^ CRC_TABLE[(crc ^ b) & 0xff]!;
  return crc;
}

export function withCrc(body: Buffer): Buffer {
  const out = Buffer.alloc(body.length + 2);
  body.copy(out);
  out.writeUInt16LE(crc16(body), body.length);
  return out;
}

export interface ReadRequest {
  unit: number;
  fn: number;
  address: number;
  count: number;
}

export function readPdu(fn: number, address: number, count: number): Buffer {
  const pdu = Buffer.alloc(5);
  pdu[0] = fn;
  pdu.writeUInt16BE(address, 1);
  pdu.writeUInt16BE(count, 3);
  return pdu;
}

export function encodeRtu(unit: number, pdu: Buffer): Buffer {
  return withCrc(Buffer.concat([Buffer.from([unit]), pdu]));
}

export function encodeMbap(tid: number, unit: number, pdu: Buffer): Buffer {
  const head = Buffer.alloc(7);
  head.writeUInt16BE(tid & 0xffff, 0);
  head.writeUInt16BE(0, 2);
  head.writeUInt16BE(pdu.length + 1, 4);
  head[6] = unit;
  return Buffer.concat([head, pdu]);
}

/** What a response PDU said, once complete. */
export type PduOutcome = { kind: 'data'; words: number[] } | { kind: 'exception'; code: number } | { kind: 'garbage'; reason: string };

export function parseReadResponsePdu(pdu: Buffer, fn: number, count: number): PduOutcome {
  if (pdu.length >= 2 && pdu[0] === (fn | 0x80)) return { kind: 'exception', code: pdu[1]! };
  if (pdu[0] !== fn) return { kind: 'garbage', reason: `function code ${pdu[0]} where ${fn} was asked` };
  if (pdu[1] !== count * 2 || pdu.length !== 2 + count * 2)
    return { kind: 'garbage', reason: `byte count ${pdu[1]} where ${count * 2} was expected` };
  const words: number[] = [];
  for (let i = 0; i < count; i++) words.push(pdu.readUInt16BE(2 + i * 2));
  return { kind: 'data', words };
}

export type RtuParse = { kind: 'incomplete' } | { kind: 'crc'; length: number } | (PduOutcome & { length: number });

/**
 * A response to `req` at the start of `buf`, as far as the bytes received allow. Lengths come from the
 * request, so the frame is complete the moment its last byte arrives; silence detection handles the rest.
 */
export function parseRtuResponse(buf: Buffer, req: ReadRequest): RtuParse {
  if (buf.length === 0) return { kind: 'incomplete' };
  if (buf[0] !== req.unit)
    return { kind: 'garbage', reason: `answer from unit ${buf[0]} to a request for unit ${req.unit}`, length: buf.length };
  if (buf.length < 2) return { kind: 'incomplete' };
  const isException = buf[1] === (req.fn | 0x80);
  if (!isException && buf[1] !== req.fn)
    return { kind: 'garbage', reason: `function code ${buf[1]} where ${req.fn} was asked`, length: buf.length };
  if (!isException && buf.length >= 3 && buf[2] !== req.count * 2)
    return { kind: 'garbage', reason: `byte count ${buf[2]} where ${req.count * 2} was expected`, length: buf.length };
  const length = isException ? 5 : 5 + req.count * 2;
  if (buf.length < length) return { kind: 'incomplete' };
  const frame = buf.subarray(0, length);
  if (crc16(frame.subarray(0, length - 2)) !== frame.readUInt16LE(length - 2)) return { kind: 'crc', length };
  return { ...parseReadResponsePdu(frame.subarray(1, length - 2), req.fn, req.count), length };
}

export type MbapParse =
  { kind: 'incomplete' } | { kind: 'desync'; reason: string } | { kind: 'frame'; tid: number; unit: number; pdu: Buffer; length: number };

/** One MBAP frame off the front of a TCP stream. A header that cannot be Modbus means the stream lost its framing. */
export function parseMbapFrame(buf: Buffer): MbapParse {
  if (buf.length < 7) return { kind: 'incomplete' };
  const protocol = buf.readUInt16BE(2);
  const len = buf.readUInt16BE(4);
  if (protocol !== 0) return { kind: 'desync', reason: `protocol id ${protocol} (Modbus is 0)` };
  if (len < 2 || len > 254) return { kind: 'desync', reason: `MBAP length ${len} out of range` };
  if (buf.length < 6 + len) return { kind: 'incomplete' };
  return { kind: 'frame', tid: buf.readUInt16BE(0), unit: buf[6]!, pdu: buf.subarray(7, 6 + len), length: 6 + len };
}

/** Server side: a request PDU's function and, for reads, the range asked. */
export function parseRequestPdu(pdu: Buffer): { fn: number; address?: number; count?: number } {
  const fn = pdu[0] ?? 0;
  if ((fn === FC_READ_HOLDING || fn === FC_READ_INPUT) && pdu.length === 5) {
    return { fn, address: pdu.readUInt16BE(1), count: pdu.readUInt16BE(3) };
  }
  return { fn };
}

export function dataResponsePdu(fn: number, words: readonly number[]): Buffer {
  const pdu = Buffer.alloc(2 + words.length * 2);
  pdu[0] = fn;
  pdu[1] = words.length * 2;
  words.forEach((w, i) => pdu.writeUInt16BE(w & 0xffff, 2 + i * 2));
  return pdu;
}

export function exceptionPdu(fn: number, code: number): Buffer {
  return Buffer.from([fn | 0x80, code]);
}

/** Length of an RTU request frame from its first bytes, for servers that frame by content; undefined if unknown. */
export function rtuRequestLength(buf: Buffer): number | undefined {
  const fn = buf[1];
  if (fn === undefined) return undefined;
  if (fn >= 1 && fn <= 6) return 8;
  if (fn === 15 || fn === 16) return buf.length >= 7 ? 9 + buf[6]! : undefined;
  return undefined;
}
