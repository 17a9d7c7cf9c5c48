// The rollup tier's promise: energy computed from rollup edges (encoded, stored, decoded) equals energy
// computed from the raw readings, to the last bit and in every field (kWh, quality split, traces, events),
// for any cuts on the edges. A series with a rollover, a device swap, a 3-hour gap, suspect readings,
// polling every 57 s and a DST day; the rollup-side source answers from tier.ts only, never from readings.
import t from 'tap';

import { memorySeries } from '../../test/helpers/memory-source.js';
import { decodeRollupBody } from '../storage/rollups/codec.js';
import { answerFromRollups } from '../storage/rollups/tier.js';
import type { RollupDay } from '../storage/rollups/types.js';
import { assembleRollupDays, dayStartOf, gridCuts, rollupGrid, rollupRowOf, type IntervalStats } from './rollup.js';
import { seriesEnergyOverCuts } from './series.js';
import { ENERGY_MEASUREMENT, POWER_MEASUREMENT } from './store-source.js';
import type { CounterReading, EpochEvent, PowerReading, SeriesEnergy, SeriesSource } from './types.js';

const MIN = 60_000;
const H = 60 * MIN;
const ZONE = 'Europe/Amsterdam';
const D0 = Date.UTC(2026, 2, 27, 23); // 2026-03-28 00:00 local; the next day has 23 hours
const D3 = Date.UTC(2026, 2, 30, 22); // 2026-03-31 00:00 local
const WRAP_KWH = 100_000;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Raw {
  counters: CounterReading[];
  power: PowerReading[];
  events: EpochEvent[];
}

/** Readings every 57 s from 12 h before D0 to 12 h after D3 (Wh and 0.1 W resolution, like a meter). */
function rawSeries(opts: { steady: boolean }): Raw {
  const rand = rng(21);
  const raw: Raw = { counters: [], power: [], events: [] };
  const gap = { from: Date.UTC(2026, 2, 29, 8), to: Date.UTC(2026, 2, 29, 11) };
  const swapAt = Date.UTC(2026, 2, 30, 10);
  let energy = 99_850; // the counter wraps at 100,000 about 30 h in
  let serial = 'A';
  let offset = 0; // counter = energy - offset within an epoch
  let last: CounterReading | undefined;
  let swapped = false;
  for (let ts = D0 - 12 * H + 13_000, i = 0; ts < D3 + 12 * H; ts += 57_000, i++) {
    const w = opts.steady ? 5000 : Math.round((5000 + (rand() - 0.5) * 1000) * 10) / 10;
    energy += (w * 57_000) / H / 1000;
    if (!opts.steady && ts >= gap.from && ts < gap.to) continue;
    if (!opts.steady && !swapped && ts >= swapAt) {
      swapped = true;
      ts += 20 * MIN; // the device is out for 20 minutes; the new one starts near zero
      energy += (5000 * 20 * MIN) / H / 1000;
      const oldRef = { ts: last!.ts, value: last!.valueKwh, serial };
      serial = 'B';
      offset = energy - 0.004;
      const value = Math.round((energy - offset) * 1000) / 1000;
      raw.events.push({ reason: 'swap', old: oldRef, new: { ts, value, serial }, betweenKwh: 1.667, estimated: true });
    }
    let value = opts.steady ? energy - offset : Math.round((energy - offset) * 1000) / 1000;
    if (value >= WRAP_KWH && offset === 0) {
      offset = WRAP_KWH;
      value = Math.round((energy - offset) * 1000) / 1000;
      const betweenKwh = Math.round((WRAP_KWH - last!.valueKwh + value) * 1000) / 1000;
      raw.events.push({
        reason: 'rollover',
        old: { ts: last!.ts, value: last!.valueKwh, serial },
        new: { ts, value, serial },
        betweenKwh,
        estimated: false,
      });
    }
    const r: CounterReading = { ts, valueKwh: value, serial };
    // Suspect readings: now and then a jump the gateway doubted, and a run of them across an edge.
    const suspectRun = ts > Date.UTC(2026, 2, 28, 13, 50) && ts < Date.UTC(2026, 2, 28, 14, 10);
    if (!opts.steady && (i % 97 === 50 || suspectRun)) raw.counters.push({ ts, valueKwh: value * 3, serial, suspect: true });
    else {
      raw.counters.push(r);
      last = r;
    }
    raw.power.push({ ts, powerW: w });
  }
  return raw;
}

/** Interval stats as powerStats gives them: counter readings and power_w inside [edge, next edge). */
function statsOf(raw: Raw, cuts: readonly number[]): Map<number, IntervalStats> {
  const out = new Map<number, IntervalStats>();
  for (let i = 0; i + 1 < cuts.length; i++) {
    const inside = (ts: number): boolean => ts >= cuts[i]! && ts < cuts[i + 1]!;
    const w = raw.power.filter((p) => inside(p.ts)).map((p) => p.powerW);
    const readings = raw.counters.filter((c) => inside(c.ts)).length;
    const mean = w.length ? w.reduce((s, x) => s + x, 0) / w.length : undefined;
    out.set(cuts[i]!, { readings, meanW: mean, minW: w.length ? Math.min(...w) : undefined, maxW: w.length ? Math.max(...w) : undefined });
  }
  return out;
}

interface Built {
  raw: SeriesSource;
  tier: SeriesSource & { fallbacks: number };
  days: RollupDay[];
  bytes: number;
  cuts: number[];
}

/** Rollups of D0..D3 built from raw, encoded and decoded; a source that answers from them alone. */
function build(data: Raw): Built {
  const raw = memorySeries({ seriesId: 'site/gw/pdu/outlet:1/energy_import_kwh', ...data });
  const grid = rollupGrid(ZONE, D0, D3, 15);
  const cuts = gridCuts(grid);
  const days = assembleRollupDays(1, grid, seriesEnergyOverCuts(raw, cuts), statsOf(data, cuts));
  const rows = days.map(rollupRowOf);
  const decoded = new Map(rows.map((r) => [r.dayMs, decodeRollupBody(r.body, r.seriesId, r.dayMs, 15)]));
  const startOf = (ms: number): number => dayStartOf(ZONE, ms);
  const tier = {
    seriesId: raw.seriesId,
    fallbacks: 0,
    ask(measurement: string, atMs: number) {
      const a = answerFromRollups(decoded, { measurement, atMs }, startOf);
      if (!a) tier.fallbacks++;
      return a;
    },
    counterAtOrBefore: (ts: number) => tier.counter(tier.ask(ENERGY_MEASUREMENT, ts)?.before),
    counterAtOrAfter: (ts: number) => tier.counter(tier.ask(ENERGY_MEASUREMENT, ts)?.after),
    counter: (v: { ts: number; value: number } | undefined): CounterReading | undefined => v && { ts: v.ts, valueKwh: v.value },
    powerAtOrBefore: (ts: number) => tier.power(tier.ask(POWER_MEASUREMENT, ts)?.before),
    powerAtOrAfter: (ts: number) => tier.power(tier.ask(POWER_MEASUREMENT, ts)?.after),
    power: (v: { ts: number; value: number } | undefined): PowerReading | undefined => v && { ts: v.ts, powerW: v.value },
    edgeAt: (ts: number) => tier.ask(ENERGY_MEASUREMENT, ts)?.edge,
    epochEvents: (fromMs: number, toMs: number) => data.events.filter((e) => e.old.ts <= toMs && e.new.ts >= fromMs),
  };
  return { raw, tier, days: [...decoded.values()], bytes: rows.reduce((s, r) => s + r.body.length, 0), cuts };
}

const noisy = build(rawSeries({ steady: false }));

t.test('the series exercises what the rollups must keep', async (t) => {
  const edges = noisy.days.flatMap((d) => d.edges);
  const methods = new Set(edges.map((e) => e.method));
  for (const m of ['interpolated', 'estimated_power', 'estimated_rate', 'in_gap'] as const) t.ok(methods.has(m), `an edge ${m}`);
  t.ok(
    edges.some((e) => e.epochStartMs !== undefined && e.serial === 'B'),
    'edges after the swap carry the new epoch and serial',
  );
  t.strictSame(
    noisy.days.map((d) => d.intervals.length),
    [96, 92, 96],
    'a 23-hour DST day',
  );
  t.comment(
    `3 days of rollups: ${noisy.bytes} bytes for ${noisy.days.flatMap((d) => d.intervals).reduce((s, i) => s + i.readings, 0)} readings`,
  );
});

t.test('energy over cuts on the edges: from rollups strictly equal to from raw', async (t) => {
  const day1 = noisy.days[1]!.dayMs;
  const day2 = noisy.days[2]!.dayMs;
  const cutLists: [string, number[]][] = [
    ['whole days', [D0, day1, day2, D3]],
    ['the whole span (a month-like period)', [D0, D3]],
    ['hours', noisy.cuts.filter((c) => (c - D0) % H === 0)],
    ['every edge', noisy.cuts],
    ['the swap day at 6-hour cuts', [day2, day2 + 6 * H, day2 + 12 * H, day2 + 18 * H, D3]],
    ['around the gap and the rollover', [day1 + 8 * H, day1 + 11 * H, day1 + 12.25 * H, day1 + 13 * H]],
  ];
  for (const [name, cuts] of cutLists) {
    const fromRaw: SeriesEnergy[] = seriesEnergyOverCuts(noisy.raw, cuts);
    const fromTier: SeriesEnergy[] = seriesEnergyOverCuts(noisy.tier, cuts);
    t.strictSame(fromTier, fromRaw, name);
  }
  t.equal(noisy.tier.fallbacks, 0, 'every lookup answered by the rollups');
});

t.test('cuts between edges: interpolated between edges', async (t) => {
  // On a steady load the counter is linear, so interpolating between edges gives what the readings give.
  const steady = build(rawSeries({ steady: true }));
  const cuts = [D0 + 7 * MIN, D0 + 5 * H + 22 * MIN, D0 + 30 * H + 1, D3 - 8 * MIN];
  const fromRaw = seriesEnergyOverCuts(steady.raw, cuts);
  const fromTier = seriesEnergyOverCuts(steady.tier, cuts);
  for (const [i, e] of fromTier.entries()) {
    t.ok(Math.abs(e.kWh - fromRaw[i]!.kWh) < 0.001, `steady: ${e.kWh} vs ${fromRaw[i]!.kWh}`);
    t.equal(e.start.method, 'interpolated');
  }
  // With a noisy load the split inside one 15-minute interval follows the edges, not the readings: the
  // difference is bounded by the load's deviation from its mean within the interval.
  const worst = [7, 22, 38, 51].map((m) => {
    const c = [D0 + 3 * H + m * MIN, D0 + 20 * H + m * MIN];
    return Math.abs(seriesEnergyOverCuts(noisy.tier, c)[0]!.kWh - seriesEnergyOverCuts(noisy.raw, c)[0]!.kWh);
  });
  t.comment(`noisy load, cuts between edges: largest difference ${Math.max(...worst).toFixed(6)} kWh`);
  t.ok(Math.max(...worst) < 0.05);
  // Inside the 3-hour gap a cut between edges is estimated (the estimated edges are not readings).
  const inGap = seriesEnergyOverCuts(noisy.tier, [Date.UTC(2026, 2, 29, 9, 7), Date.UTC(2026, 2, 29, 12)])[0]!;
  t.ok(inGap.start.estimated, `in the gap: ${inGap.start.method}`);
  t.ok(inGap.estimatedKwh > 0);
});
