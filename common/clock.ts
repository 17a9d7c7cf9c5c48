// Time is injected (ARCHITECTURE: "an injected clock everywhere") so schedules, backoff, grouping windows and
// billing months can be tested with a fake clock, and a whole process can run on a chosen calendar (JB_NOW).
export interface Clock {
  /** Wall-clock epoch milliseconds (receivedAt). */
  now(): number;
  /** Monotonic milliseconds, for latencies and windows. */
  monotonicMs(): number;
  /** Resolves after ms, or at once when the signal aborts (so stopping leaves no timer behind). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicMs: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
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

/** A real-time clock whose "now" starts at anchorMs and moves with the wall clock; timers run as usual. */
export function anchoredClock(anchorMs: number): Clock {
  const startMs = performance.now();
  return { ...systemClock, now: () => anchorMs + Math.round(performance.now() - startMs) };
}

/**
 * The clock of a `joulebook central` process: the system clock, or with JB_NOW=<ISO date-time> one that
 * starts at that instant. It lets an operator rehearse a month's invoice run (which months are closed, the
 * numbering year) and lets tests of the command run on the same calendar on any day.
 */
export function processClock(env: NodeJS.ProcessEnv = process.env): Clock {
  const at = env.JB_NOW;
  if (at === undefined || at === '') return systemClock;
  const anchorMs = Date.parse(at);
  if (!Number.isFinite(anchorMs)) throw new Error(`JB_NOW: "${at}" is not an ISO date-time (e.g. 2026-11-05T12:00:00Z)`);
  return anchoredClock(anchorMs);
}
