// Time is injected so schedules and backoff can be tested with a fake clock.
export interface Clock {
  /** Wall-clock epoch milliseconds, for reading timestamps. */
  now(): number;
  /** Monotonic milliseconds with sub-millisecond resolution, for latencies and silences. */
  monotonicMs(): number;
  /** Resolves after ms, or at once when the signal aborts (so stopping leaves no timer behind). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicMs: () => performance.now(),
  sleep: (ms, signal) => new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  }),
};
