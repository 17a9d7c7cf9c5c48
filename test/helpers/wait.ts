// A bounded wait for a condition, for tests that watch real I/O (brokers, child processes, sockets): it
// returns as soon as the condition holds and fails with what it waited for when it never does. A fixed
// sleep before a positive assert is either too short on a loaded 2-core machine (flaky) or too long
// everywhere else (slow); this is neither. Sleeps before NEGATIVE asserts ("nothing arrived") stay sleeps.
// (test/helpers/gateway.ts has an older waitFor that returns false on timeout; this one throws.)

export interface WaitOptions {
  /** Give up after this long; generous, since it only costs time when the test is failing anyway. */
  timeoutMs: number;
  /** What is awaited, for the failure message ("400 messages stored"); a function is asked at timeout. */
  what: string | (() => string);
  /** Pause between checks (default 20 ms). */
  intervalMs?: number;
}

export class WaitTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    cause?: unknown,
  ) {
    super(
      `timed out after ${timeoutMs} ms waiting for ${what}${cause === undefined ? '' : ` (last check threw: ${cause instanceof Error ? cause.message : String(cause)})`}`,
    );
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Checks `condition` until it returns true, at most `timeoutMs`; throws WaitTimeoutError naming `what`
 * otherwise. A condition that throws counts as not yet true (the last error is in the message). Returns
 * the milliseconds waited.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, o: WaitOptions): Promise<number> {
  const started = performance.now();
  const interval = o.intervalMs ?? 20;
  let lastError: unknown;
  for (;;) {
    try {
      if (await condition()) return performance.now() - started;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (performance.now() - started >= o.timeoutMs) {
      throw new WaitTimeoutError(typeof o.what === 'function' ? o.what() : o.what, o.timeoutMs, lastError);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
