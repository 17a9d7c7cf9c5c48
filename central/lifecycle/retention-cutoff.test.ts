import t from 'tap';
import { monthPeriod } from '../../common/local-time.js';
import type { RunState } from '../storage/billing/types.js';
import {
  DAY_MS,
  historyCutoff,
  rawCutoff,
  rollupCutoff,
  type CutoffSeries,
  type RawCutoff,
  type RawCutoffInput,
} from './retention-cutoff.js';

// 2026-05-20 12:00 UTC: April ended, May runs.
const NOW = Date.UTC(2026, 4, 20, 12);
const AGE = NOW - 35 * DAY_MS; // 2026-04-15 12:00 UTC
const AMS = 'Europe/Amsterdam';
const SGP = 'Asia/Singapore';
const complete = (entity: string, ...periods: string[]) => periods.map((period) => ({ entity, period, state: 'complete' as RunState }));
const rolled: CutoffSeries = { firstTs: Date.UTC(2026, 0, 1), lastTs: NOW - 60_000, rolledToMs: NOW - 15 * 60_000, dirtyFromMs: undefined };

const base: RawCutoffInput = {
  nowMs: NOW,
  rawDays: 35,
  entities: [{ id: 'ams1', zones: [AMS], since: '2026-01' }],
  runs: complete('ams1', '2026-01', '2026-02', '2026-03', '2026-04'),
  held: [],
  series: [rolled],
};

const cases: { name: string; input: Partial<RawCutoffInput>; want: RawCutoff }[] = [
  { name: 'every month final: the age', input: {}, want: { cutoffMs: AGE, reason: 'age' } },
  {
    name: 'a held invoice in March holds March',
    input: { held: [{ entity: 'ams1', period: '2026-03' }] },
    want: { cutoffMs: monthPeriod('2026-03', AMS).fromMs, reason: 'invoices', month: { entity: 'ams1', period: '2026-03' } },
  },
  {
    name: 'a partial April run holds April',
    input: { runs: [...complete('ams1', '2026-01', '2026-02', '2026-03'), { entity: 'ams1', period: '2026-04', state: 'partial' }] },
    want: { cutoffMs: monthPeriod('2026-04', AMS).fromMs, reason: 'invoices', month: { entity: 'ams1', period: '2026-04' } },
  },
  {
    name: 'a finalized run not complete yet holds its month',
    input: { runs: [...complete('ams1', '2026-01', '2026-02', '2026-03'), { entity: 'ams1', period: '2026-04', state: 'finalized' }] },
    want: { cutoffMs: monthPeriod('2026-04', AMS).fromMs, reason: 'invoices', month: { entity: 'ams1', period: '2026-04' } },
  },
  {
    name: 'a month without a run is not final',
    input: { runs: complete('ams1', '2026-01', '2026-03', '2026-04') },
    want: { cutoffMs: monthPeriod('2026-02', AMS).fromMs, reason: 'invoices', month: { entity: 'ams1', period: '2026-02' } },
  },
  {
    name: 'the month under way does not hold (it has not ended)',
    input: { rawDays: 2, runs: complete('ams1', '2026-01', '2026-02', '2026-03', '2026-04') },
    want: { cutoffMs: NOW - 2 * DAY_MS, reason: 'age' },
  },
  {
    name: 'two zones: the month starts in the earliest',
    input: {
      entities: [{ id: 'asia', zones: [AMS, SGP], since: '2026-04' }],
      runs: [],
    },
    want: { cutoffMs: monthPeriod('2026-04', SGP).fromMs, reason: 'invoices', month: { entity: 'asia', period: '2026-04' } },
  },
  {
    name: 'the oldest open month over entities',
    input: {
      entities: [
        { id: 'ams1', zones: [AMS], since: '2026-01' },
        { id: 'sgp1', zones: [SGP], since: '2026-01' },
      ],
      runs: [...complete('ams1', '2026-01', '2026-02'), ...complete('sgp1', '2026-01', '2026-02', '2026-03')],
    },
    want: { cutoffMs: monthPeriod('2026-03', AMS).fromMs, reason: 'invoices', month: { entity: 'ams1', period: '2026-03' } },
  },
  {
    name: 'months before `since` are never invoiced',
    input: { entities: [{ id: 'ams1', zones: [AMS], since: '2026-03' }], runs: complete('ams1', '2026-03', '2026-04') },
    want: { cutoffMs: AGE, reason: 'age' },
  },
  {
    name: 'rollups behind hold raw',
    input: { series: [rolled, { ...rolled, rolledToMs: AGE - 3 * DAY_MS }] },
    want: { cutoffMs: AGE - 3 * DAY_MS, reason: 'rollups' },
  },
  {
    name: 'a series never rolled up holds from its first reading',
    input: { series: [rolled, { ...rolled, firstTs: AGE - DAY_MS, rolledToMs: undefined }] },
    want: { cutoffMs: AGE - DAY_MS, reason: 'rollups' },
  },
  {
    name: 'a dirty series holds raw from its mark',
    input: { series: [rolled, { ...rolled, dirtyFromMs: AGE - 7 * DAY_MS }] },
    want: { cutoffMs: AGE - 7 * DAY_MS, reason: 'dirty' },
  },
  {
    name: 'a series without data does not hold',
    input: { series: [rolled, { firstTs: undefined, lastTs: undefined, rolledToMs: undefined, dirtyFromMs: undefined }] },
    want: { cutoffMs: AGE, reason: 'age' },
  },
  {
    name: 'a series silent for longer than the retention and rolled to its end does not hold',
    input: {
      series: [
        rolled,
        { firstTs: Date.UTC(2025, 0, 1), lastTs: AGE - 90 * DAY_MS, rolledToMs: AGE - 90 * DAY_MS - 60_000, dirtyFromMs: undefined },
      ],
    },
    want: { cutoffMs: AGE, reason: 'age' },
  },
  {
    name: 'a silent series never rolled up holds',
    input: { series: [rolled, { firstTs: AGE - 99 * DAY_MS, lastTs: AGE - 90 * DAY_MS, rolledToMs: undefined, dirtyFromMs: undefined }] },
    want: { cutoffMs: AGE - 99 * DAY_MS, reason: 'rollups' },
  },
];

for (const c of cases) t.same(rawCutoff({ ...base, ...c.input }), c.want, c.name);

t.test('rollup and history cutoffs', async (t) => {
  t.equal(rollupCutoff(NOW, 10), Date.UTC(2016, 4, 20, 12));
  t.equal(historyCutoff(NOW, undefined), undefined);
  t.equal(historyCutoff(NOW, 400), NOW - 400 * DAY_MS);
});
