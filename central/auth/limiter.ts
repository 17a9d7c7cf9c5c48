// Failed sign-ins, counted per key (a username, a client address), each key with its own limit: after
// `max` failures within `windowMs` the key is refused until the oldest failure leaves the window.
// An attempt is reserved before its password is evaluated and counted as if it failed until it ends:
// checking before the hash and counting after let 100 concurrent guesses through a limit of 5, because
// none of them had failed yet when the others were checked. A success only gives its room back: it does
// not forgive earlier failures, else the wrong guesses sent beside a right one would be evaluated anew.
// Pure (time is passed in); in memory, so a restart forgives, which is acceptable for a delay meant to
// make guessing slow.
export interface LimitedKey {
  key: string;
  /** Failures (settled and in flight) the key may have within the window. */
  max: number;
}

export type Reservation = { ok: true; attempt: Attempt } | { ok: false; retryAfterMs: number };

/** One reserved sign-in: ended once, by fail or release (a later call does nothing). */
export interface Attempt {
  /** The password was wrong (or the user unknown): the reservation becomes a failure of every key. */
  fail(nowMs: number): void;
  /** Signed in, or nothing was decided (the store failed): the reservation is dropped, nothing is counted. */
  release(): void;
}

/** While attempts in flight fill a key, a caller is told to come back after this (they end in milliseconds). */
const IN_FLIGHT_RETRY_MS = 1000;
/** Keys kept before expired ones are swept, so many names tried once do not grow the maps forever. */
const SWEEP_AT_KEYS = 10_000;

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();
  private sweepAt = SWEEP_AT_KEYS;
  /** Every failed attempt since start (refused ones are not attempts). */
  failedTotal = 0;
  /** Attempts refused without evaluating the password. */
  refusedTotal = 0;
  /** Attempts whose password was evaluated (reservations granted). */
  evaluatedTotal = 0;

  constructor(private readonly windowMs: number) {}

  private recent(key: string, nowMs: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > nowMs - this.windowMs);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  /** Milliseconds until the key may try again; 0 when it may now. */
  private waitMs(k: LimitedKey, nowMs: number): number {
    const settled = this.recent(k.key, nowMs);
    if (settled.length >= k.max) return settled[settled.length - k.max]! + this.windowMs - nowMs;
    return settled.length + (this.inFlight.get(k.key) ?? 0) >= k.max ? IN_FLIGHT_RETRY_MS : 0;
  }

  /** Milliseconds until every key may try again; 0 when none is full. Counts nothing. */
  retryAfterMs(keys: readonly LimitedKey[], nowMs: number): number {
    return Math.max(0, ...keys.map((k) => this.waitMs(k, nowMs)));
  }

  /** Reserves an attempt on every key, or refuses it when any key is full. Synchronous, so no two callers see the same room. */
  reserve(keys: readonly LimitedKey[], nowMs: number): Reservation {
    const wait = this.retryAfterMs(keys, nowMs);
    if (wait > 0) {
      this.refusedTotal++;
      return { ok: false, retryAfterMs: wait };
    }
    this.evaluatedTotal++;
    for (const k of keys) this.inFlight.set(k.key, (this.inFlight.get(k.key) ?? 0) + 1);
    let open = true;
    const end = (): boolean => {
      if (!open) return false;
      open = false;
      for (const k of keys) {
        const n = (this.inFlight.get(k.key) ?? 1) - 1;
        if (n > 0) this.inFlight.set(k.key, n);
        else this.inFlight.delete(k.key);
      }
      return true;
    };
    return {
      ok: true,
      attempt: {
        fail: (atMs) => {
          if (!end()) return;
          this.failedTotal++;
          for (const k of keys) this.failures.set(k.key, [...this.recent(k.key, atMs), atMs]);
          this.sweep(atMs);
        },
        release: () => {
          end();
        },
      },
    };
  }

  private sweep(nowMs: number): void {
    if (this.failures.size < this.sweepAt) return;
    for (const key of [...this.failures.keys()]) this.recent(key, nowMs);
    this.sweepAt = Math.max(SWEEP_AT_KEYS, 2 * this.failures.size);
  }

  /** Keys holding failures now (for tests and diagnostics). */
  get keyCount(): number {
    return this.failures.size;
  }
}
