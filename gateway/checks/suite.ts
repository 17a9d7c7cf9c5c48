// The checks a gateway runs, in a set order: their kinds are looked up when the gateway is built (an
// unknown name stops the start), the checks themselves are created when polling starts. Every poll result
// goes through each check in order; the commit clock ticks them, then lets one-time alerts expire.
import type { Logger } from 'pino';
import type { GatewayEvent } from '../../protocol/wire.js';
import type { Registry } from '../../common/registry.js';
import type { PollResult } from '../polling/result.js';
import type { AlertBook } from './alerts.js';
import type { Check, CheckDeps, CheckKind } from './check.js';

export interface CheckSuiteDeps {
  kinds: Registry<CheckKind>;
  /** The kinds to run, in the order they see each poll result and tick. */
  names: readonly string[];
  /** What every check is created with (the start time is added when polling starts). */
  checkDeps: Omit<CheckDeps, 'pollingSinceMs'>;
  alerts: Pick<AlertBook, 'expire'>;
  /** Where the checks' events go, in order, as soon as a check returns them. */
  events: (events: readonly GatewayEvent[]) => void;
  log: Logger;
}

export class CheckSuite {
  private readonly kinds: readonly CheckKind[];
  private running: readonly Check[] = [];

  constructor(private readonly deps: CheckSuiteDeps) {
    this.kinds = deps.names.map((n) => deps.kinds.get(n));
  }

  /** Polling starts now: the checks are created. */
  start(nowMs: number): void {
    if (this.running.length > 0) return;
    this.running = this.kinds.map((k) => k.create({ ...this.deps.checkDeps, pollingSinceMs: nowMs }));
  }

  /** The kinds running, in order. */
  get names(): string[] {
    return this.running.map((c) => c.kind);
  }

  /** A poll result, through every check in order (a check may flag readings before the next one sees them). */
  observe(result: PollResult, nowMs: number): void {
    for (const c of this.running) this.deps.events(c.observe(result, nowMs));
  }

  /** Judges what is due; a fault in a check is logged and never stops readings from being committed. */
  tick(nowMs: number): void {
    try {
      for (const c of this.running) this.deps.events(c.tick(nowMs));
      this.deps.alerts.expire();
    } catch (err) {
      this.deps.log.error({ err }, 'integrity checks failed');
    }
  }
}
