// Late readings near the raw horizon (issue 21), found by the kill proofs: a rollup day is built from raw
// only where raw is whole, but the horizon is not a day boundary. (1) A late reading after rawFrom, inside
// the local day rawFrom falls in: that day is partly cut, so the builder skips it and its row never sees the
// reading (on PostgreSQL the horizon is Monday 00:00 UTC, inside a local day of every zone east of UTC).
// (2) SQLite removes raw in batches: rawFrom moves to the cutoff with the first batch, so a late reading
// before the cutoff of an unfinished removal does not make the builder rebuild its day from raw half
// removed (a right row would become a wrong one for good). (1) stays a known limit, its last assertion
// marked todo (docs/storage.md): a reading that late is more than the raw retention late.
import t from 'tap';
import { dayStartOf } from '../../central/energy/rollup.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import type { CentralStore } from '../../central/storage/readings/types.js';
import { quietLog } from '../helpers/env.js';
import { synthesize } from '../helpers/synthetic.js';
import { ingest, type SeriesToIngest } from '../energy/stores.js';
import { allRows, builderOn, clockAt, DAY1, decode, GATEWAY, H, MIN, proofKinds, SITE, ZONE } from './proof-stores.js';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const NOW = DAY1 + 5 * 24 * H + H;
const series: SeriesToIngest[] = [0, 1].map((i) => ({
  site: SITE,
  gateway: GATEWAY,
  device: `pdu-${i}`,
  channel: 'total',
  data: synthesize({
    fromMs: DAY1 + 7_000,
    toMs: NOW - H,
    stepMs: 5 * MIN,
    startKwh: 10 + i,
    power: [{ fromMs: 0, powerW: 900 + 200 * i }],
  }),
}));

/** A reading of series i 27 s before the edge at edgeMs (between two stored ones): it moves that edge. */
function late(i: number, edgeMs: number): SeriesToIngest {
  const s = series[i]!;
  const ts = edgeMs - 27_000;
  const k = s.data.counters.findIndex((c) => c.ts > ts);
  const [a, b] = [s.data.counters[k - 1]!, s.data.counters[k]!];
  return { ...s, data: { counters: [{ ts, valueKwh: a.valueKwh + 0.9 * (b.valueKwh - a.valueKwh) }], power: [], events: [] } };
}

/** The rows a store holding every reading (and the late ones) builds in one pass, by device and day. */
async function reference(extra: readonly SeriesToIngest[]): Promise<Map<string, ReturnType<typeof decode>>> {
  const store = await openSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'jb-horizon-')), 'ref.db'), log: quietLog });
  await ingest(store, [...series, ...extra]);
  await builderOn(store, clockAt(NOW)).pass();
  const out = await byDevice(store);
  await store.close();
  return out;
}

async function byDevice(store: CentralStore): Promise<Map<string, ReturnType<typeof decode>>> {
  const names = new Map((await store.rollupStates()).map((s) => [s.seriesId, s.device]));
  return new Map([...(await allRows(store)).values()].map((r) => [`${names.get(r.seriesId)}/${r.dayMs}`, decode(r)]));
}

const TODO = 'the raw horizon is not a day boundary: the lifecycle must align it (report of the proof helper)';

t.test('a late reading after rawFrom in the day rawFrom falls in reaches the rollups', async (t) => {
  const cutoff = Date.UTC(2026, 2, 30, 12); // Monday noon UTC: PostgreSQL keeps from Monday 00:00 UTC
  const edge = Date.UTC(2026, 2, 30, 15, 15);
  const want = await reference([late(0, edge)]);
  for (const kind of await proofKinds(t)) {
    t.test(kind.name, async (t) => {
      const clock = clockAt(NOW);
      const store = await kind.fresh().open(clock.now);
      t.teardown(() => store.close());
      await ingest(store, series);
      await builderOn(store, clock).pass();
      let r;
      do r = await store.removeRawBefore(cutoff);
      while (!r.done);
      t.ok(r.rawFromMs! > dayStartOf(ZONE, edge) && r.rawFromMs! < edge, 'raw kept from inside the late reading’s day');
      await ingest(store, [late(0, edge)]);
      await builderOn(store, clock).pass();
      const key = `pdu-0/${dayStartOf(ZONE, edge)}`;
      const got = (await byDevice(store)).get(key)!;
      const k = (edge - got.dayMs) / (15 * MIN);
      t.strictSame(got.edges[k], want.get(key)!.edges[k], 'the edge after the late reading is the core over raw with it', {
        todo: TODO,
      });
    });
  }
});

t.test('a late reading before the cutoff of an unfinished SQLite removal leaves its day as it was', async (t) => {
  const clock = clockAt(NOW);
  const store = await openSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'jb-horizon-')), 'c.db'), log: quietLog, now: clock.now });
  t.teardown(() => store.close());
  await ingest(store, series);
  await builderOn(store, clock).pass();
  const day3 = dayStartOf(ZONE, DAY1 + 2 * 24 * H + 12 * H);
  const before = await byDevice(store);
  // One batch: pdu-0 loses its first two days and the morning of the third; pdu-1 nothing yet.
  const r = await store.removeRawBefore(DAY1 + 4 * 24 * H, { batchRows: 2 * 288 + 100 });
  t.match(r, { done: false, rawFromMs: DAY1 + 4 * 24 * H }, 'the removal is unfinished, and raw is no longer whole before its cutoff');
  const edge = day3 + 18 * H;
  await ingest(store, [late(0, edge)]);
  await builderOn(store, clock).pass();
  const got = (await byDevice(store)).get(`pdu-0/${day3}`)!;
  const was = before.get(`pdu-0/${day3}`)!;
  const k = (edge - day3) / (15 * MIN);
  t.strictSame(got.edges.slice(0, k - 1), was.edges.slice(0, k - 1), 'the edges of the morning are not rebuilt from raw half removed');
});
