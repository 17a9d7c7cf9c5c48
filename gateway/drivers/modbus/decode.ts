// Register words to values: the pure core of reading a meter. No I/O.
// Word order: `big` = most significant register first (Modbus default), `little` = LSW first (Carlo Gavazzi).
// Byte order swaps the two bytes inside each register (rare, some gateways).
import { scaled } from '../../../common/scale.js';
import type { ValueLocation } from '../../profiles/resolve.js';

export type Raw = number | bigint | string;

/** The bytes of a value in canonical big-endian order, from the registers as they came off the wire. */
export function canonicalBytes(words: readonly number[], loc: Pick<ValueLocation, 'wordOrder' | 'byteOrder' | 'type'>): Buffer {
  const ordered = loc.wordOrder === 'little' && loc.type !== 'string' ? [...words].reverse() : words;
  const buf = Buffer.alloc(ordered.length * 2);
  ordered.forEach((w, i) => {
    const hi = (w >> 8) & 0xff;
    const lo = w & 0xff;
    buf[i * 2] = loc.byteOrder === 'little' ? lo : hi;
    buf[i * 2 + 1] = loc.byteOrder === 'little' ? hi : lo;
  });
  return buf;
}

/** The raw value of a location; 64-bit integers stay exact as bigint. */
export function decodeRaw(words: readonly number[], loc: Pick<ValueLocation, 'wordOrder' | 'byteOrder' | 'type'>): Raw {
  const b = canonicalBytes(words, loc);
  switch (loc.type) {
    case 'u16':
      return b.readUInt16BE(0);
    case 'i16':
      return b.readInt16BE(0);
    case 'u32':
      return b.readUInt32BE(0);
    case 'i32':
      return b.readInt32BE(0);
    case 'u64':
      return b.readBigUInt64BE(0);
    case 'i64':
      return b.readBigInt64BE(0);
    case 'f32':
      return b.readFloatBE(0);
    case 'f64':
      return b.readDoubleBE(0);
    case 'string':
      return decodeAscii(b);
  }
}

/** ASCII/UTF-8 text padded with NULs or spaces, as meters store names and serial numbers. */
export function decodeAscii(b: Buffer): string {
  const end = b.indexOf(0);
  return b
    .subarray(0, end === -1 ? b.length : end)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '')
    .trim();
}

export function rawHex(words: readonly number[]): string {
  return words.map((w) => w.toString(16).padStart(4, '0')).join('');
}

export type Decoded = { ok: true; value: number } | { ok: false; reason: 'not_available' | 'not_finite' };

export interface NumericSpec extends Pick<ValueLocation, 'wordOrder' | 'byteOrder' | 'type'> {
  scale: number;
  offset: number;
  notAvailable: readonly string[];
  transform?: 'pf_4quadrant';
}

/** A measurement from its registers: sentinels first (on the raw words as sent), then type, scale and offset. */
export function decodeNumeric(words: readonly number[], spec: NumericSpec): Decoded {
  if (spec.notAvailable.length > 0 && spec.notAvailable.includes(rawHex(words))) return { ok: false, reason: 'not_available' };
  const raw = decodeRaw(words, spec);
  if (typeof raw === 'string') return { ok: false, reason: 'not_finite' };
  let v = typeof raw === 'bigint' ? Number(raw) : raw;
  if (!Number.isFinite(v)) return { ok: false, reason: 'not_finite' };
  if (spec.transform === 'pf_4quadrant') v = pf4Quadrant(v);
  return { ok: true, value: scaled(v, spec.scale, spec.offset) };
}

/**
 * Schneider's four-quadrant power factor register: values beyond ±1 fold back
 * (x > 1 -> 2 - x, x < -1 -> -2 - x); the sign carries lead/lag. (PM5100 register list, PF registers.)
 */
export function pf4Quadrant(x: number): number {
  if (x > 1) return 2 - x;
  if (x < -1) return -2 - x;
  return x;
}
