// The alert book, its raises and clears going to the journal for the next commit; and, when the outbox
// file had to be replaced at this start, the critical alert that says so (the card may be failing).
import type { Clock } from '../../common/clock.js';
import { AlertBook } from '../checks/alerts.js';
import type { GatewayConfig } from '../config/schema.js';
import type { Journal } from '../outbox/journal.js';
import type { StateStore } from '../state/state.js';

export interface AlertsDeps {
  config: Pick<GatewayConfig, 'checks'>;
  state: StateStore;
  clock: Clock;
  journal: Pick<Journal, 'addAlerts'>;
  /** Why the outbox was replaced at this start, if it was (storage's `outboxReset`). */
  outboxReset?: string;
}

export function buildAlerts({ config, state, clock, journal, outboxReset }: AlertsDeps): AlertBook {
  const alerts = new AlertBook({ state, clock, emit: (a) => journal.addAlerts(a) });
  if (outboxReset !== undefined) {
    // What the lost file held is unknown beyond its sequence range (the outbox announces that range as a gap).
    alerts.raise(
      {
        id: 'outbox-reset',
        type: 'outbox_reset',
        severity: 'critical',
        message: `outbox file unreadable (${outboxReset.slice(0, 200)}); moved aside and a fresh one started: unsent readings up to sequence ${state.data.lastSeq} may be lost; check the SD card`,
      },
      config.checks.eventAlertHoldMs,
    );
  }
  return alerts;
}
