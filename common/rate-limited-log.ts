// Log lines per key with a budget per window, so 100,000 hostile messages give a handful of lines while
// the counters beside them stay exact. Suppressed lines are summed into one line when the window turns.
import type { Logger } from 'pino';

export interface RateLimitedLogOptions {
  /** Lines per key per window before suppression. */
  burst: number;
  windowMs: number;
}

interface KeyState {
  windowStartMs: number;
  logged: number;
  suppressed: number;
}

export class RateLimitedLog {
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly deps: { log: Logger; nowMs: () => number; options: RateLimitedLogOptions }) {}

  warn(key: string, fields: Record<string, unknown>, msg: string): void {
    this.write('warn', key, fields, msg);
  }

  error(key: string, fields: Record<string, unknown>, msg: string): void {
    this.write('error', key, fields, msg);
  }

  /** Lines held back since each key's window opened. */
  suppressed(key: string): number {
    return this.keys.get(key)?.suppressed ?? 0;
  }

  private write(level: 'warn' | 'error', key: string, fields: Record<string, unknown>, msg: string): void {
    const now = this.deps.nowMs();
    const { burst, windowMs } = this.deps.options;
    let s = this.keys.get(key);
    if (!s) {
      // Bounded: keys are reasons, not attacker-chosen strings; still, forget them all past a sane size.
      if (this.keys.size >= 1000) this.keys.clear();
      s = { windowStartMs: now, logged: 0, suppressed: 0 };
      this.keys.set(key, s);
    }
    if (now - s.windowStartMs >= windowMs) {
      if (s.suppressed > 0)
        this.deps.log[level]({ key, suppressed: s.suppressed, windowMs }, `${s.suppressed} more like this were not logged`);
      s.windowStartMs = now;
      s.logged = 0;
      s.suppressed = 0;
    }
    if (s.logged < burst) {
      s.logged++;
      this.deps.log[level]({ key, ...fields }, msg);
    } else {
      s.suppressed++;
    }
  }
}
