// Every profile, read from its simulator over Modbus TCP: all fields decode to the simulated truth,
// the serial comes back, and scan names every meter's profile when all of them share one bus.
import t from 'tap';
import { scanBus } from '../../gateway/drivers/modbus/scan.js';
import { systemClock } from '../../common/clock.js';
import { startModbusSim } from '../../sim/modbus/start.js';
import { freePort, quietLog } from '../helpers/env.js';
import { builtinProfiles, compareWithTruth, makeBus, makeDevice } from '../helpers/modbus.js';

const FROZEN_MS = Date.UTC(2026, 10, 1, 12, 0, 0);

t.test('every profile reads back its simulator exactly', async (t) => {
  const profiles = [...(await builtinProfiles()).values()];
  t.ok(profiles.length >= 7, `${profiles.length} profiles`);
  const port = await freePort();
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port },
    meters: profiles.map((p, i) => ({ unit: i + 1, profile: p })),
    now: () => FROZEN_MS,
  });
  t.teardown(() => sim.close());
  const bus = makeBus({ type: 'tcp', host: '127.0.0.1', port });
  t.teardown(() => bus.close());
  for (const [i, p] of profiles.entries()) {
    const device = await makeDevice(bus, p.id, i + 1);
    const poll = await device.poll('full');
    t.equal(poll.fault, undefined, `${p.id}: no fault`);
    const meter = sim.bank.meters.get(i + 1)!;
    const cmp = compareWithTruth(poll.readings, p, meter.truth(FROZEN_MS));
    t.same(cmp.mismatches, [], `${p.id}: ${cmp.checked} values equal the truth`);
    t.equal(cmp.checked, p.fields.length, `${p.id}: every field read`);
    if (p.serial.length > 0) t.equal(await device.readSerial(), meter.serial, `${p.id}: serial`);
    const naive = p.fields.length;
    t.ok(device.plan('full').length <= naive, `${p.id}: ${device.plan('full').length} reads instead of ${naive}`);
  }
});

t.test('scan identifies every profile among all of them on one bus', async (t) => {
  const profiles = [...(await builtinProfiles()).values()];
  const port = await freePort();
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port },
    meters: profiles.map((p, i) => ({ unit: i + 1, profile: p })),
  });
  t.teardown(() => sim.close());
  const bus = makeBus({ type: 'tcp', host: '127.0.0.1', port });
  t.teardown(() => bus.close());
  const units = [...profiles.keys()].map((i) => i + 1).concat([profiles.length + 1]);
  const hits = await scanBus({ bus, profiles: await builtinProfiles(), clock: systemClock, log: quietLog }, units, 150);
  t.equal(hits.length, profiles.length, 'the absent unit is not listed');
  for (const [i, p] of profiles.entries()) {
    const hit = hits.find((h) => h.unit === i + 1);
    t.equal(hit?.profile, p.id, `unit ${i + 1} is ${p.id}`);
    if (p.serial.length > 0) t.equal(hit?.serial, sim.bank.meters.get(i + 1)!.serial, `unit ${i + 1} serial`);
    t.ok((hit?.readings.length ?? 0) > 0, `unit ${i + 1} has a first reading`);
  }
});
