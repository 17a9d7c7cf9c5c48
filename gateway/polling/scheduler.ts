// Runs each device's polls on its own schedule. Devices never wait for each other here; devices on one
// bus are serialised by that bus's queue, and a failing device backs off inside its driver.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { advance, dueKind, type Due, type PollKind } from './schedule.js';

export interface PollTarget<R> {
  id: string;
  poll(kind: PollKind): Promise<R>;
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
  onResult: (result: R) => void;
}

export class PollScheduler<R> {
  private running = false;
  private wake: (() => void) | undefined;
  private loops: Promise<void>[] = [];
  overruns = 0;

  constructor(private readonly deps: SchedulerDeps<R>) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = this.deps.targets.map((t) => this.loop(t));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await Promise.all(this.loops);
  }

  private async loop(t: ScheduledTarget<R>): Promise<void> {
    const { clock, log } = this.deps;
    const intervals = { energyMs: t.energyIntervalMs, fullMs: t.fullIntervalMs };
    let due: Due = { energyAtMs: clock.now(), fullAtMs: clock.now() }; // first poll at once, full
    const stopped = new Promise<void>((resolve) => {
      const prev = this.wake;
      this.wake = () => { prev?.(); resolve(); };
    });
    while (this.running) {
      const now = clock.now();
      const kind = dueKind(due, now);
      if (!kind) {
        await Promise.race([clock.sleep(Math.min(due.energyAtMs, due.fullAtMs) - now), stopped]);
        continue;
      }
      try {
        this.deps.onResult(await t.target.poll(kind));
      } catch (err) {
        log.error({ err, device: t.target.id }, 'poll failed unexpectedly');
      }
      const next = advance(due, kind, clock.now(), intervals);
      if (next.missed > 0) {
        this.overruns += next.missed;
        log.warn({ device: t.target.id, kind, missed: next.missed }, 'poll took longer than its interval; ticks skipped');
      }
      due = next.due;
    }
  }
}
