// Consecutive failures to a pause before the next attempt: base, doubling, capped. Pure state.
export class Backoff {
  private failures = 0;
  private nextAttemptMs = 0;

  constructor(private readonly baseMs: number, private readonly maxMs: number) {}

  get consecutiveFailures(): number {
    return this.failures;
  }

  ready(nowMs: number): boolean {
    return nowMs >= this.nextAttemptMs;
  }

  /** Returns the pause started by this failure. */
  failed(nowMs: number): number {
    this.failures++;
    const delayMs = Math.min(this.maxMs, this.baseMs * 2 ** (this.failures - 1));
    this.nextAttemptMs = nowMs + delayMs;
    return delayMs;
  }

  succeeded(): void {
    this.failures = 0;
    this.nextAttemptMs = 0;
  }
}
