import { pino } from 'pino';
import t from 'tap';
import { FakeLifecycleStore, type FakeReading } from '../../test/helpers/lifecycle-fake.js';
import { memorySeries } from '../../test/helpers/memory-source.js';
import { seriesEnergyOverCuts } from '../energy/series.js';
import { decodeRollupBody } from '../storage/rollups/codec.js';
import type { RollupDay, RollupIntervalMin, RollupRow } from '../storage/rollups/types.js';
import { RollupBuilder, type RollupBuilderDeps } from './builder.js';
import { gridCuts, rollupGrid } from '../energy/rollup.js';
import { nextDayStart } from './grid.js';
import { EPOCH_ARRIVAL_LAG_MS } from './late-epochs.js';

const AMS = 'Europe/Amsterdam';
const DAY1 = Date.UTC(2026, 2, 27, 23); // 2026-03-28 00:00 in Amsterdam (CET); the 29th is 23 h long
const log = pino({ level: 'silent' });
const decode = (row: RollupRow): RollupDay => decodeRollupBody(row.body, row.seriesId, row.dayMs, row.intervalMin as RollupIntervalMin);

/** 1-minute readings at 1.2 kW from fromMs to toMs (inclusive), the counter starting at startKwh. */
function minutes(fromMs: number, toMs: number, startKwh = 100): FakeReading[] {
  const out: FakeReading[] = [];
  for (let ts = fromMs; ts <= toMs; ts += 60_000) out.push({ ts, kwh: startKwh + ((ts - fromMs) / 3_600_000) * 1.2, w: 1200 });
  return out;
}

function setup(nowMs: number, extra: Partial<RollupBuilderDeps> = {}) {
  const store = new FakeLifecycleStore();
  const clock = { nowMs, now: () => clock.nowMs };
  const builder = new RollupBuilder({
    store,
    timeZoneOf: (site) => (site === 'ams1' ? AMS : undefined),
    clock,
    log,
    intervalMin: 15,
    ...extra,
  });
  return { store, clock, builder };
}

t.test('a pass over a day of readings builds rows whose edges are the core over raw', async (t) => {
  const day2 = nextDayStart(DAY1, AMS);
  const { store, builder } = setup(day2 + 3_600_000);
  const id = store.addSeries('ams1', 'gw1', 'pdu1', 'outlet1');
  const readings = minutes(DAY1 + 7 * 60_000, day2 + 30 * 60_000);
  store.addReadings(id, readings);
  const r = await builder.pass();
  t.match(r, { series: 1, days: 2, readings: readings.length, failed: 0, stopped: false });
  const state = (await store.rollupStates())[0]!;
  t.equal(state.rolledToMs, day2 + 30 * 60_000, 'rolled to the last edge at or before the last reading');
  t.equal(state.dirtyFromMs, undefined);
  const src = memorySeries({
    seriesId: 'ams1/gw1/pdu1/outlet1/energy_import_kwh',
    counters: readings.map((x) => ({ ts: x.ts, valueKwh: x.kwh! })),
    power: readings.map((x) => ({ ts: x.ts, powerW: x.w! })),
  });
  for (const dayMs of [DAY1, day2]) {
    const row = store.rows.get(`${id}/${dayMs}`)!;
    const day = decode(row);
    const cuts = gridCuts(rollupGrid(AMS, dayMs, dayMs + 1, 15));
    const core = seriesEnergyOverCuts(src, cuts);
    t.strictSame(day.edges, [core[0]!.start, ...core.map((e) => e.end)], 'edges exactly as the core computes them');
    t.same(
      day.intervals.map((i) => i.kWh),
      core.map((e) => e.kWh),
    );
    t.equal(row.readings, readings.filter((x) => x.ts >= dayMs && x.ts < cuts.at(-1)!).length);
    t.equal(
      row.energyKwh,
      core.reduce((a, e) => a + e.kWh, 0),
    );
  }
  const first = decode(store.rows.get(`${id}/${DAY1}`)!);
  t.same(first.intervals[1], { kWh: first.intervals[1]!.kWh, meanW: 1200, minW: 1200, maxW: 1200, readings: 15 });
  t.equal(first.intervals[0]!.readings, 8, 'readings from :07 to :14');

  const again = await builder.pass();
  t.match(again, { series: 0, days: 0 }, 'nothing new: nothing built');
});

t.test('a late reading rebuilds from its day on; days before it stay', async (t) => {
  const day2 = nextDayStart(DAY1, AMS);
  const day3 = nextDayStart(day2, AMS);
  const { store, builder, clock } = setup(day3 + 12 * 3_600_000);
  const id = store.addSeries('ams1', 'gw1', 'pdu1', 'outlet1');
  const all = minutes(DAY1, day3 + 12 * 3_600_000);
  const late = all.find((x) => x.ts === day2 + 5 * 3_600_000)!;
  store.addReadings(
    id,
    all.filter((x) => x !== late),
  );
  t.match(await builder.pass(), { series: 1, days: 3 });
  const before = new Map([...store.rows].map(([k, r]) => [k, r.body]));
  store.addReadings(id, [late]);
  t.equal((await store.rollupStates())[0]!.dirtyFromMs, late.ts, 'ingest marks the series dirty');
  clock.nowMs += 60_000;
  const r = await builder.pass();
  t.match(r, { series: 1, days: 2 }, 'day 2 and day 3 again');
  t.equal(store.rows.get(`${id}/${DAY1}`)!.body, before.get(`${id}/${DAY1}`), 'day 1 untouched');
  t.not(store.rows.get(`${id}/${day2}`)!.body, before.get(`${id}/${day2}`));
  t.equal(decode(store.rows.get(`${id}/${day2}`)!).intervals[20]!.readings, 15, 'the late reading is counted');
});

t.test('a late epoch event marks its series dirty from old.ts - the estimate window', async (t) => {
  const start = DAY1 - 9 * 86_400_000;
  const { store, builder, clock } = setup(DAY1);
  const id = store.addSeries('ams1', 'gw1', 'pdu1', 'outlet1');
  const other = store.addSeries('ams1', 'gw1', 'pdu2', 'outlet1');
  store.addReadings(id, minutes(start, DAY1 - 60_000));
  store.addReadings(other, minutes(start, DAY1 - 60_000));
  t.match(await builder.pass(), { series: 2, days: 18 });
  const oldTs = DAY1 - 2 * 86_400_000;
  store.addEvent(
    'ams1',
    'gw1',
    {
      type: 'counter_epoch',
      ts: oldTs + 60_000,
      reason: 'reset',
      device: 'pdu1',
      channel: 'outlet1',
      measurement: 'energy_import_kwh',
      old: { value: 150, ts: oldTs },
      new: { value: 0, ts: oldTs + 60_000 },
      betweenKwh: 0.02,
      estimated: true,
    },
    clock.nowMs,
  );
  clock.nowMs += EPOCH_ARRIVAL_LAG_MS / 2;
  t.match(await builder.pass(), { lateEpochs: 0, series: 0 }, 'an arrival within the lag waits');
  clock.nowMs += EPOCH_ARRIVAL_LAG_MS;
  const r = await builder.pass();
  t.match(r, { lateEpochs: 1, series: 1, days: 9 }, 'from 7 days before old.ts (the 19th) to the last day (the 27th)');
  t.match(await builder.pass(), { lateEpochs: 0, series: 0 }, 'an event is read once');
});

t.test('chunks: every series is written once; a stop ends the pass between windows and leaves the rest dirty', async (t) => {
  const start = DAY1 - 20 * 86_400_000;
  const { store, builder } = setup(DAY1, { limits: { series: 3, days: 7, edges: 10_000 } });
  for (let i = 0; i < 7; i++) store.addReadings(store.addSeries('ams1', 'gw1', `pdu${i}`, 'o1'), minutes(start, DAY1 - 60_000));
  const abort = new AbortController();
  let writes = 0;
  store.beforeWrite = () => {
    if (++writes === 2) abort.abort();
  };
  const stopped = await builder.pass(abort.signal);
  t.match(stopped, { stopped: true, series: 0 });
  t.equal(store.writes, 2);
  const dirty = (await store.rollupStates()).filter((s) => s.dirtyFromMs !== undefined);
  t.equal(dirty.length, 3, 'the claimed chunk is left dirty');
  store.beforeWrite = undefined;
  const r = await builder.pass();
  t.match(r, { stopped: false, series: 7, days: 140 });
  t.equal(store.rows.size, 140);
  t.equal((await store.rollupStates()).filter((s) => s.dirtyFromMs !== undefined).length, 0);
});

t.test('a reading stored during a build leaves the series dirty; a site without a zone is built in UTC', async (t) => {
  const { store, builder } = setup(DAY1 + 86_400_000);
  const id = store.addSeries('lon1', 'gw1', 'pdu1', 'o1');
  const rs = minutes(DAY1, DAY1 + 86_400_000);
  const late = rs.splice(100, 1)[0]!;
  store.addReadings(id, rs);
  await builder.pass();
  store.beforeWrite = () => {
    store.beforeWrite = undefined;
    store.addReadings(id, [{ ...late, ts: late.ts + 1 }]);
  };
  store.addReadings(id, [late]);
  await builder.pass();
  t.not((await store.rollupStates())[0]!.dirtyFromMs, undefined, 'the write did not clear a mark that moved');
  t.match(await builder.pass(), { series: 1 });
  t.ok(store.rows.has(`${id}/${Date.UTC(2026, 2, 28)}`), 'UTC days');
});
