// RTU on a real serial line (a socat pty pair) in several framings, and RTU through a serial device server.
import t from 'tap';
import { startModbusSim } from '../../sim/modbus/start.js';
import { freePort, hasSocat, needPeer, ptyPair } from '../helpers/env.js';
import { builtinProfiles, compareWithTruth, makeBus, makeDevice } from '../helpers/modbus.js';

const FROZEN_MS = Date.UTC(2026, 10, 1, 12, 0, 0);

const framings = [
  { baudRate: 9600, parity: 'even', stopBits: 1 },
  { baudRate: 19200, parity: 'none', stopBits: 2 },
  { baudRate: 115200, parity: 'none', stopBits: 1 },
  { baudRate: 1200, parity: 'odd', stopBits: 1 },
] as const;

t.test('RTU over a pty pair, several framings and meters on one line', async (t) => {
  if (!needPeer(t, hasSocat(), 'socat')) return;
  for (const line of framings) {
    await t.test(`${line.baudRate} 8${line.parity[0]!.toUpperCase()}${line.stopBits}`, async (t) => {
      const pty = await ptyPair();
      t.teardown(() => pty.close());
      const profiles = await builtinProfiles();
      const sdm = profiles.get('eastron-sdm630')!;
      const abb = profiles.get('abb-b23')!;
      const sim = await startModbusSim({
        wire: { kind: 'serial', path: pty.a, line, lineTiming: line.baudRate === 1200 },
        meters: [
          { unit: 1, profile: sdm },
          { unit: 2, profile: abb },
        ],
        now: () => FROZEN_MS,
      });
      t.teardown(() => sim.close());
      const bus = makeBus({ type: 'rtu', path: pty.b, ...line });
      t.teardown(() => bus.close());
      // At 1200 baud the SDM630's 80-register read takes ~1.6 s on the wire; the timeout is on top of that.
      for (const [unit, p] of [
        [1, sdm],
        [2, abb],
      ] as const) {
        const device = await makeDevice(bus, p.id, unit, { timeoutMs: 300 });
        const kind = line.baudRate === 1200 ? 'energy' : 'full';
        const poll = await device.poll(kind);
        t.equal(poll.fault, undefined, `${p.id}: no fault`);
        const fields = kind === 'full' ? p : { ...p, fields: p.fields.filter((f) => f.measurement.startsWith('energy')) };
        t.same(compareWithTruth(poll.readings, fields, sim.bank.meters.get(unit)!.truth(FROZEN_MS)).mismatches, [], `${p.id}: values`);
        t.equal(await device.readSerial(), sim.bank.meters.get(unit)!.serial, `${p.id}: serial`);
      }
      t.equal(bus.counters.get('crc_errors'), 0, 'no CRC errors');
    });
  }
});

t.test('RTU over TCP (serial device server)', async (t) => {
  const port = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const line = { baudRate: 19200, parity: 'even', stopBits: 1 } as const;
  const sim = await startModbusSim({
    wire: { kind: 'rtu-over-tcp', host: '127.0.0.1', port, line, lineTiming: true },
    meters: [{ unit: 7, profile: sdm }],
    now: () => FROZEN_MS,
  });
  t.teardown(() => sim.close());
  const bus = makeBus({ type: 'rtu-over-tcp', host: '127.0.0.1', port, line });
  t.teardown(() => bus.close());
  const device = await makeDevice(bus, sdm.id, 7);
  const started = performance.now();
  const poll = await device.poll('full');
  const tookMs = performance.now() - started;
  t.equal(poll.fault, undefined);
  t.same(compareWithTruth(poll.readings, sdm, sim.bank.meters.get(7)!.truth(FROZEN_MS)).mismatches, []);
  const wireMs = device.plan('full').reduce((s, r) => s + bus.wireTimeMs(r.count), 0);
  t.ok(tookMs >= wireMs, `line timing holds answers back: ${tookMs.toFixed(1)} ms >= ${wireMs.toFixed(1)} ms on the wire`);
});
