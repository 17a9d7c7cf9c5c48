import t from 'tap';

import type { BoundaryTrace } from '../../energy/types.js';
import { answerFromRollups, rollupDaysAround } from './tier.js';
import type { RollupDay } from './types.js';

const H = 3_600_000;
const DAY_MS = 24 * H;
const D0 = Date.UTC(2026, 0, 5);
const dayStartOf = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/** A UTC day of 24 one-hour intervals; `noValue` edges (by hour) are in_gap. */
function day(dayMs: number, startKwh: number, noValue: readonly number[] = []): RollupDay {
  const edges = Array.from({ length: 25 }, (_, i): BoundaryTrace => {
    const atMs = dayMs + i * H;
    if (noValue.includes(i)) return { atMs, method: 'in_gap', estimated: true, epochStartMs: atMs + 9 * H };
    return {
      atMs,
      method: 'interpolated',
      estimated: false,
      valueKwh: startKwh + i,
      before: { ts: atMs - 1000, valueKwh: startKwh + i - 0.01 },
    };
  });
  const intervals = edges.slice(1).map(() => ({ kWh: 1, meanW: 1000, minW: 900, maxW: 1100, readings: 60 }));
  return { seriesId: 1, dayMs, intervalMin: 60, edges, intervals };
}

const E = 'energy_import_kwh';
const good = (ts: number, value: number) => ({ ts, value, quality: 'good' as const });

t.test('answers from rollup days', async (t) => {
  const d0 = day(D0, 100, [24]); // its last edge is d1's first, without value
  const d1 = day(D0 + DAY_MS, 124, [0, 1, 2]);
  const d2 = day(D0 + 2 * DAY_MS, 148, [20, 21, 22, 23, 24]);
  const days = new Map([d0, d1, d2].map((d) => [d.dayMs, d]));
  const ask = (atMs: number, measurement = E) => answerFromRollups(days, { measurement, atMs }, dayStartOf);

  const e5 = d0.edges[5]!;
  t.strictSame(
    ask(D0 + 5 * H),
    { before: good(D0 + 5 * H, 105), after: good(D0 + 5 * H, 105), edge: e5 },
    'an exact edge carries the edge',
  );
  t.strictSame(ask(D0 + 5.5 * H), { before: good(D0 + 5 * H, 105), after: good(D0 + 6 * H, 106) }, 'between edges: the edges around it');
  t.strictSame(
    ask(D0 + DAY_MS),
    { before: undefined, after: undefined, edge: d1.edges[0] },
    'an edge without value: no readings, the edge',
  );
  t.strictSame(
    ask(D0 + DAY_MS + 30 * 60_000),
    { before: good(D0 + 23 * H, 123), after: good(D0 + DAY_MS + 3 * H, 127) },
    'walks into the previous day',
  );
  t.strictSame(
    ask(D0 + 2 * DAY_MS + 19.5 * H),
    { before: good(D0 + 2 * DAY_MS + 19 * H, 167), after: undefined },
    'the next day has no row: nothing after',
  );
  t.strictSame(ask(D0 + 5.5 * H, 'power_w'), { before: undefined, after: undefined }, 'power is not kept');
  t.equal(ask(D0 + 5.5 * H, 'voltage_v'), undefined, 'another measurement: from raw');
  t.equal(ask(D0 - 1), undefined, 'no row for the day: from raw');
  t.strictSame(ask(D0 + 3 * DAY_MS), { before: undefined, after: undefined, edge: d2.edges[24] }, 'the last midnight: the last edge');
  t.equal(ask(D0 + 3 * DAY_MS + 1), undefined, 'after the last edge: from raw');

  // Estimated edges are not readings: the answer steps over them to measured ones.
  const est = day(D0, 100, [24]);
  for (const i of [6, 7, 8]) est.edges[i] = { ...est.edges[i]!, method: 'estimated_rate', estimated: true };
  const withEstimates = new Map([[D0, est]]);
  t.strictSame(answerFromRollups(withEstimates, { measurement: E, atMs: D0 + 6.5 * H }, dayStartOf), {
    before: good(D0 + 5 * H, 105),
    after: good(D0 + 9 * H, 109),
  });

  // Walking back across a whole day of edges without value.
  const empty = day(
    D0 + DAY_MS,
    0,
    Array.from({ length: 25 }, (_, i) => i),
  );
  const gap = new Map([d0, empty, d2].map((d) => [d.dayMs, d]));
  t.strictSame(answerFromRollups(gap, { measurement: E, atMs: D0 + DAY_MS + 12.5 * H }, dayStartOf), {
    before: good(D0 + 23 * H, 123),
    after: good(D0 + 2 * DAY_MS, 148),
  });
});

t.test('rollupDaysAround: the previous, own and next day, DST days included', async (t) => {
  t.strictSame(rollupDaysAround(D0 + 5 * H, dayStartOf), [D0 - DAY_MS, D0, D0 + DAY_MS]);
  t.strictSame(rollupDaysAround(D0, dayStartOf), [D0 - DAY_MS, D0, D0 + DAY_MS]);
  // A 23-hour and a 25-hour day (as in a zone with DST): still the neighbours, never two days on.
  const starts = [0, 23 * H, 48 * H, 73 * H];
  const startOf = (ms: number): number => starts.filter((s) => s <= ms).at(-1)!;
  t.strictSame(rollupDaysAround(30 * H, startOf), [0, 23 * H, 48 * H]);
  t.strictSame(rollupDaysAround(50 * H, startOf), [23 * H, 48 * H, 73 * H]);
});
