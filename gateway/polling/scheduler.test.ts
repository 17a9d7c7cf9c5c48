import t from 'tap';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import { quietLog } from '../../test/helpers/env.js';
import type { PollKind } from './schedule.js';
import { PollScheduler } from './scheduler.js';

const START = Date.UTC(2026, 10, 1, 0, 0, 0);

function target(clock: FakeClock, id: string, costMs = 0) {
  const polls: { kind: PollKind; at: number }[] = [];
  return {
    polls,
    target: {
      id,
      poll: async (kind: PollKind) => {
        polls.push({ kind, at: clock.now() - START });
        if (costMs > 0) await clock.sleep(costMs);
        return { id, kind };
      },
    },
  };
}

t.test('energy and full polls on their own aligned cadences', async (t) => {
  const clock = new FakeClock(START);
  const a = target(clock, 'a');
  const b = target(clock, 'b');
  const results: unknown[] = [];
  const s = new PollScheduler({
    targets: [
      { target: a.target, energyIntervalMs: 1000, fullIntervalMs: 5000 },
      { target: b.target, energyIntervalMs: 2000, fullIntervalMs: 2000 },
    ],
    clock,
    log: quietLog,
  });
  s.start((r) => results.push(r));
  await clock.advance(10_000);
  await Promise.all([s.stop(), clock.advance(200)]);
  t.same(
    a.polls.filter((p) => p.kind === 'full').map((p) => p.at),
    [0, 5000, 10_000],
    'a: full set at start and every 5 s',
  );
  t.same(
    a.polls.filter((p) => p.kind === 'energy').map((p) => p.at),
    [1000, 2000, 3000, 4000, 6000, 7000, 8000, 9000],
    'a: energy every second, not when a full poll is due',
  );
  t.same(
    b.polls.map((p) => p.kind),
    ['full', 'full', 'full', 'full', 'full', 'full'],
    'b: equal intervals mean full polls only',
  );
  t.equal(results.length, a.polls.length + b.polls.length, 'every result delivered');
  t.equal(s.overruns, 0);
});

t.test('a poll longer than its interval skips ticks and counts them', async (t) => {
  const clock = new FakeClock(START);
  const slow = target(clock, 'slow', 2500);
  const s = new PollScheduler({ targets: [{ target: slow.target, energyIntervalMs: 1000, fullIntervalMs: 60_000 }], clock, log: quietLog });
  s.start(() => {});
  await clock.advance(8000);
  const stopped = s.stop();
  await clock.advance(3000);
  await stopped;
  t.same(
    slow.polls.map((p) => p.at),
    [0, 3000, 6000],
    'polls start on the next tick after the last one ended',
  );
  t.ok(s.overruns >= 2, `${s.overruns} ticks skipped`);
});

t.test('a poll that throws is logged and the schedule goes on', async (t) => {
  const clock = new FakeClock(START);
  let calls = 0;
  const s = new PollScheduler({
    targets: [
      {
        target: {
          id: 'x',
          poll: async () => {
            calls++;
            throw new Error('boom');
          },
        },
        energyIntervalMs: 1000,
        fullIntervalMs: 1000,
      },
    ],
    clock,
    log: quietLog,
  });
  s.start(() => {});
  await clock.advance(3000);
  await Promise.all([s.stop(), clock.advance(100)]);
  t.equal(calls, 4, 'polled at 0, 1, 2 and 3 s despite the failures');
});
