import t from 'tap';
import { BucketError, bucketPlan, chooseStep, demandCuts, MAX_BUCKETS, peakOf, powerBuckets, sumSlots } from './buckets.js';

const H = 3_600_000;
const D = 24 * H;
const ms = (iso: string) => Date.parse(iso);

t.test('the step is the finest that keeps a period under the cap', async (t) => {
  const cases: [string, number, string][] = [
    ['an hour', H, '1m'],
    ['six hours', 6 * H, '1m'],
    ['a day', D, '5m'],
    ['a week', 7 * D, '1h'],
    ['a month', 31 * D, '6h'],
    ['a quarter', 92 * D, '6h'],
    ['half a year', 183 * D, '1d'],
    ['a year', 366 * D, '1d'],
  ];
  for (const [what, span, step] of cases) t.equal(chooseStep(span).name, step, what);
  t.equal(chooseStep(366 * D, 10).name, '7d', 'the coarsest when nothing fits');
});

t.test("plans in the site's zone", async (t) => {
  const hour = bucketPlan(ms('2026-10-10T10:00:00Z'), ms('2026-10-10T11:00:00Z'), 'Europe/Amsterdam');
  t.equal(hour.step, '1m');
  t.equal(hour.cutsMs.length, 61, '60 one-minute buckets');

  const year = bucketPlan(ms('2025-11-01T00:00:00+01:00'), ms('2026-11-01T00:00:00+01:00'), 'Europe/Amsterdam');
  t.equal(year.step, '1d');
  t.equal(year.cutsMs.length - 1, 365, 'a year is 365 local days');
  t.ok(year.cutsMs.length - 1 <= MAX_BUCKETS);
  // 29 March 2026: clocks forward in Amsterdam; the day is 23 hours long and the next starts at local midnight.
  const i = year.cutsMs.indexOf(ms('2026-03-29T00:00:00+01:00'));
  t.equal(year.cutsMs[i + 1]! - year.cutsMs[i]!, 23 * H, 'the spring-forward day is 23 h');
  t.equal(year.cutsMs[i + 1], ms('2026-03-30T00:00:00+02:00'));

  const oct = bucketPlan(ms('2026-10-01T00:00:00+02:00'), ms('2026-11-01T00:00:00+01:00'), 'Europe/Amsterdam');
  t.equal(oct.step, '6h');
  t.equal(oct.cutsMs.length - 1, 124, '31 days of four buckets');
  t.equal(oct.cutsMs[1], ms('2026-10-01T06:00:00+02:00'), 'on the local clock');
  const back = oct.cutsMs.indexOf(ms('2026-10-25T18:00:00+01:00'));
  t.equal(oct.cutsMs[back + 1]! - oct.cutsMs[back]!, 6 * H, 'the last bucket of the 25-hour day ends at midnight');
  t.equal(oct.cutsMs[back - 2]! - oct.cutsMs[back - 3]!, 7 * H, 'its first bucket holds the extra hour');
  const spring = bucketPlan(ms('2026-03-29T00:00:00+01:00'), ms('2026-03-30T00:00:00+02:00'), 'Europe/Amsterdam', 30);
  t.equal(spring.step, '1h');
  t.equal(spring.cutsMs.length - 1, 23, 'the spring-forward day has 23 hourly buckets');

  const mid = bucketPlan(ms('2026-10-01T03:30:00Z'), ms('2026-10-08T03:30:00Z'), 'Asia/Singapore');
  t.equal(mid.step, '1h');
  t.equal(mid.cutsMs[0], ms('2026-10-01T03:30:00Z'), 'the first bucket starts with the period');
  t.equal(mid.cutsMs[1], ms('2026-10-01T12:00:00+08:00'), 'then whole local hours');

  const weeks = bucketPlan(ms('2026-01-01T00:00:00Z'), ms('2026-12-31T00:00:00Z'), 'UTC', 100);
  t.equal(weeks.step, '7d');
  t.equal(new Date(weeks.cutsMs[1]!).getUTCDay(), 1, 'weeks start on Mondays');
  t.equal(weeks.cutsMs.length, 54);
});

t.test('refuses what it cannot plan', async (t) => {
  t.throws(() => bucketPlan(10, 10, 'UTC'), BucketError);
  t.throws(() => bucketPlan(NaN, 10, 'UTC'), /must end after/);
  t.throws(() => bucketPlan(0, 400 * D, 'UTC'), /at most 367 days, asked for 400/);
});

t.test('mean power per bucket from its energy', async (t) => {
  t.same(
    powerBuckets([
      { fromMs: 0, toMs: H / 4, kWh: 0.5, estimatedKwh: 0 },
      { fromMs: H / 4, toMs: H, kWh: 3, estimatedKwh: 1.5 },
      { fromMs: H, toMs: 2 * H, kWh: 0, estimatedKwh: 0 },
    ]),
    [
      { fromMs: 0, toMs: H / 4, kWh: 0.5, kW: 2, estimated: false, measuredShare: 1 },
      { fromMs: H / 4, toMs: H, kWh: 3, kW: 4, estimated: true, measuredShare: 0.5 },
      { fromMs: H, toMs: 2 * H, kWh: 0, kW: 0, estimated: false, measuredShare: 1 },
    ],
  );
  t.equal(powerBuckets([{ fromMs: 5, toMs: 5, kWh: 1, estimatedKwh: 0 }])[0]!.kW, 0, 'an empty bucket has no power');
});

t.test('peak demand over whole 15-minute slots', async (t) => {
  const from = ms('2026-10-01T00:05:00Z');
  const cuts = demandCuts(from, from + H);
  t.same(
    cuts.map((c) => new Date(c).toISOString().slice(11, 16)),
    ['00:15', '00:30', '00:45', '01:00'],
    'whole slots only',
  );
  t.same(demandCuts(from, from + 60_000), [], 'none in a minute');
  t.same(
    peakOf([
      { fromMs: 0, toMs: H / 4, kWh: 0.5, estimatedKwh: 0 },
      { fromMs: H / 4, toMs: H / 2, kWh: 0.75, estimatedKwh: 0.1 },
      { fromMs: H / 2, toMs: (3 * H) / 4, kWh: 0.6, estimatedKwh: 0 },
    ]),
    { kW: 3, fromMs: H / 4, estimated: true },
  );
  t.equal(peakOf([]), undefined);
  // Two racks peaking at different times: together they never draw the sum of their peaks.
  const a = [
    { fromMs: 0, toMs: H / 4, kWh: 1, estimatedKwh: 0 },
    { fromMs: H / 4, toMs: H / 2, kWh: 0.25, estimatedKwh: 0 },
  ];
  const b = [
    { fromMs: 0, toMs: H / 4, kWh: 0.25, estimatedKwh: 0.25 },
    { fromMs: H / 4, toMs: H / 2, kWh: 1, estimatedKwh: 0 },
  ];
  t.same(sumSlots([a, b]), [
    { fromMs: 0, toMs: H / 4, kWh: 1.25, estimatedKwh: 0.25 },
    { fromMs: H / 4, toMs: H / 2, kWh: 1.25, estimatedKwh: 0 },
  ]);
  t.same(peakOf(sumSlots([a, b])), { kW: 5, fromMs: 0, estimated: true }, 'coincident peak 5 kW, not 4 + 4');
  t.same(sumSlots([]), []);
});
