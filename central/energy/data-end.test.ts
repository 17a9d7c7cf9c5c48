// Where a report's data ends (issue 17: energy with `to` past the newest reading answered 0 kWh at 100 %
// measured, or extrapolated consumption that had not happened as "estimated"), and the measured share over
// the period asked for. The core's own behaviour past the newest reading is pinned too: it is why reports
// clip, and a closed month's invoice still needs its estimate to the edge.
import t from 'tap';
import { clipToNewestReading, combinedMeasuredShare, coverage, measuredShareOver } from './data-end.js';
import { memorySeries } from '../../test/helpers/memory-source.js';
import { seriesEnergy } from './series.js';
import type { CounterReading } from './types.js';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const FROM = Date.UTC(2026, 9, 1);
const r = (ts: number, valueKwh: number): CounterReading => ({ ts, valueKwh });
/** 2 kW, read every `stepMs` from FROM - 1 h until `untilMs`. */
const flat = (id: string, untilMs: number, stepMs = 15 * MIN) =>
  memorySeries({
    seriesId: id,
    counters: Array.from({ length: Math.floor((untilMs - (FROM - H)) / stepMs) + 1 }, (_, i) =>
      r(FROM - H + i * stepMs, 100 + (2 * i * stepMs) / H),
    ),
  });
const NEWEST = FROM + 3 * DAY;
const live = flat('live', NEWEST);

t.test('the core past the newest reading: what reports must not show', async (t) => {
  const within = seriesEnergy(live, FROM, NEWEST + 3 * DAY);
  t.equal(within.kWh.toFixed(3), (2 * 24 * 6).toFixed(3), '3 days past it: 3 days that have not happened, extrapolated');
  t.equal(within.estimatedKwh.toFixed(3), (2 * 24 * 3).toFixed(3), '... as "estimated"');
  const beyond = seriesEnergy(live, FROM, NEWEST + 10 * DAY);
  t.same(
    [beyond.kWh, beyond.measuredKwh, beyond.end.method, beyond.anomalies.map((a) => a.kind)],
    [0, 0, 'none', ['no_readings']],
    '10 days past it: no end counter, 0 kWh',
  );
  // A closed month whose last reading is 5 minutes before its end and nothing after (a gateway gone at
  // 23:55): the invoice estimates the last 5 minutes at the counter's rate, as before.
  const edge = seriesEnergy(flat('edge', NEWEST - 5 * MIN, 5 * MIN), FROM, NEWEST);
  t.same(
    [edge.end.method, edge.kWh.toFixed(3), edge.estimatedKwh.toFixed(3)],
    ['estimated_rate', (2 * 72).toFixed(3), ((2 * 5) / 60).toFixed(3)],
    'estimated to the edge',
  );
});

interface Case {
  name: string;
  sources: { counterAtOrBefore: (t: number) => CounterReading | undefined; counterAtOrAfter: (t: number) => CounterReading | undefined }[];
  fromMs: number;
  toMs: number;
  want: number | undefined;
}

const cases: Case[] = [
  { name: 'a reading at or after the end: the data reaches it', sources: [live], fromMs: FROM, toMs: NEWEST - DAY, want: undefined },
  { name: 'a reading exactly at the end', sources: [live], fromMs: FROM, toMs: NEWEST, want: undefined },
  { name: 'the end 3 days past the newest reading: clipped to it', sources: [live], fromMs: FROM, toMs: NEWEST + 3 * DAY, want: NEWEST },
  { name: 'the end years past it: the same', sources: [live], fromMs: FROM, toMs: Date.UTC(2099, 0, 1), want: NEWEST },
  {
    name: 'one series lagging, another reaching the end: not clipped',
    sources: [flat('lag', NEWEST - DAY), live],
    fromMs: FROM,
    toMs: NEWEST - H,
    want: undefined,
  },
  {
    name: 'every series short of the end: the newest of them',
    sources: [flat('lag', NEWEST - DAY), live],
    fromMs: FROM,
    toMs: NEWEST + DAY,
    want: NEWEST,
  },
  {
    name: 'the whole period after the newest reading: nothing to count',
    sources: [live],
    fromMs: NEWEST + DAY,
    toMs: NEWEST + 2 * DAY,
    want: NEWEST + DAY,
  },
  { name: 'no reading at all', sources: [memorySeries({ seriesId: 'empty', counters: [] })], fromMs: FROM, toMs: FROM + DAY, want: FROM },
  { name: 'no series', sources: [], fromMs: FROM, toMs: FROM + DAY, want: FROM },
];

t.test('clipToNewestReading', async (t) => {
  for (const c of cases) t.equal(clipToNewestReading(c.sources, c.fromMs, c.toMs), c.want, c.name);
});

t.test('measured share over the period asked for', async (t) => {
  const q = (kWh: number, estimatedKwh = 0) => ({ kWh, measuredKwh: kWh - estimatedKwh, estimatedKwh, interpolatedKwh: 0 });
  t.equal(coverage(FROM, FROM + 4 * DAY, undefined), 1, 'not clipped: all of it');
  t.equal(coverage(FROM, FROM + 4 * DAY, FROM + 3 * DAY), 0.75);
  t.equal(coverage(FROM, FROM + 4 * DAY, FROM), 0, 'clipped at the start: none of it');
  t.equal(measuredShareOver(q(144), 0.75), 0.75, 'all measured, a quarter of the period without data: 75 %');
  t.equal(measuredShareOver(q(144, 14.4), 0.75).toFixed(4), '0.6750', 'and with 10 % estimated: 67.5 %');
  t.equal(measuredShareOver(q(0), 0), 0, '0 kWh over a period without data is 0 % measured, not 100 %');
  t.equal(measuredShareOver(q(0), 1), 1, '0 kWh over a period with data is 0 kWh measured');
  t.equal(
    combinedMeasuredShare([
      { q: q(144), cover: 0.75 },
      { q: q(100), cover: 1 },
    ]).toFixed(6),
    (244 / (192 + 100)).toFixed(6),
    'rows weighted by the energy of their whole period',
  );
  t.equal(
    combinedMeasuredShare([
      { q: q(0), cover: 0.5 },
      { q: q(0), cover: 1 },
    ]),
    0.5,
    'no energy anywhere: the lowest coverage',
  );
  t.equal(combinedMeasuredShare([]), 1, 'nothing held: nothing claimed');
});
