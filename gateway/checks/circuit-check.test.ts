// The circuit checks over simulated minutes: a PDU that hangs on another phase than declared makes two
// phase sums fail; the alerts rise after the hysteresis, the wiring inference names the PDU, and all of
// it clears when the wiring is right again. The active alerts survive a restart without being repeated.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Reading } from '../../protocol/reading.js';
import type { Alert } from '../../protocol/wire.js';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import { StateStore } from '../state/state.js';
import { ChecksConfig, Topology } from '../config/topology.js';
import { AlertBook } from './alerts.js';
import { CircuitCheck } from './circuit-check.js';

const topology = Topology.parse({
  circuits: [
    {
      id: 'busbar-b2',
      meter: 'bb2',
      ratingA: 63,
      phases: { L1: [{ device: 'pdu-a' }, { device: 'pdu-b', ratingA: 16 }], L2: [{ device: 'pdu-c' }], L3: [{ device: 'pdu-d' }] },
    },
  ],
});
const checks = ChecksConfig.parse({});
const MIN = 60_000;

/** One minute of readings; `bOn` is where pdu-b really draws from. */
function minute(startMs: number, i: number, bOn: 'l1' | 'l3', bA = 9): Reading[] {
  const wave = (base: number, k: number) => base + 400 * Math.sin(i * k);
  const w = { a: wave(3000, 0.7), b: wave(bA * 230, 1.3), c: wave(5000, 0.4), d: wave(5000, 0.9) };
  const meter = { l1: w.a + (bOn === 'l1' ? w.b : 0), l2: w.c, l3: w.d + (bOn === 'l3' ? w.b : 0) };
  const r = (device: string, channel: string, powerW: number): Reading => ({
    device,
    channel,
    ts: startMs + 2000,
    values: { power_w: powerW, current_a: powerW / 230 },
    quality: 'good',
  });
  return [
    r('bb2', 'l1', meter.l1),
    r('bb2', 'l2', meter.l2),
    r('bb2', 'l3', meter.l3),
    r('pdu-a', 'total', w.a),
    r('pdu-b', 'total', w.b),
    r('pdu-c', 'total', w.c),
    r('pdu-d', 'total', w.d),
  ];
}

async function to(clock: FakeClock, ms: number): Promise<void> {
  await clock.advance(ms - clock.now(), ms - clock.now());
}

async function rig(dir: string, clock: FakeClock, c = checks) {
  const state = await StateStore.open(join(dir, 'state.json'), 1);
  const emitted: Alert[] = [];
  const alerts = new AlertBook({ state, clock, emit: (a) => emitted.push(...a) });
  return { state, emitted, alerts, check: new CircuitCheck({ topology, checks: c, alerts }) };
}

t.test('a mis-wired PDU: sum alerts with hysteresis, the wiring named, all cleared when fixed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-circuit-'));
  const clock = new FakeClock(Date.UTC(2026, 10, 1));
  // The moved PDU also unbalances the phases; that alert is tested on its own below.
  const only = ChecksConfig.parse({ imbalancePct: 100 });
  let { state, emitted, alerts, check } = await rig(dir, clock, only);
  let i = 0;
  const run = async (minutes: number, bOn: 'l1' | 'l3', bA?: number) => {
    for (let k = 0; k < minutes; k++, i++) {
      const start = Math.floor(clock.now() / MIN) * MIN;
      check.observe(minute(start, i, bOn, bA));
      await to(clock, start + MIN + checks.graceMs);
      check.tick(clock.now());
    }
  };
  await run(5, 'l1');
  t.same(emitted, [], 'a correctly wired circuit raises nothing');

  await run(2, 'l3');
  t.same(emitted, [], 'two bad windows: not yet');
  await run(1, 'l3');
  t.same(
    emitted.map((a) => `${a.state} ${a.id}`),
    ['raised phase_sum:busbar-b2:L1', 'raised phase_sum:busbar-b2:L3'],
    'raised on the third bad window',
  );
  const l1 = emitted[0]!;
  t.match(l1.message, /^loads on busbar-b2 L1 sum \d+% above the meter/);
  t.ok(l1.values!.loadsW! > l1.values!.meterW!, `loads ${l1.values!.loadsW} W, meter ${l1.values!.meterW} W, diff ${l1.values!.diffW} W`);
  t.equal(l1.values!.diffW, Math.round((l1.values!.meterW! - l1.values!.loadsW!) * 100) / 100);

  await run(8, 'l3');
  const wiring = emitted.find((a) => a.type === 'wiring_suspect');
  t.ok(wiring, 'the inference names a PDU once enough windows are seen');
  t.match(wiring, { id: 'wiring:busbar-b2:pdu-b:total', device: 'pdu-b', severity: 'warning', state: 'raised' });
  t.equal(wiring!.message.split(';')[0], 'pdu-b total is declared on busbar-b2 L1');
  t.match(wiring!.message, /its load follows L3/);
  t.equal(emitted.filter((a) => a.type === 'wiring_suspect').length, 1, 'raised once');

  // Restart: the active alerts come back from the state, and are not raised again.
  await state.flush();
  ({ state, emitted, alerts, check } = await rig(dir, clock, only));
  t.same(
    alerts
      .active()
      .map((a) => a.id)
      .sort(),
    ['phase_sum:busbar-b2:L1', 'phase_sum:busbar-b2:L3', 'wiring:busbar-b2:pdu-b:total'],
  );
  await run(4, 'l3');
  t.same(emitted, [], 'still failing after the restart: nothing repeated');

  await run(2, 'l1');
  t.same(emitted, [], 'two good windows: not yet cleared');
  await run(1, 'l1');
  t.same(emitted.map((a) => `${a.state} ${a.id}`).sort(), [
    'cleared phase_sum:busbar-b2:L1',
    'cleared phase_sum:busbar-b2:L3',
    'cleared wiring:busbar-b2:pdu-b:total',
  ]);
  t.same(alerts.active(), []);
  t.ok(
    emitted.every((a) => a.since !== undefined && a.since < a.ts),
    'a cleared alert says since when it was raised',
  );
});

t.test('load against the rating: warning, then critical, then cleared', async (t) => {
  const clock = new FakeClock(Date.UTC(2026, 10, 1));
  const { emitted, check } = await rig(mkdtempSync(join(tmpdir(), 'jb-load-')), clock);
  let i = 0;
  const run = async (minutes: number, bA: number) => {
    for (let k = 0; k < minutes; k++, i++) {
      const start = Math.floor(clock.now() / MIN) * MIN;
      // Steady load, so the PDU's current is bA exactly.
      check.observe(
        minute(start, 0, 'l1', bA).map((r) => (r.device === 'pdu-b' ? { ...r, values: { power_w: bA * 230, current_a: bA } } : r)),
      );
      await to(clock, start + MIN + checks.graceMs);
      check.tick(clock.now());
    }
  };
  await run(3, 13.5);
  t.same(
    emitted.map((a) => `${a.severity} ${a.id}`),
    ['warning load:pdu-b:total'],
    '13.5 A on a 16 A inlet is 84%',
  );
  t.match(emitted[0]!.message, 'pdu-b total draws 13.5 A, 84% of its 16 A rating');
  await run(1, 16.5);
  t.same(
    emitted.map((a) => `${a.severity} ${a.state}`),
    ['warning raised', 'critical raised'],
    'raised again as critical',
  );
  await run(3, 8);
  t.equal(emitted.at(-1)!.state, 'cleared');
  t.equal(i, 7);
});

t.test('imbalance of the circuit', async (t) => {
  const clock = new FakeClock(Date.UTC(2026, 10, 1));
  const { emitted, check } = await rig(mkdtempSync(join(tmpdir(), 'jb-imb-')), clock);
  for (let k = 0; k < 3; k++) {
    const start = Math.floor(clock.now() / MIN) * MIN;
    const r = (channel: string, a: number): Reading => ({
      device: 'bb2',
      channel,
      ts: start + 1000,
      values: { current_a: a },
      quality: 'good',
    });
    check.observe([r('l1', 30), r('l2', 12), r('l3', 18)]);
    await to(clock, start + MIN + checks.graceMs);
    check.tick(clock.now());
  }
  t.same(
    emitted.map((a) => a.id),
    ['imbalance:busbar-b2'],
  );
  t.equal(emitted[0]!.message, 'phase currents of busbar-b2 50% out of balance (L1 30.0 A, L2 12.0 A, L3 18.0 A)');
  t.equal(check.judged, 3);
});
