import { pino } from 'pino';
import t from 'tap';
import { FakeLifecycleStore, type FakeReading } from '../../test/helpers/lifecycle-fake.js';
import { monthPeriod } from '../../common/local-time.js';
import type { BillingStore, InvoiceRun, StoredInvoice } from '../storage/billing/types.js';
import { RollupBuilder } from './builder.js';
import { lifecyclePass } from './pass.js';
import { planRetention, runRetentionPass, type RetentionDeps } from './retention.js';
import { DAY_MS } from './retention-cutoff.js';

const AMS = 'Europe/Amsterdam';
const NOW = Date.UTC(2026, 4, 20, 12);
const log = pino({ level: 'silent' });

function hourly(fromMs: number, toMs: number): FakeReading[] {
  const out: FakeReading[] = [];
  for (let ts = fromMs; ts < toMs; ts += 3_600_000) out.push({ ts, kwh: ts / 3_600_000_000 });
  return out;
}

function billing(runs: Partial<InvoiceRun>[], held: Partial<StoredInvoice>[] = []) {
  return {
    runs: async () => runs as InvoiceRun[],
    invoices: async (f?: { status?: string }) => (f?.status === 'held' ? (held as StoredInvoice[]) : []),
  };
}

function setup(runs: Partial<InvoiceRun>[], held: Partial<StoredInvoice>[] = []) {
  const store = new FakeLifecycleStore();
  const id = store.addSeries('ams1', 'gw1', 'pdu1', 'o1');
  store.addReadings(id, hourly(Date.UTC(2026, 0, 1), NOW));
  const deps: RetentionDeps = {
    store,
    billing: billing(runs, held),
    entities: () => [{ id: 'ams1', zones: [AMS], since: '2026-01' }],
    clock: { now: () => NOW },
    settings: { rawDays: 35, rollupYears: 10, historyDays: 400 },
  };
  return { store, id, deps };
}

const complete = (...periods: string[]) => periods.map((period) => ({ entity: 'ams1', period, state: 'complete' as const }));

t.test('never removes what a held run needs; batches until done; rollups and history by their own cutoffs', async (t) => {
  const { store, deps } = setup(complete('2026-01', '2026-02', '2026-03', '2026-04'), [{ entity: 'ams1', period: '2026-03' }]);
  const builder = new RollupBuilder({
    store,
    timeZoneOf: () => AMS,

    clock: deps.clock,
    log,
    intervalMin: 60,
  });
  await builder.pass();
  const plan = await planRetention(deps);
  const march = monthPeriod('2026-03', AMS).fromMs;
  t.match(plan.raw, { cutoffMs: march, reason: 'invoices', month: { period: '2026-03' } });
  const r = await runRetentionPass(deps, { batchRows: 500, maxBatches: 2 });
  t.match(r, { rawRemoved: 1000, rawDone: false, batches: 2 });
  const r2 = await runRetentionPass(deps, { batchRows: 500 });
  t.equal(r.rawRemoved + r2.rawRemoved, hourly(Date.UTC(2026, 0, 1), march).length, 'exactly the readings before March');
  t.equal(r2.rawDone, true);
  t.equal(r2.rawFromMs, march);
  t.equal(await store.rawRemovable(march), 0);
  t.equal((await store.rollupStates())[0]!.firstTs, march, 'March on is kept');
  t.same(store.historyRemovedBefore, [NOW - 400 * DAY_MS, NOW - 400 * DAY_MS]);
  t.equal(r2.rollupDaysRemoved, 0, 'rollups are kept ten years');
});

t.test('a stop ends the raw batches; no billing: only the age and the watermarks', async (t) => {
  const { store, deps } = setup([]);
  const abort = new AbortController();
  abort.abort();
  const r = await runRetentionPass(deps, { signal: abort.signal });
  t.match(r, { batches: 0, rollupDaysRemoved: 0, historyRemoved: 0 });
  const free = { ...deps, billing: undefined };
  t.match((await planRetention(free)).raw, { reason: 'rollups', cutoffMs: Date.UTC(2026, 0, 1) }, 'nothing rolled up: nothing goes');
  const builder = new RollupBuilder({
    store,
    timeZoneOf: () => AMS,

    clock: deps.clock,
    log,
    intervalMin: 60,
  });
  await builder.pass();
  t.match((await planRetention(free)).raw, { reason: 'age', cutoffMs: NOW - 35 * DAY_MS });
});

t.test('the pass runs under the lock; another holder skips it', async (t) => {
  const { store, deps } = setup(complete('2026-01', '2026-02', '2026-03', '2026-04'));
  const builder = new RollupBuilder({
    store,
    timeZoneOf: () => AMS,

    clock: deps.clock,
    log,
    intervalMin: 60,
  });
  let held = false;
  const lock: Pick<BillingStore, 'withLock'> = {
    withLock: async <T>(name: string, _owner: string, fn: () => Promise<T>) => {
      t.equal(name, 'rollups');
      if (held) return { acquired: false as const };
      return { acquired: true as const, value: await fn() };
    },
  };
  const r = await lifecyclePass({ lock, owner: 'c1', builder, retention: deps, log });
  t.equal(r.locked, true);
  t.ok(r.rollups!.series === 1 && r.retention!.rawRemoved > 0);
  t.equal(r.retention!.plan.raw.reason, 'age');
  const only = await lifecyclePass({ lock, owner: 'c1', builder, retention: deps, log }, { parts: 'rollups' });
  t.equal(only.retention, undefined);
  held = true;
  t.same(await lifecyclePass({ lock, owner: 'c2', builder, retention: deps, log }), { locked: false });
});
