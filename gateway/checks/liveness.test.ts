// Lost devices and frozen readings over a simulated clock, and their alerts' lifecycle.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import pino from 'pino';
import type { Reading } from '../../protocol/reading.js';
import type { Alert } from '../../protocol/wire.js';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import type { PollResult } from '../polling/result.js';
import { StateStore } from '../state/state.js';
import { AlertBook } from './alerts.js';
import { CounterCheck } from './counter-check.js';
import { alertLiveness, Liveness } from './liveness.js';

const T0 = Date.UTC(2026, 10, 1);
const devices = [
  { id: 'bb1', energyIntervalMs: 15_000 },
  { id: 'pdu-a', energyIntervalMs: 15_000 },
];

function poll(device: string, kind: 'full' | 'energy', readings: Reading[]): PollResult {
  return { device, kind, readings, durationMs: 10 };
}
const reading = (device: string, values: Reading['values'], ts = T0): Reading => ({
  device,
  channel: 'total',
  ts,
  values,
  quality: 'good',
});

async function book(clock: FakeClock) {
  const state = await StateStore.open(join(mkdtempSync(join(tmpdir(), 'jb-live-')), 'state.json'), 1);
  const emitted: Alert[] = [];
  return { state, emitted, alerts: new AlertBook({ state, clock, emit: (a) => emitted.push(...a) }) };
}

t.test('a device silent for 4 energy intervals is lost; its next reading clears it', async (t) => {
  const clock = new FakeClock(T0);
  const { emitted, alerts } = await book(clock);
  const l = new Liveness(devices, { lostAfterPolls: 4, frozenAfterMs: 900_000 }, T0);
  l.observe(poll('bb1', 'energy', [reading('bb1', { energy_import_kwh: 1 })]), T0 + 50_000);
  for (let i = 0; i < 3; i++) l.observe(poll('pdu-a', 'energy', []), T0 + 15_000 * i);
  l.observe({ ...poll('pdu-a', 'energy', []), skipped: 'backoff' }, T0 + 50_000);
  alertLiveness(l, alerts, T0 + 60_001, devices);
  t.same(emitted, [], 'three failed polls and a backoff pause: not lost yet');
  l.observe(poll('pdu-a', 'energy', []), T0 + 60_000);
  alertLiveness(l, alerts, T0 + 60_000, devices);
  t.same(emitted, [], 'four failed polls, but 60 s of silence is not more than 4 intervals');
  alertLiveness(l, alerts, T0 + 60_001, devices);
  t.same(
    emitted.map((a) => `${a.state} ${a.id} ${a.values?.silentS}`),
    ['raised lost:pdu-a 60'],
    'a device that never answered, from the start',
  );
  alertLiveness(l, alerts, T0 + 120_000, devices);
  t.equal(emitted.filter((a) => a.id === 'lost:pdu-a').length, 1, 'raised once while it stays away');
  t.notOk(
    emitted.some((a) => a.id === 'lost:bb1'),
    'bb1 is silent for 70 s but was not polled in vain: not lost',
  );
  l.observe(poll('pdu-a', 'full', [reading('pdu-a', { power_w: 10 })]), T0 + 121_000);
  alertLiveness(l, alerts, T0 + 121_000, devices);
  t.same(
    emitted.map((a) => `${a.state} ${a.id}`),
    ['raised lost:pdu-a', 'cleared lost:pdu-a'],
  );
  t.equal(emitted[1]!.message, 'pdu-a gives readings again');
  alertLiveness(l, alerts, T0 + 50_000 + 600_001, devices);
  t.match(emitted.at(-1), { id: 'lost:bb1', state: 'raised' }, 'silent ten times too long, polled or not (a poller that stopped): lost');
});

t.test('identical readings under load are frozen; idle ones are not', async (t) => {
  const clock = new FakeClock(T0);
  const { emitted, alerts } = await book(clock);
  const l = new Liveness(devices, { lostAfterPolls: 4, frozenAfterMs: 120_000 }, T0);
  const same = [reading('bb1', { power_w: 5012.5, current_a: 21.8, voltage_v: 229.9 })];
  for (let i = 0; i < 2; i++) l.observe(poll('bb1', 'full', same), T0 + i * 150_000);
  t.same(l.frozen(), [], 'two polls prove nothing, however far apart');
  l.observe(poll('bb1', 'full', same), T0 + 170_000);
  for (let i = 0; i < 5; i++)
    l.observe(poll('pdu-a', 'full', [reading('pdu-a', { power_w: 0, current_a: 0, voltage_v: 230 })]), T0 + i * 60_000);
  l.observe(poll('bb1', 'energy', [reading('bb1', { energy_import_kwh: 9 })]), T0 + 160_000);
  alertLiveness(l, alerts, T0 + 180_000, devices);
  t.same(
    emitted.map((a) => `${a.state} ${a.id} ${a.values?.polls} ${a.values?.minutes}`),
    ['raised frozen:bb1 3 3'],
    'energy polls do not interrupt the count',
  );
  l.observe(poll('bb1', 'full', [reading('bb1', { power_w: 5013.1, current_a: 21.8, voltage_v: 229.9 })]), T0 + 181_000);
  alertLiveness(l, alerts, T0 + 181_000, devices);
  t.same(
    emitted.map((a) => `${a.state} ${a.id}`),
    ['raised frozen:bb1', 'cleared frozen:bb1'],
  );
});

t.test('counter verdicts raise alerts: reset and swap held for a while, doubts cleared by a normal reading', async (t) => {
  const clock = new FakeClock(T0);
  const { state, emitted, alerts } = await book(clock);
  const check = new CounterCheck({
    state,
    alerts,
    eventAlertHoldMs: 3_600_000,
    log: pino({ level: 'silent' }),
    specFor: () => ({ resolutionKwh: 0.01, rolloverKwh: 42_949_672.96 }),
    maxPowerFor: (device) => (device === 'pdu-a' ? 7360 : undefined),
  });
  const at = (device: string, ts: number, kwh: number, serial = 'S1', powerW = 2000) =>
    check.observe({
      device,
      kind: 'full',
      durationMs: 1,
      identities: [{ device, serial }],
      readings: [reading(device, { energy_import_kwh: kwh, power_w: powerW }, ts)],
    });
  at('pdu-a', T0, 100);
  at('pdu-a', T0 + 60_000, 100.03);
  at('pdu-a', T0 + 120_000, 3.2, 'S2');
  t.same(
    emitted.map((a) => `${a.type} ${a.id}`),
    ['device_swap swap:pdu-a'],
  );
  t.equal(
    emitted[0]!.message,
    'pdu-a was exchanged (serial S1 → S2): total energy_import_kwh went from 100.03 to 3.2 kWh; billing continues in a new epoch',
  );
  t.match(emitted[0]!.values, { oldKwh: 100.03, newKwh: 3.2 });
  at('pdu-a', T0 + 180_000, 9.2, 'S2');
  t.match(
    emitted.at(-1),
    { type: 'counter_jump', id: 'counter:pdu-a:total:energy_import_kwh', state: 'raised' },
    '6 kWh in a minute on a 32 A inlet',
  );
  t.ok(check && state.data.counters['pdu-a|total|energy_import_kwh'], 'remembered');
  at('pdu-a', T0 + 240_000, 9.23, 'S2');
  t.match(emitted.at(-1), { id: 'counter:pdu-a:total:energy_import_kwh', state: 'cleared' }, 'a normal reading clears the doubt');
  await clock.advance(3_600_000, 3_600_000);
  alerts.expire();
  t.match(emitted.at(-1), { id: 'swap:pdu-a', state: 'cleared' }, 'the swap alert clears after its hold');
  t.same(alerts.active(), []);
});
