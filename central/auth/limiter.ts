// Failed sign-ins, counted per username and per client address: after `maxFailures` within `windowMs` the
// key is refused until the oldest failure leaves the window. Pure (time is passed in); in memory, so a
// restart forgives, which is acceptable for a delay meant to make guessing slow.
export interface LimiterOptions {
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_LIMITS: LimiterOptions = { maxFailures: 5, windowMs: 15 * 60_000 };

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  /** Every failed attempt since start, refused ones included. */
  failedTotal = 0;
  refusedTotal = 0;

  constructor(private readonly opts: LimiterOptions = DEFAULT_LIMITS) {}

  private recent(key: string, nowMs: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > nowMs - this.opts.windowMs);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  /** Milliseconds until any of the keys may try again; 0 when none is blocked. */
  retryAfterMs(keys: readonly string[], nowMs: number): number {
    let wait = 0;
    for (const k of keys) {
      const list = this.recent(k, nowMs);
      if (list.length >= this.opts.maxFailures) wait = Math.max(wait, list[list.length - this.opts.maxFailures]! + this.opts.windowMs - nowMs);
    }
    if (wait > 0) this.refusedTotal++;
    return wait;
  }

  fail(keys: readonly string[], nowMs: number): void {
    this.failedTotal++;
    for (const k of keys) this.failures.set(k, [...this.recent(k, nowMs), nowMs]);
  }

  /** A success clears the username's count (not the address's: one account must not unblock guessing others). */
  succeed(key: string): void {
    this.failures.delete(key);
  }
}
