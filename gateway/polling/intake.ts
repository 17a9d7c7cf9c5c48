// Where every poll result goes, in this order: the device book and the metrics (the status page's view of
// each device), the checks (the counter check flags doubted readings before they are stored), then the
// outbox, with the keys of the counters a batch carries so the outbox never drops a channel's newest one.
import { isCounter } from '../../protocol/measurements.js';
import type { Reading } from '../../protocol/reading.js';
import type { Clock } from '../../common/clock.js';
import type { Outbox } from '../outbox/outbox.js';
import type { PollResult } from './result.js';

export interface PollIntakeDeps {
  clock: Pick<Clock, 'now'>;
  book: { observe(result: PollResult, nowMs: number): void };
  metrics: { observePoll(result: PollResult): void };
  checks: { observe(result: PollResult, nowMs: number): void };
  outbox: Pick<Outbox, 'append'>;
  /** Readings as they are queued for the outbox (the command's --readings, a test's tap). */
  onReadings?: (readings: readonly Reading[]) => void;
}

/** Keys of the channels whose energy counter a batch of readings carries. */
export function counterKeys(readings: readonly Reading[]): string[] {
  return readings.filter((r) => Object.keys(r.values).some((m) => isCounter(m as never))).map((r) => `${r.device}|${r.channel}`);
}

export function pollIntake(deps: PollIntakeDeps): (result: PollResult) => void {
  return (result) => {
    const nowMs = deps.clock.now();
    deps.book.observe(result, nowMs);
    deps.metrics.observePoll(result);
    deps.checks.observe(result, nowMs);
    const readings = result.readings;
    if (readings.length === 0) return;
    deps.outbox.append('readings', readings, Math.min(...readings.map((r) => r.ts)), counterKeys(readings));
    deps.onReadings?.(readings);
  };
}
