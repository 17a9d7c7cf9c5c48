import t from 'tap';
import { dayStartsOf, RAW_MARGIN_MS, tieredBoundaries, windowsOf, type TierDeps } from './tiered.js';
import type { BoundaryQuery, BoundaryValues } from '../readings/types.js';
import type { RollupDay, RollupRow } from './types.js';

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 9, 1);

t.test('windowsOf: three days back and two ahead of each instant, merged per series where they meet', async (t) => {
  t.same(windowsOf([]), []);
  t.same(
    windowsOf([
      { seriesId: 2, atMs: D0 },
      { seriesId: 1, atMs: D0 + 30 * DAY },
      { seriesId: 1, atMs: D0 },
      { seriesId: 1, atMs: D0 + 4 * DAY },
    ]),
    [
      { seriesId: 1, fromDayMs: D0 - 3 * DAY, toDayMs: D0 + 6 * DAY },
      { seriesId: 1, fromDayMs: D0 + 27 * DAY, toDayMs: D0 + 32 * DAY },
      { seriesId: 2, fromDayMs: D0 - 3 * DAY, toDayMs: D0 + 2 * DAY },
    ],
  );
});

/** A fake store: rows of series 1 on days D0 and D0 + 1; the tier answers with the day it was given. */
function fake(rawFromMs: number | undefined) {
  const calls = { raw: [] as number[][], rows: 0, decoded: [] as number[] };
  const rows: RollupRow[] = [0, 1].map((k) => ({
    seriesId: 1,
    dayMs: D0 + k * DAY,
    intervalMin: 15,
    energyKwh: 0,
    readings: 0,
    body: new Uint8Array(),
  }));
  const deps: TierDeps = {
    raw: async (qs) => {
      calls.raw.push(qs.map((q) => q.atMs));
      return qs.map((q) => ({ before: { ts: q.atMs, value: -1, quality: 'good' }, after: undefined }));
    },
    rawFromMs: async () => rawFromMs,
    rows: async (ws) => {
      calls.rows++;
      return rows.filter((r) => ws.some((w) => w.seriesId === r.seriesId && r.dayMs >= w.fromDayMs && r.dayMs < w.toDayMs));
    },
    decode: (row) => {
      calls.decoded.push(row.dayMs);
      return { seriesId: row.seriesId, dayMs: row.dayMs, intervalMin: 15, edges: [], intervals: [] } as RollupDay;
    },
    answer: (days, q) => {
      const day = [...days.keys()].filter((d) => d <= q.atMs && q.atMs < d + DAY)[0];
      return day === undefined ? undefined : { before: { ts: day, value: 1, quality: 'good' }, after: undefined };
    },
  };
  return { deps, calls };
}

const q = (seriesId: number, atMs: number): BoundaryQuery => ({ seriesId, measurement: 'energy_import_kwh', atMs });
const values = (r: BoundaryValues[]) => r.map((v) => v.before?.value);

t.test('tieredBoundaries: which tier answers each lookup', async (t) => {
  const qs = [q(1, D0 + 3_600_000), q(1, D0 + DAY + 60_000), q(1, D0 + 5 * DAY), q(2, D0), q(1, D0 + 20 * DAY)];
  const raw = fake(D0);
  t.same(values(await tieredBoundaries(qs, 'raw', raw.deps)), [-1, -1, -1, -1, -1], 'raw: as before');
  t.equal(raw.calls.rows, 0);

  const never = fake(undefined);
  t.same(values(await tieredBoundaries(qs, 'auto', never.deps)), [-1, -1, -1, -1, -1], 'auto before any retention: raw');
  t.equal(never.calls.rows, 0, 'no rollup read');

  const forced = fake(undefined);
  t.same(values(await tieredBoundaries(qs, 'rollups', forced.deps)), [1, 1, -1, -1, -1], 'rollups: raw where no day row holds it');
  t.same(forced.calls.raw, [[D0 + 5 * DAY, D0, D0 + 20 * DAY]], 'one raw call for the rest, in query order');
  t.equal(forced.calls.rows, 1, 'one rollup read');
  t.same(forced.calls.decoded, [D0, D0 + DAY], 'each day decoded once');

  const auto = fake(D0 + 10 * DAY - RAW_MARGIN_MS);
  t.same(values(await tieredBoundaries(qs, 'auto', auto.deps)), [1, 1, -1, -1, -1], 'auto: rollups before the horizon + margin');
  t.same(auto.calls.raw, [[D0 + 5 * DAY, D0, D0 + 20 * DAY]]);

  const past = fake(D0 - RAW_MARGIN_MS - 1);
  t.same(values(await tieredBoundaries(qs, 'auto', past.deps)), [-1, -1, -1, -1, -1]);
  t.equal(past.calls.rows, 0, 'nothing in the rollup span: raw only');
  t.same(await tieredBoundaries([], 'rollups', past.deps), []);
});

t.test('dayStartsOf: the day start of an instant as the rows tell it, a 23 h day among them', async (t) => {
  const H = 3_600_000;
  const day = (dayMs: number, hours: number) =>
    ({
      seriesId: 1,
      dayMs,
      intervalMin: 60,
      edges: Array.from({ length: hours + 1 }, (_, i) => ({ atMs: dayMs + i * H })),
      intervals: [],
    }) as unknown as RollupDay;
  const short = D0 + DAY; // a 23 h day, then one of 24 h after a missing one
  const startOf = dayStartsOf(
    new Map([
      [D0, day(D0, 24)],
      [short, day(short, 23)],
      [short + 47 * H, day(short + 47 * H, 24)],
    ]),
  );
  const cases: [number, number][] = [
    [D0, D0],
    [D0 + DAY - 1, D0],
    [short, short],
    [short + 23 * H - 1, short],
    [short + 23 * H, short + 23 * H], // the last edge of a row: the next day's start, though that day has no row
    [short + 30 * H, Number.NaN],
    [short + 47 * H + 1, short + 47 * H],
    [D0 - 1, Number.NaN],
  ];
  for (const [ms, want] of cases) t.same(startOf(ms), want, `${(ms - D0) / H} h`);
});
