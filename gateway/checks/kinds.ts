// The gateway's check kinds, each registered once under its name: counter epochs (resets, swaps,
// rollovers, doubted readings), circuits (phase sums, balance, load, wiring) and liveness (lost devices,
// frozen readings). The composition root creates the ones it runs by name; an unknown or duplicate
// name fails loudly.
import { Registry } from '../../common/registry.js';
import type { CheckKind } from './check.js';
import { CircuitCheck } from './circuit-check.js';
import { CounterCheck } from './counter-check.js';
import { alertLiveness, Liveness } from './liveness.js';
import { counterSpecs, ratedPowers } from './specs.js';

export const livenessKind: CheckKind = {
  kind: 'liveness',
  create: ({ config, alerts, pollingSinceMs }) => {
    const watched = [...config.devices, ...config.snmp.pdus];
    const liveness = new Liveness(watched, config.checks, pollingSinceMs);
    return {
      kind: 'liveness',
      observe: (result, nowMs) => {
        liveness.observe(result, nowMs);
        return [];
      },
      tick: (nowMs) => {
        alertLiveness(liveness, alerts, nowMs, watched);
        return [];
      },
    };
  },
};

export const counterKind: CheckKind = {
  kind: 'counters',
  create: ({ config, profiles, state, alerts, log }) => {
    const counters = new CounterCheck({
      state,
      specFor: counterSpecs(config, profiles),
      maxPowerFor: ratedPowers(config),
      alerts,
      eventAlertHoldMs: config.checks.eventAlertHoldMs,
      log: log.child({ area: 'checks' }),
    });
    return {
      kind: 'counters',
      // Flags the readings it doubts in place, before they are stored.
      observe: (result) => (result.readings.length > 0 ? counters.observe(result) : []),
      tick: () => [],
    };
  },
};

export const circuitKind: CheckKind = {
  kind: 'circuits',
  create: ({ config, alerts }) => {
    const circuits = new CircuitCheck({ topology: config.topology, checks: config.checks, alerts });
    return {
      kind: 'circuits',
      observe: (result) => {
        if (result.readings.length > 0) circuits.observe(result.readings);
        return [];
      },
      tick: (nowMs) => {
        circuits.tick(nowMs);
        return [];
      },
    };
  },
};

/** Every check kind the gateway knows, by name. */
export function checkKinds(): Registry<CheckKind> {
  return new Registry<CheckKind>('check kind')
    .register(livenessKind.kind, livenessKind)
    .register(counterKind.kind, counterKind)
    .register(circuitKind.kind, circuitKind);
}
