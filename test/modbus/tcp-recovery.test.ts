// Modbus TCP: late answers are discarded by transaction id (never off by one), a gateway that has fallen
// out of step is reconnected, a vanished server is reopened with backoff, and refused merged reads are split.
import t from 'tap';
import { startModbusSim } from '../../sim/modbus/start.js';
import { freePort } from '../helpers/env.js';
import { builtinProfiles, compareWithTruth, makeBus, makeDevice } from '../helpers/modbus.js';
import { waitFor } from '../helpers/wait.js';

const FROZEN_MS = Date.UTC(2026, 10, 1, 12, 0, 0);

t.test('a late answer after a timeout is dropped, not taken for the next request', async (t) => {
  const port = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port },
    meters: [
      { unit: 1, profile: sdm },
      { unit: 2, profile: sdm, seed: 99 },
    ],
    now: () => FROZEN_MS,
  });
  t.teardown(() => sim.close());
  const bus = makeBus({ type: 'tcp', host: '127.0.0.1', port });
  t.teardown(() => bus.close());
  const slow = await makeDevice(bus, sdm.id, 1, { timeoutMs: 100, retries: 0 });
  const other = await makeDevice(bus, sdm.id, 2, { timeoutMs: 1000 });
  sim.bank.meters.get(1)!.fault = { mode: 'slow', delayMs: 250 };
  const p1 = await slow.poll('energy');
  t.equal(p1.fault?.kind, 'timeout', 'the slow answer timed out');
  sim.bank.meters.get(1)!.fault = { mode: 'none' };
  // The next request on the same connection must get its own answer, not unit 1's late one.
  const p2 = await other.poll('full');
  t.equal(p2.fault, undefined);
  t.same(compareWithTruth(p2.readings, sdm, sim.bank.meters.get(2)!.truth(FROZEN_MS)).mismatches, [], 'unit 2 values are its own');
  t.equal(bus.counters.get('stale_frames') + bus.counters.get('unexpected_bytes') > 0, true, 'the late answer was seen and dropped');
});

t.test('transaction ids out of step: detected, connection reopened, reads recover', async (t) => {
  const port = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port },
    meters: [{ unit: 1, profile: sdm }],
    now: () => FROZEN_MS,
  });
  t.teardown(() => sim.close());
  const bus = makeBus({ type: 'tcp', host: '127.0.0.1', port, maxStaleFrames: 2 });
  t.teardown(() => bus.close());
  const device = await makeDevice(bus, sdm.id, 1, { timeoutMs: 150, retries: 0 });
  t.equal((await device.poll('energy')).fault, undefined, 'in step at first');
  sim.bank.meters.get(1)!.fault = { mode: 'lag' };
  for (let i = 0; i < 4; i++) await device.poll('energy');
  t.ok(bus.counters.get('desyncs') >= 1, `desync detected (${bus.counters.get('desyncs')})`);
  sim.bank.meters.get(1)!.fault = { mode: 'none' };
  const ok = await device.poll('full');
  t.equal(ok.fault, undefined, 'reads again after the reconnect');
  t.same(compareWithTruth(ok.readings, sdm, sim.bank.meters.get(1)!.truth(FROZEN_MS)).mismatches, []);
  t.ok(bus.counters.get('reconnects') >= 1, 'reconnected');
});

t.test('a server that goes away and comes back', async (t) => {
  const port = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  let sim = await startModbusSim({ wire: { kind: 'tcp', host: '127.0.0.1', port }, meters: [{ unit: 1, profile: sdm }] });
  const bus = makeBus({ type: 'tcp', host: '127.0.0.1', port, connectTimeoutMs: 500 });
  t.teardown(() => bus.close());
  const device = await makeDevice(bus, sdm.id, 1, { retries: 0 });
  t.equal((await device.poll('energy')).fault, undefined);
  await sim.close();
  const down = await device.poll('energy');
  t.equal(down.fault?.kind, 'link', 'link fault while the server is away');
  const started = performance.now();
  const again = await device.poll('energy');
  t.ok(performance.now() - started < 50, 'a down link fails fast during its backoff instead of stalling');
  t.ok(again.skipped === 'backoff' || again.fault?.kind === 'link');
  sim = await startModbusSim({ wire: { kind: 'tcp', host: '127.0.0.1', port }, meters: [{ unit: 1, profile: sdm }] });
  t.teardown(() => sim.close());
  let recovered = false;
  await waitFor(
    async () => {
      const p = await device.poll('energy');
      recovered = !p.fault && !p.skipped && p.readings.length > 0;
      return recovered;
    },
    { timeoutMs: 15_000, what: 'a good poll once the server is back', intervalMs: 100 },
  );
  t.ok(recovered, 'reads again once the server is back');
  t.ok(bus.counters.get('reconnects') >= 1);
});

t.test('a merged read refused as illegal address is split, and the split is remembered', async (t) => {
  const port = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port },
    meters: [{ unit: 1, profile: sdm }],
    strictAddresses: true,
    now: () => FROZEN_MS,
  });
  t.teardown(() => sim.close());
  const bus = makeBus({ type: 'tcp', host: '127.0.0.1', port });
  t.teardown(() => bus.close());
  const device = await makeDevice(bus, sdm.id, 1);
  const planned = device.plan('full').length;
  const first = await device.poll('full');
  t.same(compareWithTruth(first.readings, sdm, sim.bank.meters.get(1)!.truth(FROZEN_MS)).mismatches, [], 'all values despite the refusals');
  t.ok(device.counters.get('splits') > 0, `${device.counters.get('splits')} splits`);
  const learned = device.plan('full').length;
  t.ok(learned > planned, `plan grew from ${planned} to ${learned} reads`);
  const exceptionsBefore = device.counters.get('exceptions');
  const second = await device.poll('full');
  t.equal(device.counters.get('exceptions'), exceptionsBefore, 'the second poll uses the plan that works: no exceptions');
  t.equal(second.readings.length, first.readings.length);
});
