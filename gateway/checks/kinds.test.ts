// The check registry: the root picks checks by kind name; unknown and duplicate names fail loudly, at
// build time; the checks run in the listed order once polling starts, and a faulty one is logged.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import t from 'tap';
import type { GatewayEvent } from '../../protocol/wire.js';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import { quietLog } from '../../test/helpers/env.js';
import { builtinCatalogs } from '../../test/helpers/snmp.js';
import { buildChecks, GATEWAY_CHECKS } from '../builders/checks.js';
import { GatewayConfig } from '../config/schema.js';
import { Journal } from '../outbox/journal.js';
import { StateStore } from '../state/state.js';
import { AlertBook } from './alerts.js';
import type { CheckKind } from './check.js';
import { checkKinds, counterKind } from './kinds.js';

const T0 = Date.UTC(2026, 10, 1);
const config = GatewayConfig.parse({
  gateway: { id: 'gw1', site: 's', room: 'r' },
  buses: [{ id: 'b', type: 'tcp', host: '127.0.0.1' }],
  devices: [{ id: 'bb', bus: 'b', unit: 1, profile: 'eastron-sdm630' }],
});

async function parts() {
  const clock = new FakeClock(T0);
  const state = await StateStore.open(join(mkdtempSync(join(tmpdir(), 'jb-checks-')), 'state.json'), 1);
  const journal = new Journal();
  const alerts = new AlertBook({ state, clock, emit: (a) => journal.addAlerts(a) });
  return { config, profiles: await builtinCatalogs(), state, clock, alerts, journal, log: quietLog };
}

t.test('unknown and duplicate kinds fail loudly', async (t) => {
  t.throws(() => checkKinds().get('phase-sums'), /unknown check kind "phase-sums" \(known: liveness, counters, circuits\)/);
  t.throws(() => checkKinds().register('counters', counterKind), /check kind "counters" is registered twice/);
  const p = await parts();
  t.throws(
    () => buildChecks({ ...p, names: ['liveness', 'frozen'] }),
    /unknown check kind "frozen"/,
    'when the gateway is built, not when polling starts',
  );
});

t.test('the configured checks are created when polling starts, in order', async (t) => {
  const checks = buildChecks(await parts());
  t.same(checks.names, [], 'none before polling starts');
  checks.start(T0);
  t.same(checks.names, [...GATEWAY_CHECKS]);
  checks.start(T0 + 1000);
  t.same(checks.names, [...GATEWAY_CHECKS], 'started once');
});

t.test('events go out in check order; a faulty tick is logged and the rest of the commit goes on', async (t) => {
  const p = await parts();
  const event = (deltaMs: number): GatewayEvent => ({ type: 'clock_jump', ts: T0, deltaMs });
  const kind = (name: string, deltaMs: number, fail = false): CheckKind => ({
    kind: name,
    create: () => ({
      kind: name,
      observe: () => [event(deltaMs)],
      tick: () => {
        if (fail) throw new Error('boom');
        return [event(-deltaMs)];
      },
    }),
  });
  const kinds = checkKinds()
    .register('a', kind('a', 1))
    .register('b', kind('b', 2, true));
  const logged: string[] = [];
  const log = pino(
    { level: 'error' },
    {
      write: (line: string) => {
        logged.push((JSON.parse(line) as { msg: string }).msg);
      },
    },
  );
  const checks = buildChecks({ ...p, kinds, names: ['a', 'b'], log });
  checks.start(T0);
  checks.observe({ device: 'bb', kind: 'energy', readings: [], durationMs: 1 }, T0);
  checks.tick(T0);
  t.same(
    p.journal.takeEvents().map((e) => (e.type === 'clock_jump' ? e.deltaMs : 0)),
    [1, 2, -1],
    'observed by a then b; a ticked before b failed',
  );
  t.same(logged, ['integrity checks failed']);
});
