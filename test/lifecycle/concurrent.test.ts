// Two central instances on one database (issue 21): each opens its own store and billing store and runs
// its own lifecycle pass under its own owner, both again and again at the same moments, while readings
// (some of them late, inside built days) keep arriving. The 'rollups' lock lets one build at a time; at
// the end every series' rows cover every day up to its target with no gap, nothing is left dirty, and the
// rows equal what one builder builds fresh.
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { dayStartOf } from '../../central/energy/rollup.js';
import { daysBetween, lastEdgeAtOrBefore } from '../../central/lifecycle/grid.js';
import { lifecyclePass, type LifecyclePassReport } from '../../central/lifecycle/pass.js';
import type { CentralStore } from '../../central/storage/readings/types.js';
import { quietLog } from '../helpers/env.js';
import { ingest, type SeriesToIngest } from '../energy/stores.js';
import {
  allRows,
  builderOn,
  clockAt,
  countingWrites,
  DAY1,
  equalsFreshBuild,
  H,
  INTERVAL_MIN,
  MIN,
  minuteSeries,
  proofKinds,
  ZONE,
  type Clock,
  type ProofDb,
} from './proof-stores.js';

const SERIES = 6;
const STEP_MS = 2 * H;
const END = DAY1 + 3 * 24 * H - 1;

/** The readings of [fromMs, toMs) of each series. */
const slice = (list: readonly SeriesToIngest[], fromMs: number, toMs: number): SeriesToIngest[] =>
  list.map((s) => ({
    ...s,
    data: {
      counters: s.data.counters.filter((c) => c.ts >= fromMs && c.ts < toMs),
      power: s.data.power.filter((p) => p.ts >= fromMs && p.ts < toMs),
      events: [],
    },
  }));

/** A reading 30 s after a stored one, on the line between it and the next: late, and harmless to the energy. */
function lateReading(s: SeriesToIngest, atMs: number): SeriesToIngest {
  const i = s.data.counters.findIndex((c) => c.ts >= atMs);
  const [a, b] = [s.data.counters[i]!, s.data.counters[i + 1]!];
  const ts = a.ts + 30_000;
  const valueKwh = a.valueKwh + ((b.valueKwh - a.valueKwh) * (ts - a.ts)) / (b.ts - a.ts);
  return { ...s, data: { counters: [{ ts, valueKwh }], power: [{ ts, powerW: 999 }], events: [] } };
}

interface Instance {
  store: CentralStore;
  pass(): Promise<LifecyclePassReport>;
  writes: ReturnType<typeof countingWrites>;
  close(): Promise<void>;
}

async function instance(db: ProofDb, owner: string, clock: Clock, inside: { n: number; max: number }): Promise<Instance> {
  const store = await db.open(clock.now);
  const billing = await db.billing(clock.now);
  const writes = countingWrites(store);
  const builder = builderOn(writes.store, clock, { series: 2, days: 1 });
  const pass = builder.pass.bind(builder);
  // Counts builders inside a pass at once: the lock allows one.
  builder.pass = async (signal) => {
    inside.max = Math.max(inside.max, ++inside.n);
    try {
      return await pass(signal);
    } finally {
      inside.n--;
    }
  };
  const retention = { store, entities: () => [], clock, settings: { rawDays: 35, rollupYears: 10 } };
  const deps = { lock: billing, owner, builder, retention, log: quietLog };
  return {
    store,
    writes,
    pass: () => lifecyclePass(deps, { parts: 'rollups' }),
    close: async () => {
      await billing.close();
      await store.close();
    },
  };
}

t.test('two instances run lifecycle passes on one database while readings arrive', async (t) => {
  const data = minuteSeries(SERIES, DAY1, END);
  for (const kind of await proofKinds(t)) {
    t.test(kind.name, async (t) => {
      const started = performance.now();
      const db = kind.fresh();
      const clock = clockAt(DAY1);
      const inside = { n: 0, max: 0 };
      const a = await instance(db, 'central-a', clock, inside);
      const b = await instance(db, 'central-b', clock, inside);
      const feeder = await db.open(clock.now);
      t.teardown(async () => {
        await a.close();
        await b.close();
        await feeder.close();
      });

      let ingested = 0;
      let lates = 0;
      let done = false;
      const feeding = (async () => {
        for (let from = DAY1, k = 0; from <= END; from += STEP_MS, k++) {
          ingested += await ingest(feeder, slice(data, from, from + STEP_MS));
          if (k >= 8 && k % 3 === 0) {
            ingested += await ingest(feeder, [lateReading(data[k % SERIES]!, from - 20 * H + k * MIN)]);
            lates++;
          }
          clock.nowMs = from + STEP_MS;
          await sleep(5);
        }
        done = true;
      })();
      const reports: LifecyclePassReport[][] = [];
      // Either starts first, in turn: on SQLite the first to ask takes the lease at once.
      const both = (round: number) => Promise.all(round % 2 === 0 ? [a.pass(), b.pass()] : [b.pass(), a.pass()]);
      // SQLite answers synchronously: a pass with nothing to do never yields to the feeder's timer by itself.
      for (; !done; await sleep(2)) reports.push(await both(reports.length));
      await feeding;
      reports.push(await both(reports.length));
      const last = await a.pass();
      t.equal(last.locked, true);
      t.ok(inside.max === 1, 'never two builders in a pass at once');
      const refused = reports.filter(([x, y]) => !x!.locked || !y!.locked).length;
      t.ok(refused > 0, `${refused} of ${reports.length} concurrent rounds had one pass refused by the lock`);

      // No gap: every series' rows are exactly its days from its first reading to its target, all clean.
      const states = await a.store.rollupStates();
      t.equal(states.length, SERIES);
      const rows = await allRows(a.store);
      let gaps = 0;
      for (const s of states) {
        t.equal(s.rolledToMs, lastEdgeAtOrBefore(s.lastTs!, ZONE, INTERVAL_MIN), `${s.device} rolled to its target`);
        t.equal(s.dirtyFromMs, undefined, `${s.device} clean`);
        const days = daysBetween(dayStartOf(ZONE, s.firstTs!), dayStartOf(ZONE, s.rolledToMs!), ZONE);
        gaps += days.filter((d) => !rows.has(`${s.seriesId}/${d}`)).length;
        t.equal([...rows.keys()].filter((k) => k.startsWith(`${s.seriesId}/`)).length, days.length, `${s.device}: one row per day`);
      }
      t.equal(gaps, 0, 'no day missing');
      const counts = await a.store.listSeries();
      let stored = 0;
      for (const s of counts) stored += (await a.store.readings(s.id, 0, 1e15)).length;
      t.equal(stored, ingested, `${ingested} readings (${lates} late) all stored`);

      const written = (w: Instance['writes']) => [...w.rows.values()].reduce((n, x) => n + x, 0);
      const wa = written(a.writes);
      const wb = written(b.writes);
      t.ok(wa > 0 && wb > 0, `both instances built: ${wa} and ${wb} row writes for ${rows.size} rows`);
      await equalsFreshBuild(t, a.store, clock, 'the rows the two instances built');
      t.comment(
        `${kind.name}: ${reports.length} rounds, ${refused} refused, ${wa}+${wb} row writes, ${rows.size} rows, ${Math.round(performance.now() - started)} ms`,
      );
    });
  }
});
