// Time is injected so schedules and backoff can be tested with a fake clock.
export interface Clock {
  /** Wall-clock epoch milliseconds, for reading timestamps. */
  now(): number;
  /** Monotonic milliseconds with sub-millisecond resolution, for latencies and silences. */
  monotonicMs(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicMs: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
