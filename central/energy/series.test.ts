import t, { type Test } from 'tap';
import { EnergyInputError } from './errors.js';
import { memorySeries } from '../../test/helpers/memory-source.js';
import { seriesEnergy, seriesEnergyOverCuts } from './series.js';
import type { CounterReading, EpochEvent, PowerReading, SeriesEnergy } from './types.js';

const MIN = 60_000;
const H = 60 * MIN;
const FROM = Date.UTC(2026, 9, 1);
const TO = FROM + 24 * H;
const r = (ts: number, valueKwh: number, extra: Partial<CounterReading> = {}): CounterReading => ({ ts, valueKwh, ...extra });
const p = (ts: number, powerW: number): PowerReading => ({ ts, powerW });

interface Case {
  name: string;
  counters: CounterReading[];
  power?: PowerReading[];
  events?: EpochEvent[];
  want: { kWh: number; measuredKwh: number; estimatedKwh: number; interpolatedKwh?: number };
  check?: (t: Test, e: SeriesEnergy) => void;
}

const cases: Case[] = [
  {
    name: 'readings exactly at both boundaries',
    counters: [r(FROM - H, 90), r(FROM, 100), r(FROM + 12 * H, 180), r(TO, 250.5), r(TO + H, 260)],
    want: { kWh: 150.5, measuredKwh: 150.5, estimatedKwh: 0, interpolatedKwh: 0 },
    check: (t, e) => {
      t.equal(e.start.method, 'reading');
      t.equal(e.end.valueKwh, 250.5);
    },
  },
  {
    // start: 100 + (101 - 100) * 5/10 = 100.5; end: 200 + (203 - 200) * 10/30 = 201
    name: 'boundaries interpolated between readings 10 and 30 minutes apart',
    counters: [r(FROM - 5 * MIN, 100), r(FROM + 5 * MIN, 101), r(TO - 10 * MIN, 200), r(TO + 20 * MIN, 203)],
    want: { kWh: 100.5, measuredKwh: 100.5, estimatedKwh: 0, interpolatedKwh: 1.5 },
    check: (t, e) => {
      t.equal(e.start.method, 'interpolated');
      t.equal(e.start.valueKwh, 100.5);
      t.equal(e.end.valueKwh, 201);
    },
  },
  {
    name: 'a suspect reading next to the boundary is skipped',
    counters: [r(FROM - 5 * MIN, 100), r(FROM + 1 * MIN, 999, { suspect: true }), r(FROM + 5 * MIN, 101), r(TO, 201)],
    want: { kWh: 100.5, measuredKwh: 100.5, estimatedKwh: 0, interpolatedKwh: 0.5 },
    check: (t, e) => t.equal(e.start.after?.ts, FROM + 5 * MIN, 'the reading after the suspect one'),
  },
  {
    // 4 h between the readings around FROM (limit 30 min), no power: the counters' own rate, 2 kWh/h: 100 + 2 * 2 = 104.
    name: 'a long gap around the start, no power: estimated from the counters around it',
    counters: [r(FROM - 2 * H, 100), r(FROM + 2 * H, 108), r(TO, 150)],
    want: { kWh: 46, measuredKwh: 42, estimatedKwh: 4 },
    check: (t, e) => {
      t.equal(e.start.method, 'estimated_rate');
      t.equal(+e.start.rateKw!.toFixed(9), 2);
      t.ok(e.start.estimated);
    },
  },
  {
    // power read near FROM (only the counter missing): mean 1.5 kW over the 2 h since 100 -> 103.
    name: 'a long gap around the start, power read near it: estimated from power',
    counters: [r(FROM - 2 * H, 100), r(FROM + 2 * H, 108), r(TO, 150)],
    power: [p(FROM - 10 * MIN, 1200), p(FROM + 10 * MIN, 1800)],
    want: { kWh: 47, measuredKwh: 42, estimatedKwh: 5 },
    check: (t, e) => t.equal(e.start.method, 'estimated_power'),
  },
  {
    // late data not in yet: the last reading 1 h before TO, 2 kW read with it -> 200 + 2 = 202.
    name: 'no reading after the end yet: extrapolated with power and flagged',
    counters: [r(FROM, 100), r(TO - 2 * H, 196), r(TO - H, 200)],
    power: [p(TO - H, 2000)],
    want: { kWh: 102, measuredKwh: 100, estimatedKwh: 2 },
    check: (t, e) => {
      t.equal(e.end.method, 'estimated_power');
      t.equal(e.end.valueKwh, 202);
    },
  },
  {
    // no power: the rate between the last two readings, 4 kWh/h -> 200 + 4 = 204.
    name: "no reading after the end, no power: the neighbouring counters' rate",
    counters: [r(FROM, 100), r(TO - 2 * H, 196), r(TO - H, 200)],
    want: { kWh: 104, measuredKwh: 100, estimatedKwh: 4 },
    check: (t, e) => {
      t.equal(e.end.method, 'estimated_rate');
      t.equal(+e.end.rateKw!.toFixed(9), 4);
    },
  },
  {
    // nothing before the start: back from 40 at the counters' rate after it, 20 kWh in 21 h: 40 - 3 * 20/21.
    name: 'no reading before the start: extrapolated back at the rate after it',
    counters: [r(FROM + 3 * H, 40), r(TO, 60)],
    want: { kWh: 22.857143, measuredKwh: 20, estimatedKwh: 2.857143 },
    check: (t, e) => {
      t.equal(e.start.method, 'estimated_rate');
      t.equal(e.start.valueKwh!.toFixed(6), '37.142857');
    },
  },
  {
    name: 'a single reading: nothing to derive a rate from, held flat and flagged',
    counters: [r(FROM + 3 * H, 40)],
    want: { kWh: 0, measuredKwh: 0, estimatedKwh: 0 },
    check: (t, e) => {
      t.equal(e.start.method, 'estimated_hold');
      t.equal(e.end.method, 'estimated_hold');
      t.equal(e.end.valueKwh, 40);
    },
  },
  {
    name: 'no readings at all: zero, with the anomaly said',
    counters: [],
    want: { kWh: 0, measuredKwh: 0, estimatedKwh: 0 },
    check: (t, e) => {
      t.equal(e.start.method, 'none');
      t.match(e.anomalies, [{ kind: 'no_readings' }]);
    },
  },
  {
    // Unsigned32 Wh counter wraps at 4294967.296 kWh: 67.2 before, 0.146 across the wrap, 50 after.
    name: 'a rollover inside the period is exact',
    counters: [r(FROM, 4294900), r(FROM + 10 * H, 4294967.2), r(FROM + 10 * H + MIN, 0.05), r(TO, 50.05)],
    events: [
      {
        reason: 'rollover',
        old: { ts: FROM + 10 * H, value: 4294967.2 },
        new: { ts: FROM + 10 * H + MIN, value: 0.05 },
        betweenKwh: 0.146,
        estimated: false,
      },
    ],
    want: { kWh: 117.346, measuredKwh: 117.346, estimatedKwh: 0 },
    check: (t, e) => t.match(e.events, [{ reason: 'rollover', shareKwh: 0.146, estimated: false }]),
  },
  {
    // the start falls 5 of 15 minutes into a swap's gap: a third of its 0.3 kWh, estimated; then 12.4 -> 30.4.
    name: "the start inside a swap's gap: a time-proportional share of betweenKwh",
    counters: [r(FROM - 10 * MIN, 304.6, { serial: 'OLD' }), r(FROM + 5 * MIN, 12.4, { serial: 'NEW' }), r(TO, 30.4, { serial: 'NEW' })],
    events: [
      {
        reason: 'swap',
        old: { ts: FROM - 10 * MIN, value: 304.6, serial: 'OLD' },
        new: { ts: FROM + 5 * MIN, value: 12.4, serial: 'NEW' },
        betweenKwh: 0.3,
        estimated: true,
      },
    ],
    want: { kWh: 18.1, measuredKwh: 18, estimatedKwh: 0.1 },
    check: (t, e) => {
      t.equal(e.start.method, 'in_gap');
      t.equal(e.end.serial, 'NEW');
      t.equal(e.events[0]?.shareKwh, 0.1);
    },
  },
  {
    // storage lost the readings around the event but kept the event: the event's readings bound the epochs.
    name: 'readings across an epoch change are never interpolated together',
    counters: [r(FROM, 500), r(TO, 20)],
    events: [
      {
        reason: 'reset',
        old: { ts: FROM + 6 * H, value: 530 },
        new: { ts: FROM + 6 * H + 2 * MIN, value: 0 },
        betweenKwh: 0.2,
        estimated: true,
      },
    ],
    want: { kWh: 50.2, measuredKwh: 50, estimatedKwh: 0.2 },
  },
  {
    // after 20 suspect readings in a row (limit 16) the side counts as missing: extrapolated from 100 at
    // the rate of the two readings before, 1 kWh per 5 min: 101. No reading known inside: all estimated.
    name: 'more suspect readings than the limit: that side counts as missing, pessimistically',
    counters: [
      r(FROM - 10 * MIN, 99),
      r(FROM - 5 * MIN, 100),
      ...Array.from({ length: 20 }, (_, i) => r(FROM + (i + 1) * MIN, 5000, { suspect: true })),
      r(FROM + 30 * MIN, 110),
      r(TO, 200),
    ],
    want: { kWh: 99, measuredKwh: 0, estimatedKwh: 99 },
    check: (t, e) => {
      t.equal(e.start.method, 'estimated_rate');
      t.equal(e.start.after, undefined);
    },
  },
  {
    name: "storage lacks the first reading of an epoch: the event's reading opens it",
    counters: [r(FROM - 2 * H, 40), r(FROM - H, 50), r(TO, 30)],
    events: [{ reason: 'reset', old: { ts: FROM - H, value: 50 }, new: { ts: FROM, value: 0 }, betweenKwh: 1, estimated: true }],
    want: { kWh: 30, measuredKwh: 30, estimatedKwh: 0 },
    check: (t, e) => {
      t.equal(e.start.method, 'event');
      t.same(e.events, [], 'the event ends at the start: not in the period');
    },
  },
  {
    name: 'a counter going down without an event: zero, and the anomaly said',
    counters: [r(FROM, 100), r(TO, 90)],
    want: { kWh: 0, measuredKwh: 0, estimatedKwh: 0 },
    check: (t, e) => t.match(e.anomalies, [{ kind: 'negative_growth', deltaKwh: -10 }]),
  },
  {
    // a power reading exactly at the end, found by both lookups, counts once: 200 + 3 kW × 1 h.
    name: 'power read at the instant itself',
    counters: [r(FROM, 100), r(TO - H, 200)],
    power: [p(TO, 3000)],
    want: { kWh: 103, measuredKwh: 100, estimatedKwh: 3 },
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const src = memorySeries({
      seriesId: 's',
      counters: c.counters,
      ...(c.power ? { power: c.power } : {}),
      ...(c.events ? { events: c.events } : {}),
    });
    const e = seriesEnergy(src, FROM, TO);
    t.equal(+e.kWh.toFixed(6), c.want.kWh, 'kWh');
    t.equal(+e.measuredKwh.toFixed(6), c.want.measuredKwh, 'measured kWh');
    t.equal(+e.estimatedKwh.toFixed(6), c.want.estimatedKwh, 'estimated kWh');
    if (c.want.interpolatedKwh !== undefined) t.equal(+e.interpolatedKwh.toFixed(6), c.want.interpolatedKwh, 'interpolated kWh');
    c.check?.(t, e);
  });
}

t.test('adjacent intervals add up to the whole, across an event and a gap', async (t) => {
  const counters = [
    r(FROM - 7 * MIN, 10),
    r(FROM + 3 * H, 16),
    r(FROM + 5 * H, 20),
    r(FROM + 5 * H + 3 * MIN, 1),
    r(FROM + 9 * H, 9),
    r(TO + 4 * MIN, 40),
  ];
  const events: EpochEvent[] = [
    {
      reason: 'reset',
      old: { ts: FROM + 5 * H, value: 20 },
      new: { ts: FROM + 5 * H + 3 * MIN, value: 1 },
      betweenKwh: 0.15,
      estimated: true,
    },
  ];
  const src = memorySeries({ seriesId: 's', counters, events });
  const cuts = [FROM, FROM + 2 * H, FROM + 5 * H + MIN, FROM + 8 * H, TO];
  const parts = seriesEnergyOverCuts(src, cuts);
  const whole = seriesEnergy(src, FROM, TO);
  const sum = (k: 'kWh' | 'estimatedKwh') => parts.reduce((s, e) => s + e[k], 0);
  t.equal(+sum('kWh').toFixed(9), +whole.kWh.toFixed(9), 'kWh of the parts = kWh of the whole');
  t.ok(sum('estimatedKwh') >= whole.estimatedKwh, 'more cuts never hide an estimate');
  t.equal(parts[2]?.start.method, 'in_gap', 'a cut inside the reset gap');
});

t.test('the cost of a period does not grow with the sampling rate', async (t) => {
  const lookups = (stepMs: number): number => {
    const counters: CounterReading[] = [];
    for (let ts = FROM - H; ts <= TO + H; ts += stepMs) counters.push(r(ts, (ts - FROM) / H));
    const src = memorySeries({ seriesId: 's', counters });
    const e = seriesEnergy(src, FROM + 7_777, TO - 3_333);
    t.equal(+e.kWh.toFixed(6), +((TO - 3_333 - FROM - 7_777) / H).toFixed(6), `1 kW for the period at a ${stepMs / 1000} s step`);
    return src.lookups;
  };
  const perMinute = lookups(MIN);
  const perSecond = lookups(1000);
  t.equal(perSecond, perMinute, 'same lookups at 1 s as at 1 min');
  t.ok(perMinute <= 5, `${perMinute} lookups for one period`);
});

t.test('bad input is a typed error', async (t) => {
  const src = (events: EpochEvent[]) => memorySeries({ seriesId: 'x', counters: [r(FROM, 1)], events });
  const ev = (oldTs: number, newTs: number, betweenKwh = 0): EpochEvent => ({
    reason: 'reset',
    old: { ts: oldTs, value: 5 },
    new: { ts: newTs, value: 0 },
    betweenKwh,
    estimated: true,
  });
  t.throws(() => seriesEnergy(src([]), TO, FROM), EnergyInputError, 'reversed period');
  t.throws(() => seriesEnergyOverCuts(src([]), [FROM]), EnergyInputError, 'one cut');
  t.throws(() => seriesEnergyOverCuts(src([]), [FROM, NaN]), EnergyInputError, 'not a number');
  t.throws(() => seriesEnergy(src([ev(FROM + H, FROM + H)]), FROM, TO), EnergyInputError, 'event of no length');
  t.throws(
    () => seriesEnergy(src([ev(FROM + H, FROM + 3 * H), ev(FROM + 2 * H, FROM + 4 * H)]), FROM, TO),
    EnergyInputError,
    'overlapping events',
  );
  t.throws(() => seriesEnergy(src([ev(FROM + H, FROM + 2 * H, -1)]), FROM, TO), EnergyInputError, 'negative betweenKwh');
  const dup = ev(FROM + H, FROM + 2 * H, 0.5);
  t.equal(seriesEnergy(src([dup, { ...dup }]), FROM, TO).events.length, 1, 'an event stored twice counts once');
});
