// One shape for every integrity check of the gateway: it sees each poll result as it comes (`observe`)
// and is asked to judge on the commit clock (`tick`); both return the events to publish. Alerts go
// through the alert book the check is given: the book keeps each alert's raise-once, clear-once state in
// the gateway state, so a restart neither forgets nor repeats one, and its raises and clears reach the
// outbox in the order they happened. Check kinds register in a registry (checks/kinds.ts).
import type { Logger } from 'pino';
import type { GatewayEvent } from '../../protocol/wire.js';
import type { Clock } from '../../common/clock.js';
import type { GatewayConfig } from '../config/schema.js';
import type { PollResult } from '../polling/result.js';
import type { Catalogs } from '../profiles/load.js';
import type { StateStore } from '../state/state.js';
import type { AlertBook } from './alerts.js';

export interface Check {
  readonly kind: string;
  /** Every poll result, in the order the polls end (empty and skipped ones too); returns the events it found. */
  observe(result: PollResult, nowMs: number): GatewayEvent[];
  /** Judges what is due at `nowMs` (closed windows, silent devices); returns the events it found. */
  tick(nowMs: number): GatewayEvent[];
}

export interface CheckDeps {
  config: GatewayConfig;
  profiles: Catalogs;
  state: StateStore;
  clock: Clock;
  alerts: AlertBook;
  log: Logger;
  /** When polling started (the clock became plausible): a device is silent from here, not from the process start. */
  pollingSinceMs: number;
}

export interface CheckKind {
  kind: string;
  create(deps: CheckDeps): Check;
}
