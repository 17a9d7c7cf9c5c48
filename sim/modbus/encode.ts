// Values to register words: the inverse of the gateway's decoding, for the simulator. Pure.
import type { ValueLocation } from '../../gateway/profiles/resolve.js';

export interface EncodeSpec extends Pick<ValueLocation, 'type' | 'words' | 'wordOrder' | 'byteOrder'> {
  scale?: number;
  offset?: number;
}

/** Words for `value` (in the measurement's unit) as the meter would hold it. Integers wrap at their width. */
export function encodeValue(value: number | string, spec: EncodeSpec): number[] {
  const b = Buffer.alloc(spec.words * 2);
  if (spec.type === 'string') {
    b.write(String(value).slice(0, spec.words * 2), 'latin1');
    return toWords(b, spec, false);
  }
  const raw = ((typeof value === 'number' ? value : Number(value)) - (spec.offset ?? 0)) / (spec.scale ?? 1);
  const int = (bits: number) => BigInt.asUintN(bits, BigInt(Math.round(raw)));
  switch (spec.type) {
    case 'u16':
    case 'i16':
      b.writeUInt16BE(Number(int(16)), 0);
      break;
    case 'u32':
    case 'i32':
      b.writeUInt32BE(Number(int(32)), 0);
      break;
    case 'u64':
    case 'i64':
      b.writeBigUInt64BE(int(64), 0);
      break;
    case 'f32':
      b.writeFloatBE(raw, 0);
      break;
    case 'f64':
      b.writeDoubleBE(raw, 0);
      break;
  }
  return toWords(b, spec, spec.wordOrder === 'little');
}

function toWords(b: Buffer, spec: Pick<ValueLocation, 'byteOrder'>, reverse: boolean): number[] {
  const words: number[] = [];
  for (let i = 0; i < b.length; i += 2) {
    words.push(spec.byteOrder === 'little' ? (b[i + 1]! << 8) | b[i]! : (b[i]! << 8) | b[i + 1]!);
  }
  return reverse ? words.reverse() : words;
}
