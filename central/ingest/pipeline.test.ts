import t from 'tap';
import { pino } from 'pino';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import { MemorySink } from '../../test/helpers/memory-sink.js';
import { systemClock } from '../../common/clock.js';
import { type IngestOutcome, IngestPipeline } from './pipeline.js';
import { readingsPayload } from '../../scripts/benches/sample-messages.js';

const T = 'joulebook/v1/fra1/gw-a1/readings';
const msg = (seq: number, readings = 10, gateway = 'gw-a1') => readingsPayload({ gateway, seq, readings });
const tick = () => new Promise((r) => setImmediate(r));
function capture() {
  const lines: { msg: string; key?: string; suppressed?: number }[] = [];
  return {
    lines,
    log: pino(
      { level: 'info' },
      {
        write: (s: string) => {
          lines.push(JSON.parse(s));
        },
      },
    ),
  };
}
function track(p: Promise<IngestOutcome>) {
  const s: { outcome?: IngestOutcome } = {};
  void p.then((o) => {
    s.outcome = o;
  });
  return s;
}

t.test('groups close at maxReadings or after maxDelayMs, and go to the sink in arrival order', async (t) => {
  const clock = new FakeClock(0);
  const sink = new MemorySink();
  const p = new IngestPipeline({ sink, clock, log: capture().log, options: { maxReadings: 250, maxDelayMs: 1000 } });
  const outs = [1, 2, 3, 4, 5].map((s) => track(p.submit(T, msg(s, 100))));
  await tick();
  t.same(sink.calls, [3], 'three messages reach 300 readings: stored at once');
  t.equal(outs[3]!.outcome, undefined, 'the fourth waits for its window');
  await clock.advance(999, 999);
  t.same(sink.calls, [3]);
  await clock.advance(1, 1);
  t.same(sink.calls, [3, 2], 'the rest after maxDelayMs');
  t.same(
    sink.stored.map((b) => b.kind === 'readings' && b.message.seq),
    [1, 2, 3, 4, 5],
  );
  t.same(
    outs.map((o) => o.outcome),
    outs.map(() => ({ status: 'stored', inserted: 100, duplicates: 0 })),
  );
  const c = p.counters.snapshot();
  t.match(c, { messagesIn: 5, messagesStored: 5, readingsStored: 500, duplicates: 0, storeCalls: 2, storeFailures: 0 });
  t.equal(c.storeLatency.count, 2);
});

t.test('groups that closed while the sink was busy are stored together, within the limits', async (t) => {
  const clock = new FakeClock(0);
  const sink = new MemorySink();
  sink.hold();
  const p = new IngestPipeline({ sink, clock, log: capture().log, options: { maxReadings: 300, maxDelayMs: 10 } });
  const outs: ReturnType<typeof track>[] = [];
  for (const [seq, readings] of [
    [1, 100],
    [2, 100],
    [3, 100],
    [4, 150],
  ] as const) {
    outs.push(track(p.submit(T, msg(seq, readings))));
    await tick();
    await clock.advance(10, 10);
  }
  t.same(sink.calls, [1], 'the first group is with the sink; three more closed behind it');
  sink.release();
  await sink.storedAtLeast(4);
  t.same(sink.calls, [1, 2, 1], 'the next two join (200 readings); the third would pass 300 and goes alone');
  t.same(
    sink.stored.map((b) => b.kind === 'readings' && b.message.seq),
    [1, 2, 3, 4],
    'in arrival order',
  );
  await tick();
  t.ok(outs.every((o) => o.outcome?.status === 'stored'));
});

t.test('maxMessages closes a group of readingless messages', async (t) => {
  const sink = new MemorySink();
  const p = new IngestPipeline({ sink, clock: systemClock, log: capture().log, options: { maxMessages: 2, maxDelayMs: 60_000 } });
  const status = (ts: number) => Buffer.from(JSON.stringify({ v: 1, gateway: 'gw-a1', boot: 'b', state: 'online', ts }));
  const outs = await Promise.all([
    p.submit('joulebook/v1/fra1/gw-a1/status', status(1)),
    p.submit('joulebook/v1/fra1/gw-a1/status', status(2)),
  ]);
  t.same(outs, [
    { status: 'stored', inserted: 1, duplicates: 0 },
    { status: 'stored', inserted: 1, duplicates: 0 },
  ]);
  t.equal(p.counters.snapshot().otherItemsStored, 2);
});

t.test('a message settles only after its store resolved', async (t) => {
  const clock = new FakeClock(0);
  const sink = new MemorySink();
  sink.hold();
  const p = new IngestPipeline({ sink, clock, log: capture().log, options: { maxDelayMs: 1 } });
  const o = track(p.submit(T, msg(1)));
  await clock.advance(1, 1);
  t.same(sink.calls, [1], 'handed to the sink when its window closed');
  await clock.advance(1000);
  t.equal(o.outcome, undefined, 'not settled while the store is pending, however long it takes');
  t.equal(p.pending, 0, 'no longer queued, in the sink');
  sink.release();
  await sink.storedAtLeast(1);
  await tick();
  t.same(o.outcome, { status: 'stored', inserted: 10, duplicates: 0 });
});

t.test('a failing sink is retried with backoff; nothing settles until it stores; no loss', async (t) => {
  const clock = new FakeClock(0);
  const sink = new MemorySink();
  const { lines, log } = capture();
  const p = new IngestPipeline({ sink, clock, log, options: { maxDelayMs: 10, retryMinMs: 100, retryMaxMs: 400 } });
  sink.failNext(4);
  const a = track(p.submit(T, msg(1)));
  const b = track(p.submit(T, msg(2)));
  await clock.advance(10, 10);
  t.same(sink.calls, [2], 'first attempt');
  const c = track(p.submit(T, msg(3)));
  await clock.advance(100, 100);
  t.same(sink.calls, [2, 2], 'retry after 100 ms');
  await clock.advance(200, 100);
  t.same(sink.calls, [2, 2, 2], 'then 200 ms');
  await clock.advance(400, 100);
  t.same(sink.calls, [2, 2, 2, 2], 'then 400 ms');
  t.equal(a.outcome, undefined);
  t.equal(b.outcome, undefined);
  t.equal(c.outcome, undefined, 'later messages wait behind the failing group');
  await clock.advance(400, 100);
  t.same(sink.calls, [2, 2, 2, 2, 2, 1], 'capped at 400 ms; the next group follows at once');
  t.same(
    [a.outcome, b.outcome, c.outcome].map((o) => o?.status),
    ['stored', 'stored', 'stored'],
  );
  t.match(p.counters.snapshot(), { storeFailures: 4, messagesStored: 3, readingsStored: 30 });
  t.equal(lines.filter((l) => l.key === 'store_failed').length, 4);
  t.ok(lines.some((l) => l.msg === 'storing works again'));
});

t.test('a message whose sender went away is dropped from a retried group, the rest stored', async (t) => {
  const clock = new FakeClock(0);
  const sink = new MemorySink();
  const p = new IngestPipeline({ sink, clock, log: capture().log, options: { maxDelayMs: 1, retryMinMs: 50 } });
  let gone = false;
  sink.failNext(1);
  const a = track(p.submit(T, msg(1), { gone: () => gone }));
  const b = track(p.submit(T, msg(2)));
  await clock.advance(1, 1);
  gone = true;
  await clock.advance(50, 50);
  t.same(sink.calls, [2, 1]);
  t.same(a.outcome, { status: 'abandoned' });
  t.equal(b.outcome?.status, 'stored');
  t.equal(p.counters.snapshot().messagesAbandoned, 1);
});

t.test('replays are stored once and counted as duplicates', async (t) => {
  const sink = new MemorySink();
  const p = new IngestPipeline({ sink, clock: systemClock, log: capture().log, options: { maxDelayMs: 1 } });
  t.same(await p.submit(T, msg(1, 50)), { status: 'stored', inserted: 50, duplicates: 0 });
  t.same(await p.submit(T, msg(1, 50)), { status: 'stored', inserted: 0, duplicates: 50 });
  t.match(p.counters.snapshot(), { readingsStored: 50, duplicates: 50, messagesStored: 2 });
  t.equal(sink.readings, 50);
});

t.test('100,000 hostile messages: all rejected and counted exactly, a few log lines, valid traffic still stored', async (t) => {
  const sink = new MemorySink();
  const { lines, log } = capture();
  const p = new IngestPipeline({ sink, clock: systemClock, log, options: { maxDelayMs: 1, logBurst: 5 } });
  const hostile: [string, Buffer][] = [
    ['joulebook/v1/fra1/gw-a1/readings', Buffer.from('{"v":')],
    ['joulebook/v1/fra1/gw-a1/readings', Buffer.from(JSON.stringify({ v: 1, gateway: 'gw-a1', readings: 'x' }))],
    ['joulebook/v1/fra1/gw-a1/readings', msg(9, 2, 'gw-b2')],
    ['not/joulebook', Buffer.from('{}')],
    ['joulebook/v1/fra1/gw-a1/readings', Buffer.alloc(200_000, 0x7b)],
  ];
  const valid: Promise<IngestOutcome>[] = [];
  for (let i = 0; i < 100_000; i++) {
    const [topic, payload] = hostile[i % hostile.length]!;
    const o = await p.submit(topic, payload);
    if (o.status !== 'rejected') t.fail(`message ${i} not rejected`);
    if (i % 10_000 === 0) valid.push(p.submit(T, msg(i + 1, 5)));
  }
  const stored = await Promise.all(valid);
  t.ok(
    stored.every((o) => o.status === 'stored'),
    'valid messages in between were stored',
  );
  const c = p.counters.snapshot();
  t.same(c.rejected, {
    foreign_topic: 20_000,
    too_large: 20_000,
    bad_json: 20_000,
    schema: 20_000,
    gateway_mismatch: 20_000,
    site_mismatch: 0,
  });
  t.equal(p.counters.rejectedTotal, 100_000);
  t.equal(c.messagesIn, 100_010);
  t.equal(c.readingsStored, 50);
  t.ok(lines.length <= 5 * 5, `${lines.length} log lines for 100,000 rejections`);
  t.ok(lines.every((l) => l.msg.startsWith('message rejected: ')));
});

t.test('stop stores what is queued; with a hung sink it gives up after the timeout, unacknowledged', async (t) => {
  const sink = new MemorySink();
  const p = new IngestPipeline({ sink, clock: systemClock, log: capture().log, options: { maxDelayMs: 60_000 } });
  const queued = track(p.submit(T, msg(1)));
  await p.stop(1000);
  t.equal(queued.outcome?.status, 'stored', 'the open group was flushed on stop');
  t.same(await p.submit(T, msg(2)), { status: 'abandoned' }, 'nothing taken after stop');

  const hung = new MemorySink();
  hung.hold();
  const clock = new FakeClock(0);
  const q = new IngestPipeline({ sink: hung, clock, log: capture().log, options: { maxDelayMs: 1 } });
  const h = track(q.submit(T, msg(1)));
  await clock.advance(1, 1);
  t.same(hung.calls, [1], 'the group is with the hung sink');
  // stop's timeout is real time (it bounds a shutdown), not the injected clock.
  const started = Date.now();
  await q.stop(50);
  t.ok(Date.now() - started < 1000, 'stop returned');
  t.same(h.outcome, { status: 'abandoned' });
  t.equal(q.counters.snapshot().messagesAbandoned, 1);
  await q.stop(10);
});

t.test('a sink returning the wrong number of results is logged, counted as returned, never a crash', async (t) => {
  const { lines, log } = capture();
  const p = new IngestPipeline({ sink: { store: async () => [] }, clock: systemClock, log, options: { maxDelayMs: 1 } });
  t.same(await p.submit(T, msg(1)), { status: 'stored', inserted: 0, duplicates: 0 });
  t.ok(lines.some((l) => /result count/.test(l.msg)));
  const q = new IngestPipeline({ sink: { store: async () => undefined as never }, clock: systemClock, log, options: { maxDelayMs: 1 } });
  t.equal((await q.submit(T, msg(1))).status, 'stored');
});
