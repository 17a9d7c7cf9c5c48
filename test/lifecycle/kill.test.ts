// kill -9 in the middle of the lifecycle (issue 21): a child process (pass-loop.mjs, the compiled code) runs
// rollup and retention passes in a loop on a store with plenty of work and is ended with SIGKILL at random
// points, inside rollup building and inside retention, several times; late readings arrive between two
// runs. Then one clean pass: no reading lost (each series holds what was ingested from rawFrom on, nothing
// before), one rollup row per series-day with no day missing, every row equal to a build with no kill
// (a fresh build where raw is kept, a reference store elsewhere), no dirty mark left.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { dayStartOf } from '../../central/energy/rollup.js';
import { daysBetween, nextDayStart } from '../../central/lifecycle/grid.js';
import { runRetentionPass } from '../../central/lifecycle/retention.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import type { CentralStore } from '../../central/storage/readings/types.js';
import { quietLog } from '../helpers/env.js';
import { ingest, type SeriesToIngest } from '../energy/stores.js';
import { allRows, builderOn, clockAt, DAY1, equalsFreshBuild, H, MIN, minuteSeries, proofKinds, sameRow, ZONE } from './proof-stores.js';

const LOOP = fileURLToPath(new URL('./pass-loop.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/central/lifecycle/builder.js', import.meta.url));
const SERIES = 10;
const DAYS = 7;
const RAW_DAYS = 3;
const END = DAY1 + DAYS * 24 * H;
const KILLS = 8;
/** The child's clock moves on 4 h a run, so each run has raw readings to remove. */
const nowOf = (round: number): number => END + H + round * 4 * H;
const NOW = nowOf(KILLS);
/**
 * Late readings land in days after the day of every cutoff retention ever uses: a day whose raw is partly
 * gone is not rebuilt (retention-real.test.ts shows what a late reading there does).
 */
const LATE_FROM = nextDayStart(dayStartOf(ZONE, NOW - RAW_DAYS * 24 * H), ZONE);

/** A deterministic sequence of delays (ms), so a failing run can be told apart from another. */
function delays(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return 1 + (x % 80);
  };
}

/** Runs pass-loop.mjs until its first pass enters `phase`, then SIGKILLs it after delayMs. */
function runAndKill(env: Record<string, string>, phase: 'rollups' | 'retention', delayMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [LOOP], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    let armed = false;
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // Armed in the run's first pass: the work since the last run (late readings, 4 h more raw to remove).
      if (!armed && new RegExp(`^${phase} 1\\b`, 'm').test(out)) {
        armed = true;
        setTimeout(() => p.kill('SIGKILL'), delayMs);
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(out.trim().split('\n').at(-1) ?? '');
      else reject(new Error(`pass-loop exited by itself (${code}): ${err.slice(0, 2000)}`));
    });
  });
}

/** Late readings 30 s after a stored one of some series, each a while after LATE_FROM. */
function lateReadings(data: readonly SeriesToIngest[], round: number): SeriesToIngest[] {
  return [0, 1, 2, 3].map((j) => {
    const s = data[(round * 4 + j) % SERIES]!;
    const at = LATE_FROM + ((round * 7 + j * 5) % 20) * H + round * 17 * MIN;
    const k = s.data.counters.findIndex((c) => c.ts >= at);
    const [a, b] = [s.data.counters[k]!, s.data.counters[k + 1]!];
    const ts = a.ts + 30_000;
    const valueKwh = (a.valueKwh + b.valueKwh) / 2;
    return { ...s, data: { counters: [{ ts, valueKwh }], power: [{ ts, powerW: 1234 }], events: [] } };
  });
}

t.test('lifecycle passes killed with SIGKILL lose nothing and leave no wrong rollup', async (t) => {
  if (!existsSync(BUILT)) return t.fail(`${BUILT} is missing: run npm run build first`);
  const data = minuteSeries(SERIES, DAY1, END);
  for (const kind of await proofKinds(t)) {
    t.test(kind.name, async (t) => {
      const started = performance.now();
      const db = kind.fresh();
      const clock = clockAt(NOW);
      const store = await db.open(clock.now);
      t.teardown(() => store.close());
      // What was stored, per device: every ts (the late ones too).
      const stored = new Map(data.map((s) => [s.device, s.data.counters.map((c) => c.ts)]));
      await ingest(store, data);
      const ingestMs = Math.round(performance.now() - started);
      const late: SeriesToIngest[] = [];
      const next = delays(21);
      const env = { ...db.env, JB_PROOF_ZONE: ZONE, JB_PROOF_RAW_DAYS: String(RAW_DAYS) };
      const where: string[] = [];
      for (let round = 0; round < KILLS; round++) {
        const phase = round % 2 === 0 ? 'rollups' : 'retention';
        where.push(await runAndKill({ ...env, JB_PROOF_NOW: String(nowOf(round)) }, phase, next()));
        const batch = lateReadings(data, round);
        late.push(...batch);
        for (const s of batch) stored.get(s.device)!.push(s.data.counters[0]!.ts);
        await ingest(store, batch);
      }
      t.comment(`${kind.name}: killed at ${where.join(' | ')}`);
      t.ok(
        where.some((w) => w.startsWith('rollups')) && where.some((w) => w.startsWith('retention')),
        'kills landed in rollup building and in retention',
      );

      // The clean pass: rollups, then retention until nothing before the cutoff is left.
      const report = await builderOn(store, clock).pass();
      t.equal(report.failed, 0);
      const retention = { store, entities: () => [], clock, settings: { rawDays: RAW_DAYS, rollupYears: 10 } };
      let k;
      do k = await runRetentionPass(retention, { batchRows: 20_000 });
      while (!k.rawDone);
      const rawFrom = k.rawFromMs!;
      t.ok(rawFrom !== undefined && rawFrom > DAY1, `raw kept from ${new Date(rawFrom).toISOString()} (cutoff ${k.plan.raw.reason})`);

      const states = await store.rollupStates();
      t.same(
        states.filter((s) => s.dirtyFromMs !== undefined).map((s) => s.device),
        [],
        'no dirty mark left',
      );
      let kept = 0;
      let lost = 0;
      let early = 0;
      for (const s of states) {
        const want = stored
          .get(s.device)!
          .filter((ts) => ts >= rawFrom)
          .sort((a, b) => a - b);
        const have = (await store.readings(s.seriesId, 0, 1e15)).map((r) => r.ts);
        kept += have.length;
        early += have.filter((ts) => ts < rawFrom).length;
        lost += want.filter((ts) => !have.includes(ts)).length;
      }
      t.same({ lost, early }, { lost: 0, early: 0 }, `${kept} readings kept: every one from rawFrom on, none before`);

      const rows = await allRows(store);
      let missing = 0;
      for (const s of states) {
        const days = daysBetween(DAY1, dayStartOf(ZONE, s.rolledToMs!), ZONE);
        missing += days.filter((d) => !rows.has(`${s.seriesId}/${d}`)).length;
        t.equal([...rows.keys()].filter((r) => r.startsWith(`${s.seriesId}/`)).length, days.length, `${s.device}: one row per day`);
      }
      t.equal(missing, 0, `no rollup day missing (${rows.size} rows)`);
      await equalsFreshBuild(t, store, clock, 'where raw is kept');

      // Days whose raw is gone cannot be rebuilt: they must equal a reference built with no kill.
      const ref = await reference(data, late);
      t.teardown(() => ref.close());
      // Keys by device: the reference numbers its series itself.
      const byDevice = async (st: CentralStore) => {
        const names = new Map((await st.rollupStates()).map((s) => [s.seriesId, s.device]));
        return new Map([...(await allRows(st)).values()].map((r) => [`${names.get(r.seriesId)}/${r.dayMs}`, r]));
      };
      const refRows = await byDevice(ref);
      const firstRawDay = nextDayStart(dayStartOf(ZONE, rawFrom - 1), ZONE);
      const old = [...(await byDevice(store))].filter(([, r]) => r.dayMs < firstRawDay);
      t.ok(old.length >= SERIES, `${old.length} rows of days whose raw is gone`);
      t.same(
        old.filter(([key, r]) => !sameRow(refRows.get(key)!, r)).map(([key]) => key),
        [],
        'they equal a reference store built without a kill',
      );
      t.comment(`${kind.name}: ingest ${ingestMs} ms, total ${Math.round(performance.now() - started)} ms, ${KILLS} kills`);
    });
  }
});

/** The same readings in a SQLite store of its own, rolled up in one pass with no kill. */
async function reference(data: readonly SeriesToIngest[], late: readonly SeriesToIngest[]): Promise<CentralStore> {
  const store = await openSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'jb-lifecycle-ref-')), 'central.db'), log: quietLog });
  await ingest(store, [...data, ...late]);
  await builderOn(store, clockAt(NOW)).pass();
  return store;
}
