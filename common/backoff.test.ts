import t from 'tap';
import { Backoff, doublingDelayMs } from './backoff.js';

t.test('the pause after the n-th failure in a row: base doubling, capped', async (t) => {
  const cases: [base: number, failures: number, max: number, want: number][] = [
    [100, 1, Infinity, 100],
    [100, 2, Infinity, 200],
    [100, 4, Infinity, 800],
    [100, 4, 500, 500],
    [500, 1, 30_000, 500],
    [500, 7, 30_000, 30_000],
    [250, 0, Infinity, 250], // no failure yet reads as the first
    [1, 1000, Infinity, 2 ** 30], // the exponent stops at 30: no overflow to Infinity
  ];
  for (const [base, failures, max, want] of cases)
    t.equal(doublingDelayMs(base, failures, max), want, `${base} ms after ${failures} failures, at most ${max}`);
});

t.test('Backoff keeps the count and the next attempt', async (t) => {
  const b = new Backoff(100, 300);
  t.ok(b.ready(0));
  t.equal(b.failed(1000), 100);
  t.notOk(b.ready(1099));
  t.ok(b.ready(1100));
  t.equal(b.failed(1100), 200);
  t.equal(b.failed(1300), 300);
  t.equal(b.failed(1600), 300);
  t.equal(b.consecutiveFailures, 4);
  b.succeeded();
  t.equal(b.consecutiveFailures, 0);
  t.ok(b.ready(0));
});
