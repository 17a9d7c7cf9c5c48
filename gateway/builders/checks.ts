// The checks this gateway runs, by kind name from the registry (gateway/checks/kinds.ts), in the order
// each poll result goes through them: liveness sees every poll, the counter check flags doubted readings
// before the circuit windows take them in. An unknown or duplicate name fails at start.
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.js';
import type { Registry } from '../../common/registry.js';
import type { AlertBook } from '../checks/alerts.js';
import type { CheckKind } from '../checks/check.js';
import { checkKinds } from '../checks/kinds.js';
import { CheckSuite } from '../checks/suite.js';
import type { GatewayConfig } from '../config/schema.js';
import type { Journal } from '../outbox/journal.js';
import type { Catalogs } from '../profiles/load.js';
import type { StateStore } from '../state/state.js';

export const GATEWAY_CHECKS = ['liveness', 'counters', 'circuits'] as const;

export interface ChecksDeps {
  config: GatewayConfig;
  profiles: Catalogs;
  state: StateStore;
  clock: Clock;
  alerts: AlertBook;
  journal: Pick<Journal, 'addEvents'>;
  log: Logger;
  /** The kinds to choose from (default: every kind the gateway knows). */
  kinds?: Registry<CheckKind>;
  names?: readonly string[];
}

export function buildChecks(deps: ChecksDeps): CheckSuite {
  const { config, profiles, state, clock, alerts, journal, log } = deps;
  return new CheckSuite({
    kinds: deps.kinds ?? checkKinds(),
    names: deps.names ?? GATEWAY_CHECKS,
    checkDeps: { config, profiles, state, clock, alerts, log },
    alerts,
    events: (events) => journal.addEvents(events),
    log,
  });
}
