// The gateway's alerts: each condition has a stable id, is raised once, cleared once, and kept in the
// gateway state meanwhile, so a restart neither forgets an active alert nor raises it again. Every raise
// and clear goes out on the alerts topic (through the outbox); the set of active ones is retained.
import type { Alert } from '../../protocol/wire.js';
import type { Clock } from '../../common/clock.js';
import type { StateStore } from '../state/state.js';

export interface ActiveAlert extends Alert {
  /** One-time alerts (a counter reset, a device swap) clear themselves at this time. */
  holdUntil?: number;
}

export type NewAlert = Omit<Alert, 'state' | 'ts' | 'since'>;

export interface AlertBookDeps {
  state: StateStore;
  clock: Clock;
  /** Called with every raise and clear, in order. */
  emit: (alerts: Alert[]) => void;
}

export class AlertBook {
  constructor(private readonly deps: AlertBookDeps) {}

  /** Raises the condition unless it is already active with the same severity; the numbers are refreshed silently. */
  raise(a: NewAlert, holdMs?: number): void {
    const now = this.deps.clock.now();
    const prev = this.deps.state.data.alerts[a.id];
    const hold = holdMs !== undefined ? { holdUntil: now + holdMs } : {};
    if (prev && prev.severity === a.severity) {
      this.deps.state.update((s) => {
        s.alerts[a.id] = { ...prev, ...a, ...hold };
      });
      return;
    }
    const alert: Alert = { ...a, state: 'raised', ts: now, since: prev?.since ?? now };
    this.deps.state.update((s) => {
      s.alerts[a.id] = { ...alert, ...hold };
    });
    this.deps.emit([alert]);
  }

  /** Clears the condition if it is active; `message` says why it is over. */
  clear(id: string, message?: string, values?: Record<string, number>): void {
    const prev = this.deps.state.data.alerts[id];
    if (!prev) return;
    const alert: Alert = {
      ...withoutHold(prev),
      state: 'cleared',
      ts: this.deps.clock.now(),
      ...(message ? { message } : {}),
      ...(values ? { values } : {}),
    };
    this.deps.state.update((s) => {
      delete s.alerts[id];
    });
    this.deps.emit([alert]);
  }

  isActive(id: string): boolean {
    return id in this.deps.state.data.alerts;
  }

  /** Clears one-time alerts whose hold has passed. */
  expire(): void {
    const now = this.deps.clock.now();
    for (const a of Object.values(this.deps.state.data.alerts)) {
      if (a.holdUntil !== undefined && a.holdUntil <= now) this.clear(a.id);
    }
  }

  active(): Alert[] {
    return Object.values(this.deps.state.data.alerts).map(withoutHold);
  }
}

function withoutHold(a: ActiveAlert): Alert {
  const copy = { ...a };
  delete copy.holdUntil;
  return copy;
}
