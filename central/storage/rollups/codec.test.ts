import t from 'tap';
import { deflateSync, inflateSync } from 'node:zlib';

import { memorySeries } from '../../../test/helpers/memory-source.js';
import { seriesEnergyOverCuts } from '../../energy/series.js';
import type { BoundaryMethod, BoundaryTrace, CounterReading, PowerReading, ReadingRef } from '../../energy/types.js';
import { decodeRollupBody, encodeRollupBody, RollupCodecError } from './codec.js';
import type { RollupDay, RollupInterval, RollupIntervalMin } from './types.js';

const MIN = 60_000;
const DAY = Date.UTC(2026, 2, 10, 23); // local midnight in Amsterdam (winter time)

/** A seeded generator (mulberry32), so a failing random case can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A realistic day as the builder makes it: 1-minute readings 17 s off the grid (Wh resolution, ~5 kW
 * noisy at 0.1 W), edges by the energy core, interval stats of the power readings inside each interval.
 */
function realisticDay(opts: { decimals: boolean; seed: number }): RollupDay {
  const rand = rng(opts.seed);
  const counters: CounterReading[] = [];
  const power: PowerReading[] = [];
  let kwh = 123_456.789;
  for (let ts = DAY - 30 * MIN + 17_000; ts < DAY + 25 * 60 * MIN; ts += MIN) {
    const w = 5000 + (rand() - 0.5) * 800;
    kwh += w / 60_000;
    counters.push({ ts, valueKwh: opts.decimals ? Math.round(kwh * 1000) / 1000 : kwh, serial: 'SN-4711' });
    power.push({ ts, powerW: opts.decimals ? Math.round(w * 10) / 10 : w });
  }
  const edgesMs = Array.from({ length: 97 }, (_, i) => DAY + i * 15 * MIN);
  const energies = seriesEnergyOverCuts(memorySeries({ seriesId: 's', counters, power }), edgesMs);
  const intervals = energies.map((e): RollupInterval => {
    const inside = power.filter((p) => p.ts >= e.fromMs && p.ts < e.toMs).map((p) => p.powerW);
    return {
      kWh: e.kWh,
      meanW: inside.reduce((s, w) => s + w, 0) / inside.length,
      minW: Math.min(...inside),
      maxW: Math.max(...inside),
      readings: inside.length,
    };
  });
  return { seriesId: 7, dayMs: DAY, intervalMin: 15, edges: [...energies.map((e) => e.start), energies.at(-1)!.end], intervals };
}

const roundTrip = (day: RollupDay): RollupDay => decodeRollupBody(encodeRollupBody(day), day.seriesId, day.dayMs, day.intervalMin);

t.test('a realistic day of 1-minute readings round-trips and stays small', async (t) => {
  const day = realisticDay({ decimals: true, seed: 1 });
  t.equal(day.edges[5]!.method, 'interpolated');
  const body = encodeRollupBody(day);
  t.strictSame(roundTrip(day), day);
  // Measured: 96 intervals, 1,440 readings at Wh / 0.1 W resolution -> 1,365 bytes (0.95 bytes per reading).
  t.comment(`realistic day (Wh, 0.1 W): ${body.length} bytes, ${(body.length / 1440).toFixed(2)} bytes per reading`);
  t.ok(body.length <= 2_500, `${body.length} bytes <= 2,500`);

  // Full-precision floats everywhere (no decimal resolution to exploit): still exact, larger.
  const noisy = realisticDay({ decimals: false, seed: 2 });
  const noisyBody = encodeRollupBody(noisy);
  t.strictSame(roundTrip(noisy), noisy);
  // Measured: 2,691 bytes.
  t.comment(`full-precision floats: ${noisyBody.length} bytes`);
  t.ok(noisyBody.length <= 3_500, `${noisyBody.length} bytes <= 3,500`);
});

const methods: BoundaryMethod[] = [
  'reading',
  'event',
  'interpolated',
  'estimated_power',
  'estimated_rate',
  'estimated_hold',
  'in_gap',
  'none',
];

function randomDay(seed: number): RollupDay {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const maybe = <T>(f: () => T): T | undefined => (rand() < 0.5 ? f() : undefined);
  const num = (): number =>
    pick([
      () => rand() * 1e6,
      () => Math.round(rand() * 1e6) / 1000,
      () => -rand(),
      () => 0,
      () => -0,
      () => 1e300,
      () => 5e-324,
      () => 2 ** 60,
    ])();
  const intervalMin = pick<RollupIntervalMin>([5, 10, 15, 20, 30, 60]);
  const n = Math.floor(rand() * 30);
  const dayMs = pick([DAY, DAY + 0.5, -DAY, 0]);
  const offGrid = rand() < 0.2;
  const ref = (atMs: number): ReadingRef => {
    const ts = pick([atMs - Math.floor(rand() * 1e6), atMs + 3e9, atMs + 0.25, num()]);
    const s = maybe(() => pick(['SN-1', 'SN-2', 'zähler ✓', '']));
    return s === undefined ? { ts, valueKwh: num() } : { ts, valueKwh: num(), serial: s };
  };
  const edges = Array.from({ length: n + 1 }, (_, i): BoundaryTrace => {
    const atMs = offGrid ? num() : dayMs + i * intervalMin * MIN;
    const e: BoundaryTrace = { atMs, method: pick(methods), estimated: rand() < 0.5 };
    const parts: Partial<BoundaryTrace> = {
      valueKwh: maybe(num),
      epochStartMs: maybe(num),
      serial: maybe(() => pick(['SN-1', 'SN-3'])),
      before: maybe(() => ref(atMs)),
      after: maybe(() => ref(atMs)),
      rateKw: maybe(num),
    };
    for (const [k, v] of Object.entries(parts)) if (v !== undefined) Object.assign(e, { [k]: v });
    // Sometimes a value the codec can derive, as the core makes it.
    if (e.before && e.after && rand() < 0.3)
      e.valueKwh = e.before.valueKwh + ((e.after.valueKwh - e.before.valueKwh) * (atMs - e.before.ts)) / (e.after.ts - e.before.ts);
    return e;
  });
  const intervals = Array.from({ length: n }, (_, i): RollupInterval => {
    const a = edges[i]!.valueKwh;
    const b = edges[i + 1]!.valueKwh;
    const kWh = a !== undefined && b !== undefined && rand() < 0.5 ? Math.max(0, b - a) : num();
    return { kWh, meanW: maybe(num), minW: maybe(num), maxW: maybe(num), readings: Math.floor(rand() * 1000) };
  });
  return { seriesId: 3, dayMs, intervalMin, edges, intervals };
}

t.test('random days round-trip exactly, absent fields absent', async (t) => {
  for (let seed = 1; seed <= 300; seed++) {
    const day = randomDay(seed);
    const back = roundTrip(day);
    if (!t.strictSame(back, day, `seed ${seed}`)) break;
    for (const [i, e] of day.edges.entries()) t.strictSame(Object.keys(back.edges[i]!).sort(), Object.keys(e).sort());
  }
});

t.test('hand-made edges: every method, in_gap without value, events, off-grid times', async (t) => {
  const at = (i: number): number => DAY + i * 60 * MIN;
  const edges: BoundaryTrace[] = [
    {
      atMs: at(0),
      method: 'reading',
      estimated: false,
      valueKwh: 10,
      serial: 'A',
      before: { ts: at(0), valueKwh: 10, serial: 'A' },
      after: { ts: at(0), valueKwh: 10, serial: 'A' },
    },
    {
      atMs: at(1),
      method: 'in_gap',
      estimated: true,
      epochStartMs: at(1) + 600_000,
      before: { ts: at(1) - 5, valueKwh: 99_999.9 },
      after: { ts: at(1) + 600_000, valueKwh: 0.2, serial: 'B' },
    },
    {
      atMs: at(2),
      method: 'estimated_rate',
      estimated: true,
      valueKwh: 1.5,
      epochStartMs: at(1) + 600_000,
      serial: 'B',
      before: { ts: at(1) + 600_000, valueKwh: 0.2 },
      after: { ts: at(2) + 4e9, valueKwh: 800 },
      rateKw: 0.7,
    },
    { atMs: at(3), method: 'none', estimated: true },
    { atMs: at(4), method: 'estimated_hold', estimated: true, valueKwh: 3, before: { ts: at(4) - 2 ** 31, valueKwh: 3 }, rateKw: 0 },
  ];
  const iv = (kWh: number, meanW?: number): RollupInterval => ({
    kWh,
    meanW,
    minW: meanW,
    maxW: meanW,
    readings: meanW === undefined ? 0 : 3,
  });
  const day: RollupDay = { seriesId: 1, dayMs: DAY, intervalMin: 60, edges, intervals: [iv(4.25, 1200.5), iv(0), iv(0.123), iv(0)] };
  t.strictSame(roundTrip(day), day);
  const empty: RollupDay = { seriesId: 1, dayMs: DAY, intervalMin: 5, edges: [], intervals: [] };
  t.strictSame(roundTrip(empty), empty);
});

t.test('a corrupt, truncated or mismatched body throws RollupCodecError naming the fault', async (t) => {
  const day = realisticDay({ decimals: true, seed: 3 });
  const body = encodeRollupBody(day);
  const decode =
    (b: Uint8Array, dayMs = DAY, intervalMin: RollupIntervalMin = 15) =>
    () =>
      decodeRollupBody(b, 7, dayMs, intervalMin);
  t.throws(decode(new Uint8Array()), new RollupCodecError('empty body'));
  t.throws(decode(Uint8Array.of(9, ...body.subarray(1))), { name: 'RollupCodecError', message: /body version 9/ });
  for (const len of [1, 2, 10, body.length - 1])
    t.throws(decode(body.subarray(0, len)), { name: 'RollupCodecError', message: /does not inflate/ });
  const flipped = Uint8Array.from(body);
  flipped[body.length >> 1] = flipped[body.length >> 1]! ^ 0x55;
  t.throws(decode(flipped), RollupCodecError, 'a flipped byte fails the zlib checksum');
  const payload = inflateSync(body.subarray(1));
  const repack = (p: Uint8Array): Uint8Array => Uint8Array.of(1, ...deflateSync(p));
  t.throws(decode(repack(payload.subarray(0, payload.length - 3))), {
    name: 'RollupCodecError',
    message: /truncated body: interval readings/,
  });
  t.throws(decode(repack(payload.subarray(0, 600))), { name: 'RollupCodecError', message: /truncated body/ });
  t.throws(decode(repack(Uint8Array.of(...payload, 0))), { name: 'RollupCodecError', message: /1 bytes left/ });
  t.throws(decode(body, DAY + 1), { name: 'RollupCodecError', message: /body is of day/ });
  t.throws(decode(body, DAY, 30), { name: 'RollupCodecError', message: /15-minute intervals, the row says 30/ });
  const bad = { ...day, intervals: [{ ...day.intervals[0]!, readings: 1.5 }] };
  t.throws(() => encodeRollupBody(bad), { name: 'RollupCodecError', message: /1.5 readings/ });
});
