// The stop's last resorts, which a healthy gateway never reaches: a step that never ends, a second signal,
// something left holding the process. Each still commits and closes the outbox (abandon) and exits, and says why.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import t from 'tap';
import { createLogger } from '../common/log.js';
import { StopSteps, stopOnSignal, type Stoppable } from './shutdown.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger('info', { destination: stream }), lines };
}

function target(stop: () => Promise<void>) {
  const steps = new StopSteps(() => performance.now());
  let abandoned = 0;
  const gw: Stoppable = {
    stopSteps: steps,
    stop: () => stop.call(null),
    abandon: () => {
      abandoned++;
    },
  };
  return { gw, steps, abandoned: () => abandoned };
}

const never = () => new Promise<void>(() => {});

t.test('a step that never ends: the deadline abandons it, names it, exits 1', async (t) => {
  const signals = new EventEmitter();
  const { log, lines } = capture();
  const exits: number[] = [];
  const stopWhen = stopOnSignal({
    monotonicMs: () => performance.now(),
    exit: (c) => exits.push(c),
    deadlineMs: 100,
    signals: signals as never,
  });
  const x = target(async () => {
    await x.steps.run('broker', never);
  });
  void stopWhen(x.gw, { log });
  signals.emit('SIGTERM', 'SIGTERM');
  await new Promise((r) => setTimeout(r, 250));
  t.same(exits, [1], 'exit code 1');
  t.equal(x.abandoned(), 1, 'the outbox was committed and closed first');
  const gaveUp = lines.find((l) => String(l.msg).startsWith('stop deadline of 100 ms passed'));
  t.same(gaveUp?.waitingFor, ['broker'], 'the log names what was still waited for');
  t.equal(lines[0]?.signal, 'SIGTERM', 'the signal is logged');
});

t.test('a second signal while stopping ends it at once', async (t) => {
  const signals = new EventEmitter();
  const { log, lines } = capture();
  const exits: number[] = [];
  const stopWhen = stopOnSignal({
    monotonicMs: () => performance.now(),
    exit: (c) => exits.push(c),
    deadlineMs: 10_000,
    signals: signals as never,
  });
  const x = target(async () => {
    await x.steps.run('polls', never);
  });
  void stopWhen(x.gw, { log });
  signals.emit('SIGINT', 'SIGINT');
  await new Promise((r) => setTimeout(r, 20));
  t.same(exits, [], 'the first signal waits for the stop');
  signals.emit('SIGINT', 'SIGINT');
  t.same(exits, [1]);
  t.equal(x.abandoned(), 1);
  t.ok(
    lines.some((l) => l.msg === 'second signal (SIGINT) while stopping: outbox committed and closed, the rest abandoned'),
    'logged',
  );
});

t.test('a signal during start is kept; a clean stop logs its steps and lets the process end by itself', async (t) => {
  const signals = new EventEmitter();
  const { log, lines } = capture();
  const exits: number[] = [];
  const stopWhen = stopOnSignal({
    monotonicMs: () => performance.now(),
    exit: (c) => exits.push(c),
    deadlineMs: 50,
    signals: signals as never,
  });
  signals.emit('SIGTERM', 'SIGTERM'); // before the gateway is there to stop
  const x = target(async () => {
    await x.steps.run('outbox close', () => undefined);
  });
  await stopWhen(x.gw, { log });
  t.equal(signals.listenerCount('SIGTERM'), 0, 'its listeners are gone once stopped');
  const stopped = lines.find((l) => l.msg === 'gateway stopped');
  t.equal(stopped?.signal, 'SIGTERM');
  t.same(Object.keys(stopped?.waitedMs as object), ['outbox close'], 'each step and what it waited');
  t.equal(x.abandoned(), 0, 'nothing abandoned');
  await new Promise((r) => setTimeout(r, 120));
  // The test process itself is alive (tap), which is what "something still held the process" reports.
  t.same(exits, [0], 'after a clean stop, a process still held is ended with 0');
  t.ok(
    lines.some((l) => l.msg === 'stopped, but something still held the process; exiting' && Array.isArray(l.stillRunning)),
    'naming what held it',
  );
});
