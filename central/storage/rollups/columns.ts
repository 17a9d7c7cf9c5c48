// Byte-level helpers of the rollup codec: a growable writer, a bounds-checked reader, varints, and number
// columns that round trip every float64 exactly. A number column is either the raw float64 bytes
// shuffled (all first bytes, then all second bytes, ...: the sign/exponent planes of similar values are
// nearly constant, so deflate removes them), or, when every value is an integer over 10^k (a meter's
// decimal resolution), those integers delta coded as zigzag varints. The decimal form is kept only when
// the decoder's own division gives every value back bit for bit (-0, NaN and infinities stay raw).

/** A body that cannot be decoded, or a day that cannot be encoded; says what is wrong. */
export class RollupCodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RollupCodecError';
  }
}

const MAX_DECIMALS = 9;
const POW10 = Array.from({ length: MAX_DECIMALS + 1 }, (_, k) => 10 ** k);
/** Zigzag doubles its input: keep integers and deltas below 2^51 so it stays exact. */
const MAX_SAFE_DELTA = 2 ** 51;

export class Writer {
  private buf = new Uint8Array(1024);
  private len = 0;
  private readonly scratch = new DataView(new ArrayBuffer(8));

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.len++] = v & 0xff;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  /** Unsigned integer below 2^53, 7 bits a byte. */
  varint(v: number): void {
    let x = v;
    while (x >= 128) {
      this.u8((x % 128) | 128);
      x = Math.floor(x / 128);
    }
    this.u8(x);
  }
  f64(v: number): void {
    this.scratch.setFloat64(0, v, true);
    this.bytes(new Uint8Array(this.scratch.buffer.slice(0)));
  }
  /** Little-endian words of `width` bytes, stored plane by plane (byte 0 of all, then byte 1, ...). */
  shuffled(words: Uint8Array, width: number): void {
    const n = words.length / width;
    this.room(words.length);
    for (let b = 0; b < width; b++) for (let i = 0; i < n; i++) this.buf[this.len++] = words[i * width + b]!;
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export class Reader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length)
      throw new RollupCodecError(`truncated body: ${what} needs ${n} bytes at offset ${this.pos}, ${this.buf.length - this.pos} left`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  varint(what: string): number {
    let x = 0;
    let scale = 1;
    for (;;) {
      const b = this.u8(what);
      x += (b & 127) * scale;
      if (b < 128) return x;
      scale *= 128;
      if (scale > 2 ** 56) throw new RollupCodecError(`corrupt body: ${what} is a varint longer than 8 bytes`);
    }
  }
  f64(what: string): number {
    // Not .slice().buffer: a Buffer's slice shares its pool, whose buffer starts elsewhere.
    const b = this.bytes(8, what);
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
  }
  unshuffled(n: number, width: number, what: string): Uint8Array {
    const planes = this.bytes(n * width, what);
    const out = new Uint8Array(n * width);
    for (let b = 0; b < width; b++) for (let i = 0; i < n; i++) out[i * width + b] = planes[b * n + i]!;
    return out;
  }
  end(): void {
    if (this.pos !== this.buf.length)
      throw new RollupCodecError(`corrupt body: ${this.buf.length - this.pos} bytes left after the last column`);
  }
}

const zigzag = (d: number): number => (d >= 0 ? 2 * d : -2 * d - 1);
const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/** The smallest k such that every value is an integer over 10^k with small deltas; undefined when none. */
function decimalsOf(values: readonly number[]): number | undefined {
  if (values.length === 0 || !values.every((v) => Number.isFinite(v) && !Object.is(v, -0))) return undefined;
  for (let k = 0; k <= MAX_DECIMALS; k++) {
    let prev = 0;
    const ok = values.every((v) => {
      const m = Math.round(v * POW10[k]!);
      const fits = Math.abs(m) < MAX_SAFE_DELTA && Math.abs(m - prev) < MAX_SAFE_DELTA && m / POW10[k]! === v;
      prev = m;
      return fits;
    });
    if (ok) return k;
  }
  return undefined;
}

/** A column of n float64 values (n known to the reader): mode byte, then the values. */
export function writeNumbers(w: Writer, values: readonly number[]): void {
  const k = decimalsOf(values);
  if (k !== undefined) {
    w.u8(1 + k);
    let prev = 0;
    for (const v of values) {
      const m = Math.round(v * POW10[k]!);
      w.varint(zigzag(m - prev));
      prev = m;
    }
    return;
  }
  w.u8(0);
  const words = new Uint8Array(values.length * 8);
  const view = new DataView(words.buffer);
  values.forEach((v, i) => view.setFloat64(i * 8, v, true));
  w.shuffled(words, 8);
}

export function readNumbers(r: Reader, n: number, what: string): number[] {
  const mode = r.u8(`${what} mode`);
  if (mode === 0) {
    const words = r.unshuffled(n, 8, what);
    const view = new DataView(words.buffer);
    return Array.from({ length: n }, (_, i) => view.getFloat64(i * 8, true));
  }
  if (mode > 1 + MAX_DECIMALS) throw new RollupCodecError(`corrupt body: ${what} has column mode ${mode}`);
  const scale = POW10[mode - 1]!;
  const out: number[] = [];
  let m = 0;
  for (let i = 0; i < n; i++) {
    m += unzigzag(r.varint(what));
    out.push(m / scale);
  }
  return out;
}

/** A column of n int32 values, shuffled. */
export function writeInt32s(w: Writer, values: readonly number[]): void {
  const words = new Uint8Array(values.length * 4);
  const view = new DataView(words.buffer);
  values.forEach((v, i) => view.setInt32(i * 4, v, true));
  w.shuffled(words, 4);
}

export function readInt32s(r: Reader, n: number, what: string): number[] {
  const view = new DataView(r.unshuffled(n, 4, what).buffer);
  return Array.from({ length: n }, (_, i) => view.getInt32(i * 4, true));
}

/** A column of n unsigned 16-bit words, shuffled (flags). */
export function writeU16s(w: Writer, values: readonly number[]): void {
  const words = new Uint8Array(values.length * 2);
  const view = new DataView(words.buffer);
  values.forEach((v, i) => view.setUint16(i * 2, v, true));
  w.shuffled(words, 2);
}

export function readU16s(r: Reader, n: number, what: string): number[] {
  const view = new DataView(r.unshuffled(n, 2, what).buffer);
  return Array.from({ length: n }, (_, i) => view.getUint16(i * 2, true));
}
