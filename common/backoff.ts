// Exponential backoff, the one rule every retry loop of Joulebook follows: the pause after the n-th failure
// in a row is base × 2^(n-1), capped. `doublingDelayMs` is the rule; `Backoff` keeps the count for a caller
// that asks "may I try now?" (a device poll, an SNMP agent).

/** The pause after `failures` consecutive failures (1 = the first): baseMs doubling, at most maxMs. */
export function doublingDelayMs(baseMs: number, failures: number, maxMs = Number.POSITIVE_INFINITY): number {
  const exponent = Math.min(30, Math.max(0, failures - 1));
  return Math.min(maxMs, baseMs * 2 ** exponent);
}

/** Consecutive failures to a pause before the next attempt. Pure state: time comes from the caller. */
export class Backoff {
  private failures = 0;
  private nextAttemptMs = 0;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  get consecutiveFailures(): number {
    return this.failures;
  }

  ready(nowMs: number): boolean {
    return nowMs >= this.nextAttemptMs;
  }

  /** Returns the pause started by this failure. */
  failed(nowMs: number): number {
    this.failures++;
    const delayMs = doublingDelayMs(this.baseMs, this.failures, this.maxMs);
    this.nextAttemptMs = nowMs + delayMs;
    return delayMs;
  }

  succeeded(): void {
    this.failures = 0;
    this.nextAttemptMs = 0;
  }
}
