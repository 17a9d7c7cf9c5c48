// Interoperability with modbus-serial (npm), a Modbus stack written by others in the same language as ours:
// its client reads our simulator over TCP and over RTU on a pty pair; our client and scan read its ServerTCP.
// Addresses are the datasheets', written here by hand, so a slip in a profile or in our framing shows up.
import t, { type Test } from 'tap';
import { systemClock } from '../../common/clock.js';
import { scanBus } from '../../gateway/drivers/modbus/scan.js';
import { startModbusSim } from '../../sim/modbus/start.js';
import { freePort, hasSocat, needPeer, quietLog } from '../helpers/env.js';
import { abbB23OnPty, builtinProfiles, makeBus, makeDevice } from '../helpers/modbus.js';
import {
  B23_SERIAL,
  B23_VALUES,
  CLIENT_TIMEOUT_MS,
  ModbusRTU,
  exceptionOf,
  serveB23,
  shutClient,
  type ModbusClient,
} from './modbus-serial-peer.js';

const FROZEN_MS = Date.UTC(2026, 10, 1, 12, 0, 0);

function newClient(t: Test, unit: number): ModbusClient {
  const client = new ModbusRTU();
  client.setID(unit);
  client.setTimeout(CLIENT_TIMEOUT_MS); // no default: without it a lost answer waits forever
  t.teardown(() => shutClient(client));
  return client;
}

t.test('modbus-serial reads our SDM630 simulator over TCP at the datasheet addresses', async (t) => {
  const port = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port },
    meters: [{ unit: 1, profile: sdm }],
    now: () => FROZEN_MS,
  });
  t.teardown(() => sim.close());
  const truth = sim.bank.meters.get(1)!.truth(FROZEN_MS);
  const client = newClient(t, 1);
  await client.connectTCP('127.0.0.1', { port });

  // Eastron SDM630 protocol v2.0: input registers 30001.. as float32, most significant word first. The
  // simulator stores float32(truth), so the float read back equals Math.fround(truth) exactly.
  const f32 = (b: Buffer, i: number) => b.readFloatBE(i * 4);
  const volts = (await client.readInputRegisters(0x0000, 6)).buffer;
  for (let i = 0; i < 3; i++)
    t.equal(f32(volts, i), Math.fround(truth[`l${i + 1}`]!.voltage_v!), `L${i + 1} voltage at 0x${(i * 2).toString(16).padStart(4, '0')}`);
  const freqEnergy = (await client.readInputRegisters(0x0046, 4)).buffer;
  t.equal(f32(freqEnergy, 0), Math.fround(truth.total!.frequency_hz!), 'frequency at 0x0046');
  t.equal(f32(freqEnergy, 1), Math.fround(truth.total!.energy_import_kwh!), 'import energy at 0x0048');
  t.equal(f32((await client.readInputRegisters(0x0034, 2)).buffer, 0), Math.fround(truth.total!.power_w!), 'total power at 0x0034');
  t.equal(
    String((await client.readHoldingRegisters(0xfc00, 2)).buffer.readUInt32BE(0)),
    sim.bank.meters.get(1)!.serial,
    'serial number at holding 0xFC00',
  );

  t.equal(
    await exceptionOf(client.readInputRegisters(1000, 1)),
    2,
    'an unmapped input register answers exception 2 (illegal data address)',
  );
  t.equal(await exceptionOf(client.readHoldingRegisters(0x0000, 2)), 2, 'the SDM630 has no holding register 0x0000: exception 2');
  t.ok(f32((await client.readInputRegisters(0x0046, 2)).buffer, 0) > 45, 'the connection still answers after the exceptions');
});

t.test('modbus-serial reads our ABB B23 simulator over RTU on a pty pair, even parity', async (t) => {
  if (!needPeer(t, hasSocat(), 'socat')) return;
  const { pty, sim } = await abbB23OnPty(t, 5, FROZEN_MS);
  const meter = sim.bank.meters.get(5)!;
  const truth = meter.truth(FROZEN_MS);
  const serialLine = { baudRate: 19200, parity: 'even', dataBits: 8, stopBits: 1 } as const;

  // Both of modbus-serial's RTU transports: the buffered one frames by expected length, the plain one by the
  // serialport stream; each opens the line, reads and closes it before the next opens it.
  for (const transport of ['connectRTUBuffered', 'connectRTU'] as const) {
    await t.test(transport, async (t) => {
      const client = newClient(t, 5);
      await client[transport](pty.b, serialLine);
      // ABB B23: import energy at 0x5000 as u64 in 0.01 kWh, export at 0x5004 (vic abb.py).
      const energy = (await client.readHoldingRegisters(0x5000, 8)).buffer;
      t.equal(
        energy.readBigUInt64BE(0),
        BigInt(Math.round(truth.total!.energy_import_kwh! * 100)),
        'u64 import energy at 0x5000 in 0.01 kWh',
      );
      t.equal(energy.readBigUInt64BE(8), BigInt(Math.round(truth.total!.energy_export_kwh! * 100)), 'u64 export energy at 0x5004');
      // Instantaneous values (mbmd abb.go): L1 voltage u32 in 0.1 V at 0x5B00, total power i32 in 0.01 W at 0x5B14.
      t.equal(
        (await client.readHoldingRegisters(0x5b00, 2)).buffer.readUInt32BE(0),
        Math.round(truth.l1!.voltage_v! * 10),
        'L1 voltage at 0x5B00 in 0.1 V',
      );
      t.equal(
        (await client.readHoldingRegisters(0x5b14, 2)).buffer.readInt32BE(0),
        Math.round(truth.total!.power_w! * 100),
        'total power at 0x5B14 in 0.01 W',
      );
      t.equal(String((await client.readHoldingRegisters(0x8900, 2)).buffer.readUInt32BE(0)), meter.serial, 'serial u32 at 0x8900');
      // The meter pads its model text "B23 " with a space, the simulator with a NUL; both read as B23.
      t.equal(
        (await client.readHoldingRegisters(0x8960, 2)).buffer.toString('latin1').replace(/[\0 ]+$/, ''),
        'B23',
        'model text at 0x8960',
      );
      t.equal(await exceptionOf(client.readHoldingRegisters(0x0000, 1)), 2, 'an unmapped register answers exception 2');
    });
  }
});

t.test("our client and scan read modbus-serial's ServerTCP as an ABB B23", async (t) => {
  const port = await freePort(); // never 0: ServerTCP takes 0 as "use 502"
  const unit = 7;
  const peer = await serveB23(port, unit);
  t.teardown(() => peer.close());
  const abb = (await builtinProfiles()).get('abb-b23')!;
  const bus = makeBus({ type: 'tcp', host: '127.0.0.1', port });
  t.teardown(() => bus.close());
  const device = await makeDevice(bus, abb.id, unit, { timeoutMs: 1000 });

  const poll = await device.poll('full');
  t.equal(poll.fault, undefined, 'full poll without fault');
  t.same([...device.unreadable], [], 'no register refused');
  let compared = 0;
  for (const want of B23_VALUES) {
    const got = poll.readings.find((r) => r.channel === want.channel && r.values[want.measurement] !== undefined)?.values[want.measurement];
    t.equal(got, want.value, `${want.measurement}:${want.channel} at 0x${want.address.toString(16)} (${want.type})`);
    compared++;
  }
  const decoded = poll.readings.reduce((n, r) => n + Object.keys(r.values).length, 0);
  t.equal(decoded, compared, 'nothing decoded beyond what the server holds');
  t.equal(compared, abb.fields.length, 'every B23 field compared');
  t.same(poll.identities, [{ device: device.id, serial: String(B23_SERIAL) }], 'serial from 0x8900');

  // Unit 6 is silent (ServerTCP answers only its unitID); at unit 7 every other profile's probe gets exception 2.
  const hits = await scanBus({ bus, profiles: await builtinProfiles(), clock: systemClock, log: quietLog }, [6, unit], 300);
  t.equal(hits.length, 1, 'one meter found');
  t.equal(hits[0]?.unit, unit);
  t.equal(hits[0]?.profile, 'abb-b23', 'scan identifies the B23 by its model text');
  t.equal(hits[0]?.serial, String(B23_SERIAL));
  t.equal(hits[0]?.readings.find((r) => r.channel === 'total')?.values.energy_import_kwh, 42_949_796.41, 'scan reads the u64 counter');
});
