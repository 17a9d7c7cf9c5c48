import { pino } from 'pino';
import t from 'tap';
import { startLifecycleSchedule } from './schedule.js';

const log = pino({ level: 'silent' });

function fakeTimers() {
  const pending: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  return {
    pending,
    setTimer: (fn: () => void, ms: number) => {
      const p = { fn, ms, cancelled: false };
      pending.push(p);
      return { cancel: () => (p.cancelled = true) };
    },
    fire() {
      const p = pending.shift();
      if (p && !p.cancelled) p.fn();
    },
  };
}

t.test('a pass at start, the next one a period after it ended, a failed pass does not stop the schedule', async (t) => {
  const timers = fakeTimers();
  let passes = 0;
  const s = startLifecycleSchedule({
    pass: async () => {
      passes++;
      if (passes === 2) throw new Error('database went away');
    },
    periodMs: 60_000,
    log,
    setTimer: timers.setTimer,
  });
  await s.first;
  t.equal(passes, 1);
  t.equal(timers.pending[0]?.ms, 60_000);
  timers.fire();
  await new Promise((r) => setImmediate(r));
  t.equal(passes, 2);
  t.equal(timers.pending.length, 1, 'scheduled again after a failure');
  await s.stop();
  t.ok(timers.pending[0]!.cancelled, 'no pass after the stop');
});

t.test('stop aborts the pass under way and waits for it', async (t) => {
  const timers = fakeTimers();
  let chunks = 0;
  let sawAbort = false;
  const s = startLifecycleSchedule({
    pass: async (signal) => {
      while (!signal.aborted) {
        chunks++;
        await new Promise((r) => setTimeout(r, 5));
      }
      sawAbort = true;
    },
    periodMs: 60_000,
    log,
    setTimer: timers.setTimer,
  });
  await new Promise((r) => setTimeout(r, 30));
  const startedMs = performance.now();
  await s.stop();
  t.ok(sawAbort);
  t.ok(chunks > 1);
  t.ok(performance.now() - startedMs < 100, 'returns within a chunk');
  t.equal(timers.pending.length, 0, 'nothing scheduled after an aborted pass');
});
