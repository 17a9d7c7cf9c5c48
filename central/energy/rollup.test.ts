import t from 'tap';

import { memorySeries } from '../../test/helpers/memory-source.js';
import { decodeRollupBody } from '../storage/rollups/codec.js';
import type { RollupIntervalMin } from '../storage/rollups/types.js';
import { EnergyInputError } from './errors.js';
import { assembleRollupDays, dayStartOf, gridCuts, rollupGrid, rollupRowOf, statsByStart } from './rollup.js';
import { seriesEnergyOverCuts } from './series.js';

const MIN = 60_000;
const H = 60 * MIN;
const AMS = 'Europe/Amsterdam';

t.test('rollupGrid: local days, DST days of 92 and 100 quarter hours, a +5:30 zone', async (t) => {
  const cases: {
    name: string;
    zone: string;
    from: number;
    to: number;
    interval: RollupIntervalMin;
    want: { dayMs: number; n: number }[];
  }[] = [
    {
      name: 'Amsterdam, spring forward (23 h)',
      zone: AMS,
      from: Date.UTC(2026, 2, 28, 23) + 5 * H,
      to: Date.UTC(2026, 2, 28, 23) + 6 * H,
      interval: 15,
      want: [{ dayMs: Date.UTC(2026, 2, 28, 23), n: 92 }],
    },
    {
      name: 'Amsterdam, fall back (25 h) and the days around it',
      zone: AMS,
      from: Date.UTC(2026, 9, 24, 0),
      to: Date.UTC(2026, 9, 25, 23) + 1,
      interval: 15,
      want: [
        { dayMs: Date.UTC(2026, 9, 23, 22), n: 96 },
        { dayMs: Date.UTC(2026, 9, 24, 22), n: 100 },
        { dayMs: Date.UTC(2026, 9, 25, 23), n: 96 },
      ],
    },
    {
      name: 'Kolkata (+5:30), hourly: midnight is 18:30 UTC',
      zone: 'Asia/Kolkata',
      from: Date.UTC(2026, 0, 1, 18, 30),
      to: Date.UTC(2026, 0, 3, 18, 30),
      interval: 60,
      want: [
        { dayMs: Date.UTC(2026, 0, 1, 18, 30), n: 24 },
        { dayMs: Date.UTC(2026, 0, 2, 18, 30), n: 24 },
      ],
    },
    { name: 'an empty range', zone: AMS, from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 1), interval: 15, want: [] },
    {
      name: 'Amsterdam spring day in 20-minute intervals',
      zone: AMS,
      from: Date.UTC(2026, 2, 28, 23),
      to: Date.UTC(2026, 2, 28, 23) + 1,
      interval: 20,
      want: [{ dayMs: Date.UTC(2026, 2, 28, 23), n: 69 }],
    },
  ];
  for (const c of cases) {
    const grid = rollupGrid(c.zone, c.from, c.to, c.interval);
    t.strictSame(
      grid.map((d) => ({ dayMs: d.dayMs, n: d.edgesMs.length - 1 })),
      c.want,
      c.name,
    );
    for (const [i, d] of grid.entries()) {
      t.ok(
        d.edgesMs.every((e, k) => e === d.dayMs + k * c.interval * MIN),
        `${c.name}: edges on the UTC-uniform grid`,
      );
      if (i > 0) t.equal(d.dayMs, grid[i - 1]!.edgesMs.at(-1), `${c.name}: a day ends where the next begins`);
      t.equal(dayStartOf(c.zone, d.edgesMs.at(-2)!), d.dayMs);
    }
  }
  t.throws(() => rollupGrid(AMS, 0, 1, 7 as RollupIntervalMin), EnergyInputError);
});

t.test('dayStartOf: local midnight of the day an instant falls on', async (t) => {
  t.equal(dayStartOf(AMS, Date.UTC(2026, 2, 29, 12)), Date.UTC(2026, 2, 28, 23));
  t.equal(dayStartOf(AMS, Date.UTC(2026, 2, 28, 23)), Date.UTC(2026, 2, 28, 23), 'midnight itself');
  t.equal(dayStartOf(AMS, Date.UTC(2026, 2, 28, 23) - 1), Date.UTC(2026, 2, 27, 23));
  t.equal(dayStartOf('Asia/Kolkata', Date.UTC(2026, 0, 2, 0)), Date.UTC(2026, 0, 1, 18, 30));
});

t.test('gridCuts, statsByStart, assembleRollupDays and rollupRowOf', async (t) => {
  const grid = rollupGrid('UTC', Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 3), 60);
  const cuts = gridCuts(grid);
  t.equal(cuts.length, 49, 'two days of 24 hours: 49 edges, the shared midnight once');
  const d0 = Date.UTC(2026, 0, 1);
  // 1 kWh an hour, a reading every 10 minutes from an hour before the first edge.
  const counters = Array.from({ length: 6 * 50 }, (_, i) => ({ ts: d0 - H + i * 10 * MIN, valueKwh: 100 + i / 6 }));
  const energies = seriesEnergyOverCuts(memorySeries({ seriesId: 's', counters }), cuts);
  const stats = statsByStart(
    [
      { cell: 0, readings: 6, meanW: 1000, minW: 990, maxW: 1010 },
      { cell: 25, readings: 6, meanW: null, minW: null, maxW: null },
    ],
    d0,
    H,
  );
  t.strictSame(stats.get(d0 + 25 * H), { readings: 6, meanW: undefined, minW: undefined, maxW: undefined });
  const days = assembleRollupDays(9, grid, energies, stats);
  t.equal(days.length, 2);
  t.equal(days[1]!.edges[0], days[0]!.edges[24], 'the shared midnight is one trace');
  t.strictSame(days[0]!.intervals[0], { kWh: energies[0]!.kWh, meanW: 1000, minW: 990, maxW: 1010, readings: 6 });
  t.strictSame(days[0]!.intervals[1], { kWh: energies[1]!.kWh, meanW: undefined, minW: undefined, maxW: undefined, readings: 0 });
  const row = rollupRowOf(days[1]!);
  t.equal(row.readings, 6);
  t.equal(row.intervalMin, 60);
  t.ok(Math.abs(row.energyKwh - 24) < 1e-9, `a day of 1 kWh/h: ${row.energyKwh}`);
  t.strictSame(decodeRollupBody(row.body, 9, row.dayMs, 60), days[1]);
  t.throws(() => assembleRollupDays(9, grid, energies.slice(1), stats), {
    name: 'EnergyInputError',
    message: /no energy for the interval/,
  });
});
