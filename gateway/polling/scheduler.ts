// Runs each device's polls on its own schedule. Devices never wait for each other here; devices on one
// bus are serialised by that bus's queue, and a failing device backs off inside its driver.
// Stopping aborts one signal: the sleeps end at once and every poll in flight is told to give up, so a
// stop never waits out an interval, a backoff or a dead meter's timeouts.
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.js';
import { advance, dueKind, type Due, type PollKind } from './schedule.js';

export interface PollTarget<R> {
  id: string;
  /** `signal` aborts when polling stops: return soon with what was read, without retries or backoff. */
  poll(kind: PollKind, signal?: AbortSignal): Promise<R>;
}

export interface ScheduledTarget<R> {
  target: PollTarget<R>;
  energyIntervalMs: number;
  fullIntervalMs: number;
}

export interface SchedulerDeps<R> {
  targets: readonly ScheduledTarget<R>[];
  clock: Clock;
  log: Logger;
}

export class PollScheduler<R> {
  private stopping: AbortController | undefined;
  private loops: Promise<void>[] = [];
  overruns = 0;

  constructor(private readonly deps: SchedulerDeps<R>) {}

  /** Starts every target's loop; each poll's result goes to `onResult`. */
  start(onResult: (result: R) => void): void {
    if (this.stopping) return;
    const stopping = new AbortController();
    this.stopping = stopping;
    this.loops = this.deps.targets.map((t) => this.loop(t, stopping.signal, onResult));
  }

  /** Ends every loop; resolves once the polls in flight have returned (their results still delivered). */
  async stop(): Promise<void> {
    this.stopping?.abort();
    this.stopping = undefined;
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async loop(t: ScheduledTarget<R>, signal: AbortSignal, onResult: (result: R) => void): Promise<void> {
    const { clock, log } = this.deps;
    const intervals = { energyMs: t.energyIntervalMs, fullMs: t.fullIntervalMs };
    let due: Due = { energyAtMs: clock.now(), fullAtMs: clock.now() }; // first poll at once, full
    while (!signal.aborted) {
      const now = clock.now();
      const kind = dueKind(due, now);
      if (!kind) {
        await clock.sleep(Math.min(due.energyAtMs, due.fullAtMs) - now, signal);
        continue;
      }
      try {
        onResult(await t.target.poll(kind, signal));
      } catch (err) {
        log.error({ err, device: t.target.id }, 'poll failed unexpectedly');
      }
      const next = advance(due, kind, clock.now(), intervals);
      if (next.missed > 0 && !signal.aborted) {
        this.overruns += next.missed;
        log.warn({ device: t.target.id, kind, missed: next.missed }, 'poll took longer than its interval; ticks skipped');
      }
      due = next.due;
    }
  }
}
