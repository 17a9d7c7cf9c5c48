// A bad meter never stalls the bus: 1 dead and 1 garbage-answering SDM630 among 8 on one line-timed RS-485
// bus cost the healthy six at most 10% plus the dead meter's own timeout budget, and every fault is counted.
import t from 'tap';
import type { ModbusDevice } from '../../gateway/drivers/modbus/device.js';
import { startModbusSim } from '../../sim/modbus/start.js';
import { hasSocat, needPeer, ptyPair } from '../helpers/env.js';
import { builtinProfiles, makeBus, makeDevice } from '../helpers/modbus.js';

const TIMEOUT_MS = 150;
const RETRIES = 1;

async function cycleMs(devices: readonly ModbusDevice[]): Promise<number> {
  const started = performance.now();
  await Promise.all(devices.map((d) => d.poll('full')));
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

t.test('dead and garbage meters among 8 on one bus', async (t) => {
  if (!needPeer(t, hasSocat(), 'socat')) return;
  const pty = await ptyPair();
  t.teardown(() => pty.close());
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const line = { baudRate: 38400, parity: 'even', stopBits: 1 } as const;
  const units = [1, 2, 3, 4, 5, 6, 7, 8];
  const sim = await startModbusSim({
    wire: { kind: 'serial', path: pty.a, line, lineTiming: true },
    turnaroundMs: 5,
    meters: units.map((unit) => ({ unit, profile: sdm })),
  });
  t.teardown(() => sim.close());
  const bus = makeBus({ type: 'rtu', path: pty.b, ...line });
  t.teardown(() => bus.close());
  const opts = { timeoutMs: TIMEOUT_MS, retries: RETRIES, backoffBaseMs: 60_000 };

  const healthy = await Promise.all(units.map((u) => makeDevice(bus, sdm.id, u, opts)));
  await cycleMs(healthy); // warm up
  const healthyMs = median([await cycleMs(healthy), await cycleMs(healthy), await cycleMs(healthy)]);

  sim.bank.meters.get(3)!.fault = { mode: 'dead' };
  sim.bank.meters.get(6)!.fault = { mode: 'garbage' };
  const devices = await Promise.all(units.map((u) => makeDevice(bus, sdm.id, u, opts)));
  const faultyMs = await cycleMs(devices);
  const deadBudgetMs = (1 + RETRIES) * (TIMEOUT_MS + bus.wireTimeMs(80));
  const limitMs = 1.1 * healthyMs + deadBudgetMs;
  t.ok(
    faultyMs <= limitMs,
    `cycle with faults ${faultyMs.toFixed(1)} ms <= 1.1 x ${healthyMs.toFixed(1)} + ${deadBudgetMs.toFixed(1)} = ${limitMs.toFixed(1)} ms`,
  );

  const dead = devices[2]!;
  const garbage = devices[5]!;
  t.equal(dead.counters.get('timeouts'), 1 + RETRIES, 'the dead meter timed out once per attempt');
  t.ok(garbage.counters.get('garbage') + garbage.counters.get('crc_errors') >= 1 + RETRIES, 'garbage answers counted');
  t.equal(bus.counters.get('timeouts'), 1 + RETRIES, 'bus counts the timeouts');
  t.ok(bus.counters.get('garbage') >= 1, 'bus counts garbage');

  // Second cycle: the failing meters back off and cost nothing; the healthy six read cleanly.
  const secondMs = await cycleMs(devices);
  t.ok(secondMs <= 1.1 * healthyMs, `with the failing meters backing off: ${secondMs.toFixed(1)} ms <= 1.1 x ${healthyMs.toFixed(1)} ms`);
  t.equal(dead.counters.get('skipped_backoff'), 1, 'dead meter skipped while backing off');
  for (const d of devices.filter((_, i) => i !== 2 && i !== 5)) {
    t.equal(d.counters.get('timeouts') + d.counters.get('garbage') + d.counters.get('crc_errors'), 0, `${d.id} had no faults`);
    t.notOk(d.failing, `${d.id} healthy`);
  }
});

t.test('corrupted CRCs and exceptions are counted and isolated', async (t) => {
  if (!needPeer(t, hasSocat(), 'socat')) return;
  const pty = await ptyPair();
  t.teardown(() => pty.close());
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const line = { baudRate: 115200, parity: 'none', stopBits: 1 } as const;
  const sim = await startModbusSim({
    wire: { kind: 'serial', path: pty.a, line },
    meters: [1, 2, 3].map((unit) => ({ unit, profile: sdm })),
  });
  t.teardown(() => sim.close());
  const bus = makeBus({ type: 'rtu', path: pty.b, ...line });
  t.teardown(() => bus.close());
  sim.bank.meters.get(1)!.fault = { mode: 'crc' };
  sim.bank.meters.get(2)!.fault = { mode: 'exception', code: 4 };
  const [crc, exc, ok] = await Promise.all([1, 2, 3].map((u) => makeDevice(bus, sdm.id, u, { retries: 1 })));
  const polls = await Promise.all([crc!, exc!, ok!].map((d) => d.poll('full')));
  t.equal(crc!.counters.get('crc_errors'), 2, 'CRC error on the read and its retry');
  t.equal(polls[0]!.fault?.kind, 'crc');
  t.ok(exc!.counters.get('exceptions') >= 1, 'exception counted');
  t.equal(polls[1]!.readings.length, 0, 'no values from a meter in failure');
  t.equal(polls[2]!.fault, undefined, 'the healthy meter is unaffected');
  t.ok(polls[2]!.readings.length > 0);
});
