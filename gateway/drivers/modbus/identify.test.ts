import t from 'tap';
import { encodeValue } from '../../../sim/modbus/encode.js';
import type { ResolvedProbe } from '../../profiles/resolve.js';
import type { ValueType } from '../../profiles/schema.js';
import { TYPE_WORDS } from '../../profiles/schema.js';
import { parseUnitList, probeMatches } from './identify.js';

const probe = (
  type: ValueType,
  expect: Pick<ResolvedProbe, 'equals' | 'oneOf' | 'range'>,
  words = type === 'string' ? 4 : TYPE_WORDS[type],
): ResolvedProbe => ({
  fn: 'holding',
  address: 0,
  words,
  type,
  wordOrder: 'big',
  byteOrder: 'big',
  ...expect,
});
const enc = (p: ResolvedProbe, v: number | string) => encodeValue(v, p);

t.test('probeMatches checks equals, oneOf and range on the decoded value', async (t) => {
  const cases: { name: string; probe: ResolvedProbe; value?: number | string; words?: number[]; want: boolean }[] = [
    { name: 'string equals', probe: probe('string', { equals: 'EM24' }), value: 'EM24', want: true },
    { name: 'string equals, meter pads with spaces', probe: probe('string', { equals: 'EM24' }), value: 'EM24    ', want: true },
    { name: 'string equals, profile value padded', probe: probe('string', { equals: ' EM24 ' }), value: 'EM24', want: true },
    { name: 'string equals, NUL padded', probe: probe('string', { equals: 'PAC' }), words: [0x5041, 0x4300, 0x0000, 0x0000], want: true },
    { name: 'string differs', probe: probe('string', { equals: 'EM24' }), value: 'EM21', want: false },
    { name: 'string is only a prefix', probe: probe('string', { equals: 'EM24' }), value: 'EM24DIN', want: false },
    { name: 'string without expectation', probe: probe('string', {}), value: 'anything', want: true },
    { name: 'u16 equals', probe: probe('u16', { equals: 337 }), value: 337, want: true },
    { name: 'u16 equals, other value', probe: probe('u16', { equals: 337 }), value: 338, want: false },
    { name: 'u16 equals given as text', probe: probe('u16', { equals: '337' }), value: 337, want: true },
    { name: 'u32 equals zero', probe: probe('u32', { equals: 0 }), value: 0, want: true },
    { name: 'i16 equals negative', probe: probe('i16', { equals: -1 }), words: [0xffff], want: true },
    { name: 'u64 equals (bigint raw)', probe: probe('u64', { equals: 4096 }), value: 4096, want: true },
    { name: 'oneOf hit', probe: probe('u16', { oneOf: [1, 2, 3] }), value: 2, want: true },
    { name: 'oneOf miss', probe: probe('u16', { oneOf: [1, 2, 3] }), value: 4, want: false },
    { name: 'range inside', probe: probe('f32', { range: [45, 65] }), value: 50, want: true },
    { name: 'range lower bound', probe: probe('f32', { range: [45, 65] }), value: 45, want: true },
    { name: 'range upper bound', probe: probe('f32', { range: [45, 65] }), value: 65, want: true },
    { name: 'range below', probe: probe('f32', { range: [45, 65] }), value: 44.9, want: false },
    { name: 'range above', probe: probe('f32', { range: [45, 65] }), value: 65.1, want: false },
    { name: 'range on zeros (empty map)', probe: probe('f32', { range: [45, 65] }), value: 0, want: false },
    { name: 'range on integers', probe: probe('u16', { range: [4900, 5100] }), value: 5000, want: true },
    { name: 'NaN fails a range', probe: probe('f32', { range: [45, 65] }), words: [0x7fc0, 0x0000], want: false },
    { name: 'NaN fails even without expectations', probe: probe('f32', {}), words: [0x7fc0, 0x0000], want: false },
    { name: 'Infinity fails', probe: probe('f32', {}), words: [0x7f80, 0x0000], want: false },
    { name: 'number without expectations', probe: probe('u16', {}), value: 12, want: true },
    { name: 'all constraints pass', probe: probe('u16', { equals: 5, oneOf: [5, 6], range: [0, 10] }), value: 5, want: true },
    { name: 'one constraint fails', probe: probe('u16', { equals: 5, oneOf: [6, 7], range: [0, 10] }), value: 5, want: false },
  ];
  for (const c of cases) {
    const words = c.words ?? enc(c.probe, c.value!);
    t.equal(probeMatches(c.probe, words), c.want, c.name);
  }
});

t.test('probeMatches honours word order', async (t) => {
  const lsw: ResolvedProbe = { ...probe('u32', { equals: 0x00010002 }), wordOrder: 'little' };
  t.equal(probeMatches(lsw, [0x0002, 0x0001]), true, 'LSW first');
  t.equal(probeMatches(lsw, [0x0001, 0x0002]), false, 'MSW first is another value');
});

t.test('parseUnitList reads ranges and lists', async (t) => {
  const cases: { spec: string; want: number[] }[] = [
    { spec: '1', want: [1] },
    { spec: '247', want: [247] },
    { spec: '1-3', want: [1, 2, 3] },
    { spec: '1-3,5', want: [1, 2, 3, 5] },
    { spec: '20, 3 ,10-12', want: [3, 10, 11, 12, 20] },
    { spec: '5,5,4-6', want: [4, 5, 6] },
    { spec: '7-7', want: [7] },
    { spec: '1,,2,', want: [1, 2] },
    { spec: '', want: [] },
  ];
  for (const c of cases) t.same(parseUnitList(c.spec), c.want, `"${c.spec}"`);
  const all = parseUnitList('1-247');
  t.equal(all.length, 247, 'the whole address space');
  t.equal(all[0], 1);
  t.equal(all[246], 247);
});

t.test('parseUnitList rejects what is not a unit id', async (t) => {
  const cases = [
    { spec: '0', message: /unit range 0 must lie within 1-247/ },
    { spec: '248', message: /unit range 248 must lie within 1-247/ },
    { spec: '0-5', message: /unit range 0-5 must lie within 1-247/ },
    { spec: '200-300', message: /unit range 200-300 must lie within 1-247/ },
    { spec: '5-3', message: /unit range 5-3 must lie within 1-247/ },
    { spec: 'a', message: /"a" is not a unit id or range/ },
    { spec: '1,a', message: /"a" is not a unit id or range/ },
    { spec: '-1', message: /"-1" is not a unit id or range/ },
    { spec: '1-', message: /"1-" is not a unit id or range/ },
    { spec: '1.5', message: /"1.5" is not a unit id or range/ },
    { spec: '1 - 3', message: /"1 - 3" is not a unit id or range/ },
  ];
  for (const c of cases) t.throws(() => parseUnitList(c.spec), { message: c.message }, `"${c.spec}"`);
});
