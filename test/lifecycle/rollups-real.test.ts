// Rollup passes on real stores (issue 21), SQLite and PostgreSQL: rows over two days of 1-minute readings
// whose every edge is the energy core over the raw tier; a late reading inside a built day rebuilds exactly
// the days from it on; a late counter_epoch event rebuilds the days its readings reach and the new edges
// carry the epoch. Each time the rollups then equal a fresh build from raw.
import t from 'tap';
import { lastEdgeAtOrBefore, nextDayStart } from '../../central/lifecycle/grid.js';
import { EPOCH_ARRIVAL_LAG_MS, type EpochArrivals } from '../../central/lifecycle/late-epochs.js';
import type { CentralStore } from '../../central/storage/readings/types.js';
import { SCHEMA_VERSION, type GatewayEvent } from '../../protocol/wire.js';
import { synthesize } from '../helpers/synthetic.js';
import { ingest, type SeriesToIngest } from '../energy/stores.js';
import {
  allRows,
  builderOn,
  clockAt,
  countingWrites,
  DAY1,
  decode,
  edgesEqualCore,
  equalsFreshBuild,
  GATEWAY,
  H,
  INTERVAL_MIN,
  MIN,
  minuteSeries,
  proofKinds,
  sameRow,
  SITE,
  ZONE,
} from './proof-stores.js';

const DAY2 = nextDayStart(DAY1, ZONE);
const DAY3 = nextDayStart(DAY2, ZONE);
const END = DAY3 + 30 * MIN + 7_000; // the last reading: half an hour into the third day
const RESET_AT = DAY2 + 14 * H + 7_000; // the reset series' old epoch ends here

/** A series whose counter restarts at 0 on the second day; its epoch event is held back (it arrives late). */
function resetSeries(): { series: SeriesToIngest; event: ReturnType<typeof synthesize>['events'][number] } {
  const data = synthesize({
    fromMs: DAY1 + 7_000,
    toMs: END,
    stepMs: MIN,
    startKwh: 5_000,
    power: [{ fromMs: 0, powerW: 1750 }],
    restarts: [{ atMs: RESET_AT, gapMs: 3 * MIN, reason: 'reset', startKwh: 0 }],
  });
  const series = { site: SITE, gateway: GATEWAY, device: 'busbar-r', channel: 'total', data: { ...data, events: [] } };
  return { series, event: data.events[0]! };
}

/** The event as the gateway sends it, stored with a received_at of now (late). */
async function storeLateEvent(store: CentralStore, e: ReturnType<typeof resetSeries>['event'], receivedAt: number): Promise<void> {
  const event: GatewayEvent = {
    type: 'counter_epoch',
    ts: e.new.ts + 1000,
    reason: e.reason,
    device: 'busbar-r',
    channel: 'total',
    measurement: 'energy_import_kwh',
    old: e.old,
    new: e.new,
    betweenKwh: e.betweenKwh,
    estimated: e.estimated,
  };
  const envelope = {
    v: SCHEMA_VERSION as typeof SCHEMA_VERSION,
    gateway: GATEWAY,
    boot: 'b2',
    seq: 1,
    seqEnd: 1,
    sentAt: receivedAt - 500,
  };
  await store.store([{ kind: 'events', site: SITE, gateway: GATEWAY, receivedAt, message: { ...envelope, events: [event] } }]);
}

t.test('rollup passes on real stores', async (t) => {
  const minutes = minuteSeries(3, DAY1, END);
  const reset = resetSeries();
  for (const kind of await proofKinds(t)) {
    t.test(kind.name, async (t) => {
      const started = performance.now();
      const db = kind.fresh();
      const clock = clockAt(DAY3 + 2 * H);
      const store = await db.open(clock.now);
      t.teardown(() => store.close());
      const ingested = await ingest(store, [...minutes, reset.series]);
      const total = [...minutes, reset.series].reduce((n, s) => n + s.data.counters.length, 0);
      t.equal(ingested, total, `${ingested} readings ingested`);

      // a. Two days and half an hour of 1-minute readings: every edge is the core over raw.
      const counted = countingWrites(store);
      const first = await builderOn(counted.store, clock).pass();
      t.match(first, { series: 4, days: 12, failed: 0, lateEpochs: 0 }, 'three days of rows for each of four series');
      for (const s of await store.rollupStates()) {
        t.equal(
          s.rolledToMs,
          lastEdgeAtOrBefore(s.lastTs!, ZONE, INTERVAL_MIN),
          `${s.device}: rolled to the last edge before its last reading`,
        );
        t.equal(s.dirtyFromMs, undefined, `${s.device}: clean`);
      }
      const rows1 = await allRows(store);
      t.equal(rows1.size, 12, 'one row per series-day');
      t.equal(
        decode(rows1.get(`${(await store.rollupStates())[0]!.seriesId}/${DAY2}`)!).edges.length,
        93,
        'the 23-hour day has 92 intervals',
      );
      const edges = await edgesEqualCore(t, store, rows1.values());
      t.equal(edges, 4 * (97 + 93 + 97), 'every edge of every row compared');

      // b. A late reading 20 s before an edge of the second day (between two readings): series 0 is dirty from
      // it, the next pass rebuilds series 0 from the second day on and nothing else.
      const s0 = (await store.rollupStates()).find((s) => s.device === 'pdu-0')!;
      const lateTs = DAY2 + 10 * H - 20_000;
      const prev = minutes[0]!.data.counters.filter((c) => c.ts < lateTs).at(-1)!;
      const next = minutes[0]!.data.counters.find((c) => c.ts > lateTs)!;
      const late = { ts: lateTs, valueKwh: prev.valueKwh + 0.8 * (next.valueKwh - prev.valueKwh) };
      t.equal(await ingest(store, [{ ...minutes[0]!, data: { counters: [late], power: [{ ts: lateTs, powerW: 4321 }], events: [] } }]), 1);
      const dirty = (await store.rollupStates()).filter((s) => s.dirtyFromMs !== undefined);
      t.same(
        dirty.map((s) => [s.seriesId, s.dirtyFromMs]),
        [[s0.seriesId, lateTs]],
        'the late reading marked its series dirty from its ts (in the insert)',
      );
      counted.rows.clear();
      const second = await builderOn(counted.store, clock).pass();
      t.match(second, { series: 1, days: 2, failed: 0 });
      t.same(
        [...counted.rows.keys()].sort(),
        [`${s0.seriesId}/${DAY2}`, `${s0.seriesId}/${DAY3}`].sort(),
        'exactly its days from the late one on',
      );
      const rows2 = await allRows(store);
      const changed = [...rows2].filter(([k, r]) => !sameRow(rows1.get(k)!, r)).map(([k]) => k);
      t.same(changed, [`${s0.seriesId}/${DAY2}`], 'only the late reading’s day changed');
      const d2 = decode(rows2.get(`${s0.seriesId}/${DAY2}`)!);
      const k = (DAY2 + 10 * H - DAY2) / (INTERVAL_MIN * MIN);
      t.equal(d2.edges[k]!.before?.ts, lateTs, 'the edge after it interpolates from the late reading');
      t.equal(d2.intervals[k - 1]!.maxW, 4321, 'its power is in the interval stats');
      t.equal((await store.rollupStates()).find((s) => s.seriesId === s0.seriesId)!.dirtyFromMs, undefined, 'clean again');
      await edgesEqualCore(t, store, [rows2.get(`${s0.seriesId}/${DAY2}`)!, rows2.get(`${s0.seriesId}/${DAY3}`)!]);

      // c. The reset's epoch event arrives late: the pass after its arrival (past the lag) rebuilds the reset
      // series over the estimate window before the old reading, and the edges after it carry the new epoch.
      t.type((store as Partial<EpochArrivals>).epochEventsReceived, 'function', 'the store reads epoch events by arrival');
      const r = (await store.rollupStates()).find((s) => s.device === 'busbar-r')!;
      const afterReset = `${r.seriesId}/${DAY3}`;
      t.equal(decode(rows2.get(afterReset)!).edges[0]!.epochStartMs, undefined, 'without the event no epoch is known');
      await storeLateEvent(store, reset.event, clock.nowMs + 1000);
      clock.nowMs += 1000 + EPOCH_ARRIVAL_LAG_MS + 1;
      counted.rows.clear();
      const third = await builderOn(counted.store, clock).pass();
      t.match(third, { lateEpochs: 1, series: 1, days: 3, failed: 0 }, 'the late event rebuilt its series');
      t.same(
        [...counted.rows.keys()].sort(),
        [DAY1, DAY2, DAY3].map((d) => `${r.seriesId}/${d}`).sort(),
        'days from old.ts minus the estimate window on (all of them here)',
      );
      const rows3 = await allRows(store);
      const day3 = decode(rows3.get(afterReset)!);
      t.ok(
        day3.edges.every((e) => e.epochStartMs === reset.event.new.ts),
        'every edge after the reset carries the epoch that starts at the new reading',
      );
      const day2 = decode(rows3.get(`${r.seriesId}/${DAY2}`)!);
      const split = Math.floor((RESET_AT - DAY2) / (INTERVAL_MIN * MIN));
      t.equal(day2.edges[split]!.epochStartMs, undefined, 'edges before the reset carry none');
      t.ok(
        day2.intervals.reduce((a, iv) => a + iv.kWh, 0) > 0.9 * 1.75 * 23,
        'the day of the reset counts its energy across the restart (about 1.75 kW over 23 h)',
      );
      await edgesEqualCore(
        t,
        store,
        [DAY1, DAY2, DAY3].map((d) => rows3.get(`${r.seriesId}/${d}`)!),
      );
      t.equal(await store.lifecycleValue('epochs_seen_at'), clock.nowMs - EPOCH_ARRIVAL_LAG_MS, 'arrivals seen up to now minus the lag');
      t.match(await builderOn(store, clock).pass(), { lateEpochs: 0, series: 0, days: 0 }, 'the event is not read twice');

      await equalsFreshBuild(t, store, clock, 'after a late reading and a late event');
      t.comment(`${kind.name}: ${Math.round(performance.now() - started)} ms`);
    });
  }
});
