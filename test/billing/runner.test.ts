// The invoice run end to end on the SQLite store with real priced drafts and a clock the test moves: a
// node down for months catches up in order, a second tick changes nothing, a held draft is released or
// recomputed, late data becomes one note.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { quietLog } from '../helpers/env.js';
import { InvoiceRunner } from '../../central/billing/run/runner.js';
import { openSqliteBillingStore } from '../../central/storage/billing/sqlite.js';
import { AMS, recordingOutputs, World } from './world.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-runs-'));
let n = 0;
const H = 3_600_000;

function setup(t: Test, opts: { recheckMonths?: number; startMs: number }) {
  const clock = {
    t: opts.startMs,
    now() {
      return this.t;
    },
  };
  const store = openSqliteBillingStore({ file: join(dir, `c-${++n}.db`), log: quietLog, now: () => clock.t });
  t.teardown(() => store.close());
  const world = new World();
  const outputs = recordingOutputs();
  const runner = new InvoiceRunner({
    store,
    computeDrafts: world.computeDrafts,
    outputs,
    clock,
    log: quietLog,
    owner: 'node-a',
    entities: [AMS],
    settings: { graceMs: 6 * H, minMeasuredShare: 0.999, recheckMonths: opts.recheckMonths ?? 0 },
  });
  return { clock, store, world, outputs, runner };
}

t.test('a node down for months invoices every missed month once, in order; again, nothing changes', async (t) => {
  const { clock, store, world, outputs, runner } = setup(t, { startMs: Date.UTC(2026, 5, 15) });
  const first = await runner.tick();
  t.same(first.runs, [], 'mid June: nothing is closed yet');
  // Down from mid June until 1 Nov 04:59Z: October closed at 31 Oct 23:00Z, the 6 h grace ends at 05:00Z.
  clock.t = Date.UTC(2026, 10, 1, 4, 59);
  const back = await runner.tick();
  t.same(
    back.runs.map((r) => r.period),
    ['2026-06', '2026-07', '2026-08', '2026-09'],
    'October waits for its grace period',
  );
  clock.t = Date.UTC(2026, 10, 1, 5);
  const oct = await runner.tick();
  t.same(
    oct.runs.map((r) => r.period),
    ['2026-10'],
  );
  const invoices = await store.invoices();
  t.same(
    invoices.map((i) => [i.period, i.customer, i.number, i.total]),
    [
      // 1 kW and 2 kW × hours × 0.20: June 720 h, July 744, August 744, September 720, October 745 (DST ends).
      ['2026-06', 'acme', 'AMS1-2026-000001', '144.00'],
      ['2026-06', 'globex', 'AMS1-2026-000002', '288.00'],
      ['2026-07', 'acme', 'AMS1-2026-000003', '148.80'],
      ['2026-07', 'globex', 'AMS1-2026-000004', '297.60'],
      ['2026-08', 'acme', 'AMS1-2026-000005', '148.80'],
      ['2026-08', 'globex', 'AMS1-2026-000006', '297.60'],
      ['2026-09', 'acme', 'AMS1-2026-000007', '144.00'],
      ['2026-09', 'globex', 'AMS1-2026-000008', '288.00'],
      ['2026-10', 'acme', 'AMS1-2026-000009', '149.00'],
      ['2026-10', 'globex', 'AMS1-2026-000010', '298.00'],
    ],
    'numbered in period order, gap-free',
  );
  t.same(
    (await store.runs()).map((r) => r.state),
    ['complete', 'complete', 'complete', 'complete', 'complete'],
  );
  t.equal(outputs.rendered.length, 10, 'each invoice rendered once');
  t.same(
    outputs.summaries,
    ['2026-06', '2026-07', '2026-08', '2026-09', '2026-10'].flatMap((m) => [`${m}:2:finalized`, `${m}:2:complete`]),
    'each run summed up with its outputs, and again once complete',
  );
  t.equal(world.calls.length, 5, 'one computation per month');
  const tr = invoices[8]!.draft.trace[0]!.points[0]!;
  t.match(
    tr,
    { pointId: 'acme-p1', pieces: [{ start: { method: 'reading' }, end: { method: 'reading' } }] },
    'the stored draft keeps its trace',
  );
  t.same(invoices[8]!.draft.versions, ['v1'], 'and its tariff version');

  const before = JSON.stringify(await store.invoices());
  clock.t += 30 * 60_000;
  const again = await runner.tick();
  t.same(again.runs, [], 'the next tick finds nothing to do');
  const rerun = await runner.runPeriod('ams1', '2026-10');
  t.same(rerun.actions, ['done'], 're-running a finalized month changes nothing');
  t.equal(JSON.stringify(await store.invoices()), before);
  t.equal(world.calls.length, 5, 'and computes nothing');
});

t.test('a draft under the quality threshold is held; released with who and why, numbered next', async (t) => {
  const { clock, store, world, runner, outputs } = setup(t, { startMs: Date.UTC(2026, 10, 1, 6) });
  world.gaps.add('globex@2026-10');
  const out = await runner.runPeriod('ams1', '2026-10');
  t.same(out.finalized, ['AMS1-2026-000001']);
  t.equal(out.held, 1);
  const held = await runner.held();
  t.same(
    held.map((i) => [i.customer, i.status, i.number]),
    [['globex', 'held', undefined]],
  );
  t.match(held[0]!.review, [/measured share 99\.\d\d% is under 99\.90%/]);
  t.same((await store.run('ams1', '2026-10'))?.state, 'complete', 'a held draft does not keep the run open');
  await t.rejects(runner.release('ams1/2026-10/globex', { by: '', reason: 'x' }), /--by and --reason/);
  clock.t += H;
  const rel = await runner.release('ams1/2026-10/globex', { by: 'ops@ams1', reason: 'gateway down at month end; estimate checked' });
  t.match(rel, {
    status: 'final',
    number: 'AMS1-2026-000002',
    release: { by: 'ops@ams1', reason: 'gateway down at month end; estimate checked' },
    finalizedAt: clock.t,
  });
  t.ok(rel.renderedAt !== undefined, 'rendered at once');
  t.same(outputs.rendered, ['AMS1-2026-000001', 'AMS1-2026-000002']);
  await t.rejects(runner.release('ams1/2026-10/globex', { by: 'x', reason: 'y' }), { name: 'InvoiceImmutableError' });
  await t.rejects(runner.release('ams1/2026-10/nobody', { by: 'x', reason: 'y' }), { name: 'InvoiceNotFoundError' });
});

t.test('a held draft recomputed after the late data arrived is finalized', async (t) => {
  const { world, runner } = setup(t, { startMs: Date.UTC(2026, 10, 1, 6) });
  world.gaps.add('acme@2026-10');
  await runner.runPeriod('ams1', '2026-10');
  const still = await runner.recompute('ams1/2026-10/acme');
  t.equal(still.status, 'held', 'the data is still missing: still held');
  world.gaps.delete('acme@2026-10');
  const now = await runner.recompute('ams1/2026-10/acme');
  t.match(now, { status: 'final', number: 'AMS1-2026-000002', total: '149.00', review: [] });
});

t.test('one customer first, the rest of the site by the schedule; --customer for someone with nothing fails', async (t) => {
  const { store, runner } = setup(t, { startMs: Date.UTC(2026, 10, 1, 6) });
  const one = await runner.runPeriod('ams1', '2026-10', { customer: 'globex' });
  t.same(one.finalized, ['AMS1-2026-000001']);
  t.equal((await store.run('ams1', '2026-10'))?.state, 'partial');
  await t.rejects(runner.runPeriod('ams1', '2026-10', { customer: 'nobody' }), { name: 'NothingToInvoiceError' });
  const rest = await runner.runPeriod('ams1', '2026-10');
  t.same(rest.finalized, ['AMS1-2026-000002']);
  t.same(
    (await store.invoices({ period: '2026-10' })).map((i) => [i.customer, i.number]),
    [
      ['acme', 'AMS1-2026-000002'],
      ['globex', 'AMS1-2026-000001'],
    ],
  );
  t.equal((await store.run('ams1', '2026-10'))?.state, 'complete');
  const preview = await runner.preview('ams1', '2026-09');
  t.same(
    preview.map((d) => d.draft.customer),
    ['acme', 'globex'],
    'a dry run computes',
  );
  t.equal(await store.run('ams1', '2026-09'), undefined, 'and stores nothing');
  await t.rejects(runner.runPeriod('nyc1', '2026-10'), { name: 'UnknownEntityError' });
  await t.rejects(runner.runPeriod('ams1', '2026-13'), { name: 'PeriodLabelError' });
});

// issue 17: `invoice run --period 2099-01` stored drafts that `release` numbered; the month in progress was
// drafted; 1900-01 ran silently. The clock here stands 1 Nov 2026 04:59Z: October ended 23:00Z, its 6 h
// grace ends at 05:00Z.
t.test('a month not closed yet, or before billing began, is refused at every entry point; the last closed month runs', async (t) => {
  const { clock, store, world, runner } = setup(t, { startMs: Date.UTC(2026, 10, 1, 4, 59) });
  for (const period of ['2099-01', '2026-11', '2026-10']) {
    await t.rejects(runner.runPeriod('ams1', period), { name: 'PeriodNotClosedError', period }, `run ${period}: refused`);
    await t.rejects(
      runner.runPeriod('ams1', period, { customer: 'acme' }),
      { name: 'PeriodNotClosedError' },
      `run ${period} for one customer: refused`,
    );
    await t.rejects(runner.preview('ams1', period), { name: 'PeriodNotClosedError' }, `dry run ${period}: refused`);
  }
  await t.rejects(runner.runPeriod('ams1', '2099-01'), {
    message:
      'ams1 2099-01 has not closed yet: it can be invoiced from 2099-02-01 06:00 (Europe/Amsterdam), ' +
      "after the month's end and the grace period (billing.graceHours); the schedule invoices it then by itself",
  });
  await t.rejects(
    runner.runPeriod('ams1', '2026-10'),
    /can be invoiced from 2026-11-01 06:00 \(Europe\/Amsterdam\)/,
    'the month just ended waits for its grace period',
  );
  await t.rejects(runner.runPeriod('ams1', '1900-01'), {
    name: 'PeriodBeforeBillingError',
    message: 'ams1 1900-01 is before billing began (billing.since: 2026-06); months from 2026-06 on can be invoiced',
  });
  await t.rejects(runner.runPeriod('ams1', '2026-05'), { name: 'PeriodBeforeBillingError' }, 'the month before since');
  await t.rejects(runner.preview('ams1', '1900-01'), { name: 'PeriodBeforeBillingError' });
  t.same(world.calls, [], 'nothing was computed');
  t.same(await store.runs(), [], 'nothing was stored');
  t.same(await store.invoices(), []);

  const sep = await runner.runPeriod('ams1', '2026-09');
  t.same(sep.finalized, ['AMS1-2026-000001', 'AMS1-2026-000002'], 'the last closed month runs');
  clock.t = Date.UTC(2026, 10, 1, 5);
  const oct = await runner.runPeriod('ams1', '2026-10');
  t.same(oct.finalized, ['AMS1-2026-000003', 'AMS1-2026-000004'], 'October runs once its grace period is over');
  await t.rejects(runner.runPeriod('ams1', '2026-11'), { name: 'PeriodNotClosedError' }, 'November is still in progress');
  t.same(
    (await runner.tick()).runs.map((r) => r.period),
    ['2026-06', '2026-07', '2026-08'],
    'the schedule catches up the closed months only',
  );
});

t.test('a held draft of an open month, stored before months were checked, is neither released nor recomputed', async (t) => {
  const { clock, store, world, runner } = setup(t, { startMs: Date.UTC(2026, 10, 15) });
  const period = {
    label: '2099-01',
    timeZone: 'Europe/Amsterdam',
    fromMs: Date.UTC(2098, 11, 31, 23),
    toMs: Date.UTC(2099, 0, 31, 23),
    days: 31,
  };
  const run = await store.ensureRun('ams1', '2099-01', 'drafted', clock.t);
  const drafts = await world.computeDrafts('ams1', period.label, 'acme');
  await store.addDrafts(
    run.id,
    drafts.map((draft) => ({ draft, review: ['a month not closed'] })),
    clock.t,
  );
  await t.rejects(runner.release('ams1/2099-01/acme', { by: 'ops', reason: 'looks fine' }), { name: 'PeriodNotClosedError' });
  await t.rejects(runner.recompute('ams1/2099-01/acme'), { name: 'PeriodNotClosedError' });
  const [held] = await store.invoices({ period: '2099-01' });
  t.match(held, { status: 'held', number: undefined }, 'still a held draft without a number');
  t.same((await store.invoices({ status: 'final' })).length, 0, 'no invoice numbered');
});

t.test('late data after finalizing: one debit note, then nothing; back again: a credit note', async (t) => {
  const { clock, store, world, runner } = setup(t, { startMs: Date.UTC(2026, 10, 1, 6), recheckMonths: 2 });
  await runner.tick();
  t.equal((await store.invoices()).length, 10);
  // A gateway replays October: acme drew 1.2 kW, not 1 kW. 894 kWh × 0.20 = 178.80, 29.80 more than invoiced.
  world.powerKw.set('acme@2026-10', 1.2);
  clock.t += H;
  const first = await runner.tick();
  t.same(
    first.notes.map((x) => [x.invoiceNumber, x.noteNumber, x.kind, x.totalDelta, x.created]),
    [['AMS1-2026-000009', 'AMS1-DN-2026-000001', 'debit', '29.80', true]],
  );
  const twice = await runner.tick();
  t.same(twice.notes, [], 'rechecked again: no second note');
  const inv = await store.invoiceByNumber('AMS1-2026-000009');
  t.equal(inv?.total, '149.00', 'the invoice itself is unchanged');
  const [note] = await store.notes('AMS1-2026-000009');
  t.match(note?.note.lines, [
    {
      key: 'energy:v1:standard',
      was: { quantity: '745', amount: '149.00' },
      now: { quantity: '894', amount: '178.80' },
      amountDelta: '29.80',
    },
  ]);
  // The replay was wrong after all: back to 1 kW, a credit note for the difference.
  world.powerKw.delete('acme@2026-10');
  const back = await runner.tick();
  t.same(
    back.notes.map((x) => [x.noteNumber, x.kind, x.totalDelta]),
    [['AMS1-CN-2026-000001', 'credit', '-29.80']],
  );
  t.same((await runner.tick()).notes, []);
  t.equal((await store.notes('AMS1-2026-000009')).length, 2);
});

t.test('a month that fails stops its site there; the next tick after the fix goes on, in order', async (t) => {
  const { clock, store, world, runner } = setup(t, { startMs: Date.UTC(2026, 10, 1, 6), recheckMonths: 1 });
  world.failing.add('2026-08');
  const first = await runner.tick();
  t.same(
    first.runs.map((r) => r.period),
    ['2026-06', '2026-07'],
    'September and October wait behind August',
  );
  t.same(
    first.errors.map((e) => [e.period, e.error]),
    [['2026-08', 'no tariff version covers 2026-08']],
  );
  t.equal(runner.errorCount.value, 1);
  world.failing.clear();
  clock.t += H;
  const second = await runner.tick();
  t.same(
    second.runs.map((r) => r.period),
    ['2026-08', '2026-09', '2026-10'],
  );
  t.same(
    (await store.invoices()).map((i) => i.number),
    Array.from({ length: 10 }, (_, i) => `AMS1-2026-${String(i + 1).padStart(6, '0')}`),
  );
  world.failing.add('2026-10');
  const recheck = await runner.tick();
  t.same(
    recheck.errors.map((e) => e.period),
    ['2026-10'],
    'a recheck that fails is reported too',
  );
  t.equal(runner.errorCount.value, 2);
});

t.test('a release while another instance runs the month is refused, to be tried again', async (t) => {
  const { store, world, runner } = setup(t, { startMs: Date.UTC(2026, 10, 1, 6) });
  world.gaps.add('acme@2026-10');
  await runner.runPeriod('ams1', '2026-10');
  let release!: () => void;
  const busy = store.withLock(
    'invoice-run:ams1/2026-10',
    'node-b',
    () =>
      new Promise<void>((r) => {
        release = r;
      }),
  );
  await new Promise((r) => setTimeout(r, 20));
  await t.rejects(runner.release('ams1/2026-10/acme', { by: 'ops', reason: 'checked' }), { name: 'RunBusyError' });
  t.same(
    await runner.runPeriod('ams1', '2026-10'),
    { entity: 'ams1', period: '2026-10', locked: false, actions: [], finalized: [], held: 0, undelivered: 0 },
    'a run is told as well',
  );
  release();
  await busy;
  t.match(await runner.release('ams1/2026-10/acme', { by: 'ops', reason: 'checked' }), { status: 'final', number: 'AMS1-2026-000002' });
});

t.test('a store that ignores a write ends the run with an error, not an endless loop', async (t) => {
  const { store, world } = setup(t, { startMs: Date.UTC(2026, 10, 1, 6) });
  const deaf = Object.assign(Object.create(store) as typeof store, {
    finalize: async (id: number) => ({ ...(await store.invoice(id))!, number: 'X' }),
  });
  const runner = new InvoiceRunner({
    store: deaf,
    computeDrafts: world.computeDrafts,
    outputs: recordingOutputs(),
    clock: { now: () => Date.UTC(2026, 10, 1, 6) },
    log: quietLog,
    owner: 'node-a',
    entities: [AMS],
    settings: { graceMs: 6 * H, minMeasuredShare: 0.999, recheckMonths: 0 },
  });
  await t.rejects(runner.runPeriod('ams1', '2026-10'), /no progress after 8 steps \(compute, finalize, finalize/);
  t.same(
    await store.withLock('invoice-run:ams1/2026-10', 'x', async () => 'free'),
    { acquired: true, value: 'free' },
    'the lock was let go',
  );
});
