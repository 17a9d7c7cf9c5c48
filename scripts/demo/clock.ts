// The demo's clock: real time plus an offset that only grows. The history starts with the offset set a
// month and a half back and jumps it forward an hour at a time (every simulator, gateway and the central
// node read this one clock), then ends at offset 0, which is real time. Durations measured on it (request
// latencies, timeouts, the gateway's clock-jump guard comparing wall and monotonic time) stay real,
// because a jump moves wall and monotonic time together; sleeps wake at their warped instant.
import type { Clock } from '../../common/clock.js';

export type BaseClock = Pick<Clock, 'now' | 'monotonicMs'>;

interface Sleeper {
  atMs: number;
  resolve: () => void;
  timer: NodeJS.Timeout;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class WarpClock {
  private offsetMs: number;
  /** The offset at the start: monotonic time moves with every jump but starts where the real one is, never below 0. */
  private readonly startOffsetMs: number;
  private readonly sleepers = new Set<Sleeper>();
  private readonly base: BaseClock;

  constructor(deps: { startMs: number; base?: BaseClock }) {
    this.base = deps.base ?? { now: () => Date.now(), monotonicMs: () => performance.now() };
    this.offsetMs = Math.min(0, deps.startMs - this.base.now());
    this.startOffsetMs = this.offsetMs;
  }

  readonly now = (): number => this.base.now() + this.offsetMs;

  readonly monotonicMs = (): number => this.base.monotonicMs() + this.offsetMs - this.startOffsetMs;

  /** true once the clock runs in real time. */
  get real(): boolean {
    return this.offsetMs === 0;
  }

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const s: Sleeper = {
        atMs: this.now() + Math.max(0, ms),
        resolve,
        timer: unref(setTimeout(() => this.wake(s), Math.max(0, ms))),
        signal,
      };
      if (signal) {
        s.onAbort = () => this.wake(s);
        signal.addEventListener('abort', s.onAbort, { once: true });
      }
      this.sleepers.add(s);
    });

  /** Moves the clock forward to `ms` (never back, never past real time); wakes whoever sleeps until then. */
  jumpTo(ms: number): void {
    const target = Math.min(ms, this.base.now());
    if (target > this.now()) this.offsetMs = Math.min(0, target - this.base.now());
    if (ms >= this.base.now()) this.offsetMs = 0;
    const now = this.now();
    for (const s of this.sleepers) {
      clearTimeout(s.timer);
      if (s.atMs <= now) this.wake(s);
      else s.timer = unref(setTimeout(() => this.wake(s), s.atMs - now));
    }
  }

  /** How many sleepers wake at `ms` or later (the gateways' poll loops waiting for their next tick). */
  sleepingUntil(ms: number): number {
    let n = 0;
    for (const s of this.sleepers) if (s.atMs >= ms) n++;
    return n;
  }

  private wake(s: Sleeper): void {
    if (!this.sleepers.delete(s)) return;
    clearTimeout(s.timer);
    if (s.onAbort) s.signal?.removeEventListener('abort', s.onAbort);
    s.resolve();
  }
}

/** A sleep never keeps the demo's process alive on its own: its servers and sockets do while it runs. */
function unref(timer: NodeJS.Timeout): NodeJS.Timeout {
  timer.unref();
  return timer;
}
