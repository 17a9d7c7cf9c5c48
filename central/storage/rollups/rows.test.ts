import Database from 'better-sqlite3';
import t from 'tap';
import { cellSql, claimOf } from './rows.js';

t.test('claimOf: from the earlier of the dirty mark and the old watermark (the first reading when never rolled up)', async (t) => {
  const cases: [string, { first_ts: number | null; rolled_to_ms: number | null; dirty_from_ms: number | null }, number, unknown][] = [
    ['no reading yet', { first_ts: null, rolled_to_ms: null, dirty_from_ms: null }, 100, undefined],
    ['never rolled up', { first_ts: 10, rolled_to_ms: null, dirty_from_ms: null }, 100, { fromMs: 10, dirtyMarkMs: 10 }],
    ['from the watermark', { first_ts: 10, rolled_to_ms: 50, dirty_from_ms: null }, 100, { fromMs: 50, dirtyMarkMs: 50 }],
    ['a dirty mark before it', { first_ts: 10, rolled_to_ms: 50, dirty_from_ms: 20 }, 100, { fromMs: 20, dirtyMarkMs: 20 }],
    ['a dirty mark after it', { first_ts: 10, rolled_to_ms: 50, dirty_from_ms: 70 }, 100, { fromMs: 50, dirtyMarkMs: 50 }],
    ['nothing to build', { first_ts: 10, rolled_to_ms: 100, dirty_from_ms: null }, 100, undefined],
    [
      'toMs before the watermark, dirty before toMs',
      { first_ts: 10, rolled_to_ms: 200, dirty_from_ms: 30 },
      100,
      { fromMs: 30, dirtyMarkMs: 30 },
    ],
  ];
  for (const [name, row, toMs, want] of cases) {
    const got = claimOf({ seriesId: 7, toMs }, row);
    t.same(got, want === undefined ? undefined : { seriesId: 7, toMs, ...(want as object) }, name);
  }
});

t.test('cellSql: floor((ts - anchor) / interval) in integer SQL, before the anchor too', async (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  const q = db.prepare(`SELECT ${cellSql('@a', '@i')} AS cell FROM (SELECT @ts AS ts)`).pluck();
  for (const [ts, a, i] of [
    [0, 0, 900],
    [899, 0, 900],
    [900, 0, 900],
    [-1, 0, 900],
    [-900, 0, 900],
    [-901, 0, 900],
    [1_790_812_800_000, 1_790_812_800_000 + 300_000, 900_000],
    [1_790_812_800_000 + 17_000, 1_790_812_800_000 - 86_400_000, 900_000],
  ]) {
    t.equal(q.get({ ts, a, i }), Math.floor((ts! - a!) / i!), `ts ${ts}, anchor ${a}, interval ${i}`);
  }
});
