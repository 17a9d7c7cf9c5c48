import t from 'tap';
import type { RollupDayTotal } from '../../storage/rollups/types.js';
import { hasDayTotals, leadingDayBuckets } from './day-totals.js';

const H = 3_600_000;
const D = 24 * H;
// Four days, the third 25 hours long (the clocks go back).
const days = [0, D, 2 * D, 3 * D + H];
const row = (dayMs: number, energyKwh: number, estimatedKwh?: number): RollupDayTotal => ({
  seriesId: 1,
  dayMs,
  energyKwh,
  readings: 96,
  ...(estimatedKwh !== undefined ? { estimatedKwh } : {}),
});
const rows = [row(days[0]!, 10, 0), row(days[1]!, 20, 2), row(days[2]!, 30, 0), row(days[3]!, 40, 0)];
const clean = { rolledToMs: 4 * D + H, dirtyFromMs: undefined };
const always = [{ fromMs: -D }];
const end4 = (dayMs: number) => (dayMs === days[3] ? 4 * D + H : undefined);

const cases: {
  name: string;
  cuts: number[];
  rows?: RollupDayTotal[];
  state?: { rolledToMs: number | undefined; dirtyFromMs: number | undefined };
  held?: { fromMs: number; toMs?: number }[];
  dayEndOf?: (dayMs: number) => number | undefined;
  want: [number, number][];
}[] = [
  {
    name: 'every day',
    cuts: [...days, 4 * D + H],
    dayEndOf: end4,
    want: [
      [10, 0],
      [20, 2],
      [30, 0],
      [40, 0],
    ],
  },
  {
    name: 'the last day ends where no row says: the core',
    cuts: [...days, 4 * D + H],
    want: [
      [10, 0],
      [20, 2],
      [30, 0],
    ],
  },
  {
    name: 'not rolled up past a cut',
    cuts: days,
    state: { rolledToMs: 2 * D, dirtyFromMs: undefined },
    want: [
      [10, 0],
      [20, 2],
    ],
  },
  { name: 'dirty inside the second day', cuts: days, state: { rolledToMs: 4 * D, dirtyFromMs: D + H }, want: [[10, 0]] },
  { name: 'never rolled up', cuts: days, state: undefined, want: [] },
  { name: 'a cut off midnight', cuts: [0, D + H, 2 * D], want: [] },
  { name: 'two days, one estimated: the core', cuts: [0, 2 * D, 3 * D + H], want: [] },
  { name: 'two days, none estimated', cuts: [2 * D, 4 * D + H], dayEndOf: end4, want: [[70, 0]] },
  { name: 'a day without its estimate', cuts: days, rows: [rows[0]!, row(D, 20), rows[2]!, rows[3]!], want: [[10, 0]] },
  { name: 'a missing day', cuts: [0, D, 2 * D, 3 * D + H], rows: [rows[0]!, rows[2]!, rows[3]!], want: [] },
  {
    name: 'held from the second day',
    cuts: days,
    held: [{ fromMs: D }],
    want: [
      [0, 0],
      [20, 2],
      [30, 0],
    ],
  },
  { name: 'held from the middle of the second day', cuts: days, held: [{ fromMs: D + H }], want: [[0, 0]] },
  {
    name: 'held the first day only',
    cuts: days,
    held: [{ fromMs: 0, toMs: D }],
    want: [
      [10, 0],
      [0, 0],
      [0, 0],
    ],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const got = leadingDayBuckets(c.cuts, c.rows ?? rows, 'state' in c ? c.state : clean, c.held ?? always, c.dayEndOf);
    t.same(
      got.map((b) => [b.kWh, b.estimatedKwh]),
      c.want,
    );
  });
}

t.test('hasDayTotals: a store with both reads', async (t) => {
  t.ok(hasDayTotals({ rollupStates: async () => [], rollupTotals: async () => [] }));
  t.notOk(hasDayTotals({ rollupStates: async () => [] }));
});
