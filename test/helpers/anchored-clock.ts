// A real-time clock that starts at a chosen instant: timers and sleeps run as usual, but "now" begins at the
// anchor and moves with the wall clock. A central node under test then sees the same calendar on any day the
// suite runs (which months are closed, which invoices the billing tick drafts), while live traffic still
// flows in real time.
import type { Clock } from '../../central/ingest/clock.js';
import { systemClock } from '../../central/ingest/clock.js';

export function anchoredClock(anchorMs: number): Clock {
  const startMs = performance.now();
  return {
    now: () => anchorMs + Math.round(performance.now() - startMs),
    monotonicMs: () => performance.now(),
    sleep: (ms, signal) => systemClock.sleep(ms, signal),
  };
}
