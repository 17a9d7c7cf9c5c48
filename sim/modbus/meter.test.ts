import t from 'tap';
import { decodeNumeric, decodeRaw } from '../../gateway/drivers/modbus/decode.js';
import type { ResolvedField, ResolvedProfile, ValueLocation } from '../../gateway/profiles/resolve.js';
import type { Measurement } from '../../protocol/measurements.js';
import { readableSpans, SimMeter, type ReadAnswer } from './meter.js';

const f32 = (fn: 'holding' | 'input', address: number): ValueLocation => ({
  fn,
  address,
  words: 2,
  type: 'f32',
  wordOrder: 'big',
  byteOrder: 'big',
});
const field = (measurement: Measurement, channel: string, loc: ValueLocation, extra: Partial<ResolvedField> = {}): ResolvedField => ({
  ...loc,
  key: `${measurement}:${channel}`,
  measurement,
  channel,
  scale: 1,
  offset: 0,
  notAvailable: [],
  ...extra,
});

/**
 * Holding: voltage 0-1, power 2-3, (gap 4-9), energy 10-11, (gap 12-29), frequency 30-31,
 * serial 100-101, identify probe 200. Input: current 0-1.
 */
const PROFILE: ResolvedProfile = {
  id: 'test-meter',
  manufacturer: 'Acme',
  model: 'M1',
  maxRegistersPerRequest: 125,
  maxGapRegisters: 6,
  identifyPriority: 0,
  fields: [
    field('voltage_v', 'l1', f32('holding', 0)),
    field('power_w', 'total', f32('holding', 2)),
    field('energy_import_kwh', 'total', f32('holding', 10), { counter: { bits: 32, resolutionKwh: 0.0078125 } }),
    field('frequency_hz', 'total', f32('holding', 30)),
    field('current_a', 'l1', f32('input', 0)),
  ],
  serial: [{ fn: 'holding', address: 100, words: 2, type: 'u32', wordOrder: 'big', byteOrder: 'big' }],
  identify: [{ fn: 'holding', address: 200, words: 1, type: 'u16', wordOrder: 'big', byteOrder: 'big', equals: 42 }],
};

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const HOUR = 3_600_000;

function words(a: ReadAnswer): number[] {
  if (!('words' in a)) throw new Error(`exception ${a.exception}`);
  return a.words;
}
const valueOf = (a: ReadAnswer) => {
  const d = decodeNumeric(words(a), { type: 'f32', wordOrder: 'big', byteOrder: 'big', scale: 1, offset: 0, notAvailable: [] });
  return d.ok ? d.value : NaN;
};

t.test('readableSpans joins mapped registers across gaps up to maxGap only', async (t) => {
  const cases: { maxGap: number; want: string[] }[] = [
    { maxGap: 0, want: ['holding 0-3', 'holding 10-11', 'holding 30-31', 'holding 100-101', 'holding 200-200', 'input 0-1'] },
    { maxGap: 5, want: ['holding 0-3', 'holding 10-11', 'holding 30-31', 'holding 100-101', 'holding 200-200', 'input 0-1'] },
    { maxGap: 6, want: ['holding 0-11', 'holding 30-31', 'holding 100-101', 'holding 200-200', 'input 0-1'] },
    { maxGap: 17, want: ['holding 0-11', 'holding 30-31', 'holding 100-101', 'holding 200-200', 'input 0-1'] },
    { maxGap: 18, want: ['holding 0-31', 'holding 100-101', 'holding 200-200', 'input 0-1'] },
    { maxGap: 67, want: ['holding 0-31', 'holding 100-101', 'holding 200-200', 'input 0-1'] },
    { maxGap: 68, want: ['holding 0-101', 'holding 200-200', 'input 0-1'] },
    { maxGap: 97, want: ['holding 0-101', 'holding 200-200', 'input 0-1'] },
    { maxGap: 98, want: ['holding 0-200', 'input 0-1'] },
  ];
  for (const c of cases) {
    t.same(
      readableSpans(PROFILE, c.maxGap).map((s) => `${s.fn} ${s.from}-${s.to}`),
      c.want,
      `maxGap ${c.maxGap}`,
    );
  }
  const shared: ResolvedProfile = {
    ...PROFILE,
    serial: [{ ...PROFILE.serial[0]!, address: 0 }],
    identify: [{ ...PROFILE.identify[0]!, address: 1 }],
  };
  t.same(
    readableSpans(shared, 0)
      .map((s) => `${s.fn} ${s.from}-${s.to}`)
      .slice(0, 1),
    ['holding 0-3'],
    'values sharing registers make one span',
  );
});

t.test('SimMeter.read: exception 2 outside the map, zeros in allowed gaps', async (t) => {
  const meter = new SimMeter({ unit: 1, profile: PROFILE, seed: 3 }, T0);
  const cases: { fn: 'holding' | 'input'; address: number; count: number; want: 'words' | number }[] = [
    { fn: 'holding', address: 0, count: 2, want: 'words' },
    { fn: 'holding', address: 0, count: 12, want: 'words' },
    { fn: 'holding', address: 4, count: 6, want: 'words' },
    { fn: 'holding', address: 0, count: 13, want: 2 },
    { fn: 'holding', address: 0, count: 32, want: 2 },
    { fn: 'holding', address: 30, count: 2, want: 'words' },
    { fn: 'holding', address: 29, count: 3, want: 2 },
    { fn: 'holding', address: 31, count: 2, want: 2 },
    { fn: 'holding', address: 50, count: 1, want: 2 },
    { fn: 'holding', address: 100, count: 2, want: 'words' },
    { fn: 'holding', address: 200, count: 1, want: 'words' },
    { fn: 'input', address: 0, count: 2, want: 'words' },
    { fn: 'input', address: 2, count: 1, want: 2 },
    { fn: 'input', address: 10, count: 2, want: 2 },
  ];
  for (const c of cases) {
    const a = meter.read(c.fn, c.address, c.count, T0);
    if (c.want === 'words') t.ok('words' in a && a.words.length === c.count, `${c.fn} ${c.address}+${c.count}: ${c.count} words`);
    else t.same(a, { exception: c.want }, `${c.fn} ${c.address}+${c.count}: exception ${c.want}`);
  }
  t.same(words(meter.read('holding', 4, 6, T0)), [0, 0, 0, 0, 0, 0], 'unused registers in an allowed gap read as 0');
  const merged = words(meter.read('holding', 0, 12, T0));
  t.same(merged.slice(0, 4), words(meter.read('holding', 0, 4, T0)), 'a merged read carries the same values');
  t.same(merged.slice(10, 12), words(meter.read('holding', 10, 2, T0)), 'energy at its offset in the merged read');

  const strict = new SimMeter({ unit: 2, profile: PROFILE, seed: 3, strictAddresses: true }, T0);
  t.same(strict.read('holding', 0, 12, T0), { exception: 2 }, 'strict: a read across a gap is refused');
  t.ok('words' in strict.read('holding', 0, 4, T0), 'strict: contiguous values answer');
  t.ok('words' in strict.read('holding', 10, 2, T0), 'strict: a lone value answers');
});

t.test('SimMeter registers hold the simulated truth', async (t) => {
  const meter = new SimMeter({ unit: 1, profile: PROFILE, seed: 3 }, T0);
  const truth = meter.truth(T0);
  t.equal(valueOf(meter.read('holding', 0, 2, T0)), Math.fround(truth.l1!.voltage_v!), 'voltage l1');
  t.ok(Math.abs(truth.l1!.voltage_v! - 230) <= 2, `voltage near 230 V (${truth.l1!.voltage_v})`);
  t.equal(valueOf(meter.read('holding', 2, 2, T0)), Math.fround(truth.total!.power_w!), 'total power');
  t.equal(valueOf(meter.read('holding', 30, 2, T0)), Math.fround(truth.total!.frequency_hz!), 'frequency');
  t.equal(valueOf(meter.read('input', 0, 2, T0)), Math.fround(truth.l1!.current_a!), 'current l1 from input registers');
  t.ok(
    Math.abs(truth.total!.energy_import_kwh! - (1000 + 3 * 137.5)) < 1e-9,
    `initial energy 1412.5 kWh for seed 3 (${truth.total!.energy_import_kwh})`,
  );
  t.equal(valueOf(meter.read('holding', 10, 2, T0)), 1412.5, 'energy register');
  t.equal(decodeRaw(words(meter.read('holding', 100, 2, T0)), PROFILE.serial[0]!), Number(meter.serial), 'serial register');
  t.same(words(meter.read('holding', 200, 1, T0)), [42], 'identify probe answers its expected value');
  t.match(meter.serial, /^\d{8}$/, 'eight-digit serial');
});

t.test('energy grows with time and a reset brings it near 0', async (t) => {
  const meter = new SimMeter({ unit: 1, profile: PROFILE, seed: 3, basePowerW: 1500 }, T0);
  const e = (now: number) => meter.truth(now).total!.energy_import_kwh!;
  const e0 = e(T0);
  const e1 = e(T0 + HOUR);
  const e2 = e(T0 + 2 * HOUR);
  // Three phases at 0.8, 1.0 and 1.2 x 1500 W = 4.5 kW, swinging by at most ±18 %.
  t.ok(e1 - e0 > 4.5 * 0.8 && e1 - e0 < 4.5 * 1.2, `first hour adds about 4.5 kWh (${e1 - e0})`);
  t.ok(e2 - e1 > 4.5 * 0.8 && e2 - e1 < 4.5 * 1.2, `second hour too (${e2 - e1})`);
  t.equal(e(T0 + 2 * HOUR), e2, 'no time, no energy');
  t.equal(e(T0 + HOUR), e2, 'time going back adds nothing');
  t.equal(e(T0 + 2 * HOUR), e2, 'and coming forward again does not count the same hour twice');
  t.ok(valueOf(meter.read('holding', 10, 2, T0 + 3 * HOUR)) > e2, 'the register follows');

  meter.resetCounter(T0 + 4 * HOUR);
  t.equal(e(T0 + 4 * HOUR), 0, 'reset to 0');
  t.equal(valueOf(meter.read('holding', 10, 2, T0 + 4 * HOUR)), 0, 'register reads 0 after the reset');
  const after = e(T0 + 4 * HOUR + 60_000);
  t.ok(after > 0 && after < 0.1, `a minute later: about 0.075 kWh (${after})`);

  const fast = new SimMeter({ unit: 2, profile: PROFILE, seed: 3, basePowerW: 1500, speed: 60 }, T0);
  const f0 = fast.truth(T0).total!.energy_import_kwh!;
  const f1 = fast.truth(T0 + 60_000).total!.energy_import_kwh!;
  t.ok(f1 - f0 > 4.5 * 0.8 && f1 - f0 < 4.5 * 1.2, `speed 60: a real minute is a simulated hour (${f1 - f0})`);
});

t.test('swap exchanges the meter: new serial, new counter', async (t) => {
  const meter = new SimMeter({ unit: 1, profile: PROFILE, seed: 3 }, T0);
  const other = new SimMeter({ unit: 2, profile: PROFILE, seed: 4 }, T0);
  t.not(meter.serial, other.serial, 'seeds give different serials');
  const serials = [meter.serial];
  for (let k = 1; k <= 3; k++) {
    const now = T0 + k * HOUR;
    meter.swap(now);
    t.equal(meter.swaps, k, `swap ${k} counted`);
    t.notOk(serials.includes(meter.serial), `swap ${k}: new serial ${meter.serial}`);
    serials.push(meter.serial);
    t.equal(
      decodeRaw(words(meter.read('holding', 100, 2, now)), PROFILE.serial[0]!),
      Number(meter.serial),
      `swap ${k}: the register shows it`,
    );
    const energy = meter.truth(now).total!.energy_import_kwh!;
    t.ok(Math.abs(energy - (10 + k * 3.25)) < 1e-9, `swap ${k}: counter starts at ${10 + k * 3.25} kWh (${energy})`);
  }
  const again = new SimMeter({ unit: 1, profile: PROFILE, seed: 3 }, T0);
  t.equal(again.serial, serials[0], 'serials are deterministic for a seed');
});
