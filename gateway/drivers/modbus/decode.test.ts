import t from 'tap';
import { encodeValue } from '../../../sim/modbus/encode.js';
import { normalizeHex } from '../../profiles/resolve.js';
import type { ValueType } from '../../profiles/schema.js';
import { TYPE_WORDS } from '../../profiles/schema.js';
import { canonicalBytes, decodeAscii, decodeNumeric, decodeRaw, pf4Quadrant, rawHex, type NumericSpec } from './decode.js';
import { mulberry32 } from '../../../test/helpers/seed.js';

type Order = 'big' | 'little';
const loc = (type: ValueType, wordOrder: Order = 'big', byteOrder: Order = 'big') => ({ type, wordOrder, byteOrder });
const spec = (type: ValueType, extra: Partial<NumericSpec> = {}): NumericSpec => ({
  type,
  wordOrder: 'big',
  byteOrder: 'big',
  scale: 1,
  offset: 0,
  notAvailable: [],
  ...extra,
});
const close = (a: number, b: number, eps = 1e-9) => Math.abs(a - b) <= eps;

t.test('decodeRaw: every type in every word and byte order', async (t) => {
  const cases: { type: ValueType; wo?: Order; bo?: Order; words: number[]; want: number | bigint | string }[] = [
    { type: 'u16', words: [0x1234], want: 0x1234 },
    { type: 'u16', bo: 'little', words: [0x1234], want: 0x3412 },
    { type: 'u16', wo: 'little', words: [0x1234], want: 0x1234 },
    { type: 'u16', words: [0xffff], want: 65535 },
    { type: 'i16', words: [0xffff], want: -1 },
    { type: 'i16', words: [0x8000], want: -32768 },
    { type: 'i16', words: [0x7fff], want: 32767 },
    { type: 'i16', bo: 'little', words: [0xfeff], want: -2 },
    { type: 'u32', words: [0x0001, 0x0002], want: 0x00010002 },
    { type: 'u32', wo: 'little', words: [0x0001, 0x0002], want: 0x00020001 },
    { type: 'u32', bo: 'little', words: [0x0100, 0x0200], want: 0x00010002 },
    { type: 'u32', wo: 'little', bo: 'little', words: [0x0200, 0x0100], want: 0x00010002 },
    { type: 'u32', words: [0xffff, 0xffff], want: 4294967295 },
    { type: 'i32', words: [0xffff, 0xfffe], want: -2 },
    { type: 'i32', wo: 'little', words: [0xfffe, 0xffff], want: -2 },
    { type: 'i32', words: [0x8000, 0x0000], want: -2147483648 },
    { type: 'i32', words: [0x0001, 0x86a0], want: 100000 },
    { type: 'u64', words: [0x0000, 0x0000, 0x0001, 0x0000], want: 65536n },
    { type: 'u64', wo: 'little', words: [0x0000, 0x0001, 0x0000, 0x0000], want: 65536n },
    { type: 'u64', words: [0xffff, 0xffff, 0xffff, 0xffff], want: 18446744073709551615n },
    { type: 'u64', words: [0x0123, 0x4567, 0x89ab, 0xcdef], want: 0x0123456789abcdefn },
    { type: 'u64', wo: 'little', bo: 'little', words: [0xefcd, 0xab89, 0x6745, 0x2301], want: 0x0123456789abcdefn },
    { type: 'i64', words: [0xffff, 0xffff, 0xffff, 0xffff], want: -1n },
    { type: 'i64', words: [0x8000, 0x0000, 0x0000, 0x0000], want: -9223372036854775808n },
    { type: 'i64', wo: 'little', words: [0xfffe, 0xffff, 0xffff, 0xffff], want: -2n },
    { type: 'f32', words: [0x4366, 0x8000], want: 230.5 },
    { type: 'f32', wo: 'little', words: [0x8000, 0x4366], want: 230.5 },
    { type: 'f32', bo: 'little', words: [0x6643, 0x0080], want: 230.5 },
    { type: 'f32', wo: 'little', bo: 'little', words: [0x0080, 0x6643], want: 230.5 },
    { type: 'f32', words: [0x4248, 0x0000], want: 50 },
    { type: 'f32', words: [0xc248, 0x0000], want: -50 },
    { type: 'f32', words: [0x0000, 0x0000], want: 0 },
    { type: 'f64', words: [0x406c, 0xd000, 0x0000, 0x0000], want: 230.5 },
    { type: 'f64', wo: 'little', words: [0x0000, 0x0000, 0xd000, 0x406c], want: 230.5 },
    { type: 'f64', bo: 'little', words: [0x6c40, 0x00d0, 0x0000, 0x0000], want: 230.5 },
    { type: 'f64', words: [0x3ff0, 0x0000, 0x0000, 0x0000], want: 1 },
    { type: 'string', words: [0x4142, 0x4344], want: 'ABCD' },
    { type: 'string', wo: 'little', words: [0x4142, 0x4344], want: 'ABCD' },
    { type: 'string', bo: 'little', words: [0x4241, 0x4443], want: 'ABCD' },
    { type: 'string', words: [0x4142, 0x4300], want: 'ABC' },
    { type: 'string', words: [0x4142, 0x4320, 0x2020], want: 'ABC' },
  ];
  for (const c of cases) {
    const got = decodeRaw(c.words, loc(c.type, c.wo, c.bo));
    t.equal(got, c.want, `${c.type} wo=${c.wo ?? 'big'} bo=${c.bo ?? 'big'} ${rawHex(c.words)}`);
  }
});

t.test('canonicalBytes puts registers in big-endian byte order', async (t) => {
  const cases = [
    { words: [0x4366, 0x8000], wo: 'big', bo: 'big', hex: '43668000' },
    { words: [0x8000, 0x4366], wo: 'little', bo: 'big', hex: '43668000' },
    { words: [0x6643, 0x0080], wo: 'big', bo: 'little', hex: '43668000' },
    { words: [0x4142, 0x4344], wo: 'little', bo: 'big', hex: '41424344' },
  ] as const;
  for (const c of cases) {
    const type = c.hex === '41424344' ? 'string' : 'f32';
    t.equal(canonicalBytes(c.words, loc(type, c.wo, c.bo)).toString('hex'), c.hex, `${type} ${c.wo}/${c.bo}`);
  }
});

t.test('decodeAscii stops at the first NUL, drops control bytes and trims spaces', async (t) => {
  const cases = [
    { bytes: [0x41, 0x42, 0x43, 0x00, 0x58, 0x59], want: 'ABC' },
    { bytes: [0x20, 0x41, 0x42, 0x20, 0x20, 0x20], want: 'AB' },
    { bytes: [0x00, 0x41, 0x42], want: '' },
    { bytes: [0x41, 0x0d, 0x0a, 0x42, 0xff, 0x43], want: 'ABC' },
    { bytes: [0x31, 0x32, 0x33, 0x34, 0x35, 0x36], want: '123456' },
    { bytes: [0x20, 0x20, 0x00, 0x00], want: '' },
  ];
  for (const c of cases) t.equal(decodeAscii(Buffer.from(c.bytes)), c.want, Buffer.from(c.bytes).toString('hex'));
});

t.test('rawHex and normalizeHex agree on sentinel spelling', async (t) => {
  t.equal(rawHex([0xffff, 0xffff]), 'ffffffff');
  t.equal(rawHex([0x0001, 0x00ab]), '000100ab');
  t.equal(rawHex([0x7fff]), '7fff');
  t.equal(normalizeHex('FFFFFFFF'), 'ffffffff');
  t.equal(normalizeHex('0xFFFFFFFF'), 'ffffffff');
  t.equal(normalizeHex('0x7FFF'), '7fff');
  t.equal(normalizeHex('8000abcd'), '8000abcd');
});

t.test('decodeNumeric applies scale and offset to the raw value', async (t) => {
  const cases: { words: number[]; spec: NumericSpec; want: number }[] = [
    { words: [2305], spec: spec('u16', { scale: 0.1 }), want: 230.5 },
    { words: [0xfffb], spec: spec('i16', { scale: 0.5, offset: 10 }), want: 7.5 },
    { words: [0x0012, 0xd687], spec: spec('u32', { scale: 0.001 }), want: 1234.567 },
    { words: [0xd687, 0x0012], spec: spec('u32', { scale: 0.001, wordOrder: 'little' }), want: 1234.567 },
    { words: [0xffff, 0xff9c], spec: spec('i32', { scale: 0.01 }), want: -1 },
    { words: [0x0000, 0x0000, 0x0000, 0x03e8], spec: spec('u64', { scale: 0.001 }), want: 1 },
    { words: [0xffff, 0xffff, 0xffff, 0xfc18], spec: spec('i64', { scale: 0.1 }), want: -100 },
    { words: [0x4366, 0x8000], spec: spec('f32', { scale: 1000 }), want: 230500 },
    { words: [0x4366, 0x8000], spec: spec('f32', { offset: -30.5 }), want: 200 },
    { words: [0x406c, 0xd000, 0, 0], spec: spec('f64', { scale: 2, offset: 1 }), want: 462 },
    { words: [0x0000], spec: spec('u16', { scale: 0.1, offset: -40 }), want: -40 },
  ];
  for (const c of cases) {
    const d = decodeNumeric(c.words, c.spec);
    t.ok(
      d.ok && close(d.value, c.want),
      `${c.spec.type} ${rawHex(c.words)} scale ${c.spec.scale} offset ${c.spec.offset} -> ${c.want} (got ${JSON.stringify(d)})`,
    );
  }
});

t.test('decodeNumeric: notAvailable sentinels match the raw words as sent, before any decoding', async (t) => {
  const na = (...s: string[]) => s.map(normalizeHex);
  const cases: { name: string; words: number[]; spec: NumericSpec; want: ReturnType<typeof decodeNumeric> }[] = [
    {
      name: 'u32 FFFFFFFF',
      words: [0xffff, 0xffff],
      spec: spec('u32', { scale: 0.1, notAvailable: na('FFFFFFFF') }),
      want: { ok: false, reason: 'not_available' },
    },
    {
      name: 'u32 0xFFFFFFFF prefix',
      words: [0xffff, 0xffff],
      spec: spec('u32', { notAvailable: na('0xFFFFFFFF') }),
      want: { ok: false, reason: 'not_available' },
    },
    {
      name: 'i32 7FFFFFFF',
      words: [0x7fff, 0xffff],
      spec: spec('i32', { scale: 0.01, notAvailable: na('7FFFFFFF') }),
      want: { ok: false, reason: 'not_available' },
    },
    {
      name: 'i16 7FFF among several',
      words: [0x7fff],
      spec: spec('i16', { notAvailable: na('8000', '0x7fff') }),
      want: { ok: false, reason: 'not_available' },
    },
    {
      name: 'i16 8000 among several',
      words: [0x8000],
      spec: spec('i16', { notAvailable: na('8000', '0x7fff') }),
      want: { ok: false, reason: 'not_available' },
    },
    {
      name: 'u16 FFFF',
      words: [0xffff],
      spec: spec('u16', { scale: 0.01, notAvailable: na('FFFF') }),
      want: { ok: false, reason: 'not_available' },
    },
    {
      name: 'f32 NaN sentinel wins over not_finite',
      words: [0xffc0, 0x0000],
      spec: spec('f32', { notAvailable: na('FFC00000') }),
      want: { ok: false, reason: 'not_available' },
    },
    {
      name: 'value next to the sentinel decodes',
      words: [0xffff, 0xfffe],
      spec: spec('u32', { notAvailable: na('FFFFFFFF') }),
      want: { ok: true, value: 4294967294 },
    },
    { name: 'i16 7FFE decodes', words: [0x7ffe], spec: spec('i16', { notAvailable: na('7FFF') }), want: { ok: true, value: 32766 } },
    // LSW-first: the sentinel is compared with the registers in wire order, not the canonical value.
    {
      name: 'LSW-first compares wire order',
      words: [0x0000, 0x8000],
      spec: spec('i32', { wordOrder: 'little', notAvailable: na('00008000') }),
      want: { ok: false, reason: 'not_available' },
    },
    {
      name: 'LSW-first canonical spelling does not match',
      words: [0x0000, 0x8000],
      spec: spec('i32', { wordOrder: 'little', notAvailable: na('80000000') }),
      want: { ok: true, value: -2147483648 },
    },
  ];
  for (const c of cases) t.same(decodeNumeric(c.words, c.spec), c.want, c.name);
});

t.test('decodeNumeric: NaN, infinities and strings are not_finite', async (t) => {
  const cases: { name: string; words: number[]; spec: NumericSpec }[] = [
    { name: 'f32 quiet NaN', words: [0x7fc0, 0x0000], spec: spec('f32') },
    { name: 'f32 NaN LSW-first', words: [0x0000, 0x7fc0], spec: spec('f32', { wordOrder: 'little' }) },
    { name: 'f32 FFFFFFFF (NaN)', words: [0xffff, 0xffff], spec: spec('f32') },
    { name: 'f32 +Infinity', words: [0x7f80, 0x0000], spec: spec('f32') },
    { name: 'f32 -Infinity', words: [0xff80, 0x0000], spec: spec('f32', { scale: 0.1 }) },
    { name: 'f64 NaN', words: [0x7ff8, 0, 0, 0], spec: spec('f64') },
    { name: 'f64 +Infinity', words: [0x7ff0, 0, 0, 0], spec: spec('f64') },
    { name: 'string is not a number', words: [0x3132, 0x3300], spec: spec('string') },
  ];
  for (const c of cases) t.same(decodeNumeric(c.words, c.spec), { ok: false, reason: 'not_finite' }, c.name);
});

t.test('pf4Quadrant folds values beyond ±1 back and keeps the sign', async (t) => {
  const cases = [
    [0.9, 0.9],
    [-0.9, -0.9],
    [1, 1],
    [-1, -1],
    [0, 0],
    [1.2, 0.8],
    [1.95, 0.05],
    [2, 0],
    [-1.3, -0.7],
    [-1.999, -0.001],
    [-2, 0],
  ] as const;
  for (const [x, want] of cases) t.ok(close(pf4Quadrant(x), want, 1e-12), `${x} -> ${want} (got ${pf4Quadrant(x)})`);

  // In decodeNumeric the transform comes before scale and offset.
  const f32 = (v: number) => encodeValue(v, { type: 'f32', words: 2, wordOrder: 'big', byteOrder: 'big' });
  const viaDecode = [
    { raw: 1.2, scale: 1, want: 0.8 },
    { raw: -1.25, scale: 1, want: -0.75 },
    { raw: 0.5, scale: 1, want: 0.5 },
    { raw: 1.5, scale: 100, want: 50 },
  ];
  for (const c of viaDecode) {
    const d = decodeNumeric(f32(c.raw), spec('f32', { transform: 'pf_4quadrant', scale: c.scale }));
    t.ok(d.ok && close(d.value, c.want, 1e-5), `pf ${c.raw} x${c.scale} -> ${c.want} (got ${JSON.stringify(d)})`);
  }
  const plain = decodeNumeric(f32(1.25), spec('f32'));
  t.same(plain, { ok: true, value: 1.25 }, 'without the transform 1.25 stays 1.25');
});

const ORDERS: [Order, Order][] = [
  ['big', 'big'],
  ['little', 'big'],
  ['big', 'little'],
  ['little', 'little'],
];

t.test('round trip: encodeValue then decodeNumeric gives the value back within type precision', async (t) => {
  const rnd = mulberry32(20260101);
  const ranges: Record<Exclude<ValueType, 'string'>, [number, number]> = {
    u16: [0, 65535],
    i16: [-32768, 32767],
    u32: [0, 4294967295],
    i32: [-2147483648, 2147483647],
    u64: [0, 2 ** 53],
    i64: [-(2 ** 53), 2 ** 53],
    f32: [-1e6, 1e6],
    f64: [-1e12, 1e12],
  };
  const scales = [
    { scale: 1, offset: 0 },
    { scale: 0.1, offset: 0 },
    { scale: 0.01, offset: -5 },
    { scale: 0.001, offset: 0 },
    { scale: 10, offset: 0 },
  ];
  let checked = 0;
  const failures: string[] = [];
  for (const [type, [lo, hi]] of Object.entries(ranges) as [Exclude<ValueType, 'string'>, [number, number]][]) {
    const isFloat = type === 'f32' || type === 'f64';
    for (const [wordOrder, byteOrder] of ORDERS) {
      for (const { scale, offset } of scales) {
        for (let i = 0; i < 50; i++) {
          // A raw value inside the type's range, expressed in the measurement's unit.
          const raw = isFloat ? lo + rnd() * (hi - lo) : Math.round(lo + rnd() * (hi - lo));
          const value = raw * scale + offset;
          const enc = { type, words: TYPE_WORDS[type], wordOrder, byteOrder, scale, offset };
          const words = encodeValue(value, enc);
          if (words.length !== TYPE_WORDS[type] || words.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffff)) {
            failures.push(`${type} ${value}: bad words ${JSON.stringify(words)}`);
            continue;
          }
          const d = decodeNumeric(words, { type, wordOrder, byteOrder, scale, offset, notAvailable: [] });
          // Integers: half a step of the scale (plus float noise); f32: 2^-23 relative; f64: float noise only.
          const tol =
            type === 'f32'
              ? Math.abs(value - offset) * 2 ** -23 + 1e-9
              : type === 'f64'
                ? Math.abs(value) * 1e-12 + 1e-9
                : scale / 2 + Math.abs(value) * 1e-12 + 1e-9;
          checked++;
          if (!d.ok || Math.abs(d.value - value) > tol)
            failures.push(`${type} ${wordOrder}/${byteOrder} x${scale}+${offset}: ${value} -> ${JSON.stringify(d)}`);
        }
      }
    }
  }
  t.equal(checked, 8 * 4 * 5 * 50, 'every case checked');
  t.same(failures, [], `${checked} values round-trip`);
});

t.test('round trip is exact for unscaled integers and for f32-representable floats', async (t) => {
  const cases: { type: Exclude<ValueType, 'string'>; values: number[] }[] = [
    { type: 'u16', values: [0, 1, 255, 256, 65534, 65535] },
    { type: 'i16', values: [-32768, -1, 0, 1, 32767] },
    { type: 'u32', values: [0, 65535, 65536, 4294967295] },
    { type: 'i32', values: [-2147483648, -65536, -1, 0, 2147483647] },
    { type: 'u64', values: [0, 1, 2 ** 32, 2 ** 53 - 1] },
    { type: 'i64', values: [-(2 ** 53), -123456789012, -1, 0, 2 ** 53 - 1] },
    { type: 'f32', values: [0, 230.5, -0.75, Math.fround(0.1), Math.fround(1e30), 2 ** -20] },
    { type: 'f64', values: [0, 0.1, -1e300, Math.PI, 2 ** 60 + 2 ** 8] },
  ];
  for (const c of cases) {
    for (const [wordOrder, byteOrder] of ORDERS) {
      for (const v of c.values) {
        const words = encodeValue(v, { type: c.type, words: TYPE_WORDS[c.type], wordOrder, byteOrder });
        t.same(
          decodeNumeric(words, { type: c.type, wordOrder, byteOrder, scale: 1, offset: 0, notAvailable: [] }),
          { ok: true, value: v },
          `${c.type} ${wordOrder}/${byteOrder} ${v}`,
        );
      }
    }
  }
  t.same(encodeValue(230.5, { type: 'f32', words: 2, wordOrder: 'big', byteOrder: 'big' }), [0x4366, 0x8000], 'f32 230.5 big-endian');
  t.same(encodeValue(230.5, { type: 'f32', words: 2, wordOrder: 'little', byteOrder: 'big' }), [0x8000, 0x4366], 'f32 230.5 LSW first');
  const v = 0.1;
  const f32 = decodeNumeric(encodeValue(v, { type: 'f32', words: 2, wordOrder: 'big', byteOrder: 'big' }), spec('f32'));
  t.same(f32, { ok: true, value: Math.fround(v) }, 'f32 rounds to the nearest float32');
});

t.test('integers wrap at their width, as counters do', async (t) => {
  const cases: { type: Exclude<ValueType, 'string'>; value: number; words: number[]; decoded: number | bigint }[] = [
    { type: 'u32', value: 2 ** 32 + 5, words: [0x0000, 0x0005], decoded: 5 },
    { type: 'u32', value: 2 ** 32, words: [0x0000, 0x0000], decoded: 0 },
    { type: 'u32', value: -1, words: [0xffff, 0xffff], decoded: 4294967295 },
    { type: 'u16', value: 65536 + 7, words: [0x0007], decoded: 7 },
    { type: 'u16', value: -1, words: [0xffff], decoded: 65535 },
    { type: 'i16', value: 40000, words: [0x9c40], decoded: 40000 - 65536 },
    { type: 'i32', value: 2 ** 31, words: [0x8000, 0x0000], decoded: -(2 ** 31) },
    { type: 'u64', value: 2 ** 64 + 4096, words: [0, 0, 0, 0x1000], decoded: 4096n },
    { type: 'i64', value: -1, words: [0xffff, 0xffff, 0xffff, 0xffff], decoded: -1n },
  ];
  for (const c of cases) {
    const words = encodeValue(c.value, { type: c.type, words: TYPE_WORDS[c.type], wordOrder: 'big', byteOrder: 'big' });
    t.same(words, c.words, `${c.type} ${c.value} encodes to ${rawHex(c.words)}`);
    t.equal(decodeRaw(words, loc(c.type)), c.decoded, `${c.type} ${c.value} decodes to ${c.decoded}`);
    const lsw = encodeValue(c.value, { type: c.type, words: TYPE_WORDS[c.type], wordOrder: 'little', byteOrder: 'big' });
    t.same(lsw, [...c.words].reverse(), `${c.type} ${c.value} LSW first`);
  }
  // A scaled counter: 0.01 kWh steps in a u32 roll over at 2^32 steps.
  const scaled = { type: 'u32' as const, words: 2, wordOrder: 'big' as const, byteOrder: 'big' as const, scale: 0.01 };
  const d = decodeNumeric(encodeValue((2 ** 32 + 150) * 0.01, scaled), spec('u32', { scale: 0.01 }));
  t.ok(d.ok && close(d.value, 1.5), `scaled counter wraps to 1.5 kWh (got ${JSON.stringify(d)})`);
});

t.test('strings round-trip with NUL padding and are cut to their registers', async (t) => {
  const cases = [
    { value: 'SN1234', words: 4, want: 'SN1234' },
    { value: 'EM24', words: 2, want: 'EM24' },
    { value: 'ABC', words: 2, want: 'ABC' },
    { value: 'TOO-LONG-NAME', words: 3, want: 'TOO-LO' },
    { value: '', words: 2, want: '' },
    { value: 'PAC2200  ', words: 5, want: 'PAC2200' },
  ];
  for (const c of cases) {
    for (const [wordOrder, byteOrder] of ORDERS) {
      const words = encodeValue(c.value, { type: 'string', words: c.words, wordOrder, byteOrder });
      t.equal(words.length, c.words, `"${c.value}" fills ${c.words} registers`);
      t.equal(decodeRaw(words, loc('string', wordOrder, byteOrder)), c.want, `"${c.value}" ${wordOrder}/${byteOrder}`);
    }
  }
  t.same(encodeValue('ABC', { type: 'string', words: 2, wordOrder: 'big', byteOrder: 'big' }), [0x4142, 0x4300], 'NUL padded');
  t.same(
    encodeValue('ABC', { type: 'string', words: 2, wordOrder: 'little', byteOrder: 'big' }),
    [0x4142, 0x4300],
    'word order does not reverse text',
  );
  t.same(
    encodeValue('ABC', { type: 'string', words: 2, wordOrder: 'big', byteOrder: 'little' }),
    [0x4241, 0x0043],
    'byte order swaps inside registers',
  );
});
