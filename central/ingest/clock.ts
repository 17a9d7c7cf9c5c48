// Time for ingest, injected so grouping windows and retry backoff can be tested with a fake clock.
export interface Clock {
  /** Wall-clock epoch milliseconds (receivedAt). */
  now(): number;
  /** Monotonic milliseconds, for latencies and windows. */
  monotonicMs(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicMs: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
