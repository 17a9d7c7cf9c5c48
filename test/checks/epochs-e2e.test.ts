// Counter epochs end to end: while the gateway runs, a simulated meter is reset and a simulated PDU is
// exchanged; the counter_epoch events reach a third-party subscriber (Debian's mosquitto_sub) with the
// right identities and values, and survive as gateway state.
import { spawn } from 'node:child_process';
import t from 'tap';
import { startModbusSim } from '../../sim/modbus/start.js';
import { startSnmpSim } from '../../sim/snmp/start.js';
import { freeUdpPortRange } from '../../sim/wiring.js';
import { EventsMessage, type GatewayEvent } from '../../protocol/wire.js';
import { freePort, hasProgram, needPeer } from '../helpers/env.js';
import { hasMosquitto, startMosquitto } from '../helpers/brokers.js';
import { demoConfig, runGateway, waitFor } from '../helpers/gateway.js';
import { builtinProfiles } from '../helpers/modbus.js';
import { builtinCatalogs } from '../helpers/snmp.js';

type Epoch = Extract<GatewayEvent, { type: 'counter_epoch' }>;

t.test('a meter reset and a PDU swap while the gateway runs', async (t) => {
  if (!needPeer(t, hasMosquitto() && hasProgram('mosquitto_sub', ['--help']), 'mosquitto and mosquitto_sub')) return;
  const broker = await startMosquitto(await freePort());
  t.teardown(() => broker.close());
  const port = broker.url.split(':').pop()!;
  const sub = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', port, '-q', '1', '-t', 'joulebook/v1/+/+/events'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => sub.kill());
  const epochs: Epoch[] = [];
  let buf = '';
  sub.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      for (const e of EventsMessage.parse(JSON.parse(line)).events) if (e.type === 'counter_epoch') epochs.push(e);
    }
  });
  await new Promise((r) => setTimeout(r, 300));

  const simPort = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({ wire: { kind: 'tcp', host: '127.0.0.1', port: simPort }, meters: [1, 2, 3].map((unit) => ({ unit, profile: sdm })) });
  t.teardown(() => sim.close());
  const pduPort = await freeUdpPortRange(1);
  const pdus = await startSnmpSim({ profile: (await builtinCatalogs()).snmp.get('apc-rpdu2')!, host: '127.0.0.1', port: pduPort, pdus: 1, outlets: 4 });
  t.teardown(() => pdus.close());

  const config = demoConfig(broker.url, simPort, {
    snmp: { pdus: [{ id: 'pdu-r12-a', host: '127.0.0.1', port: pduPort, profile: 'apc-rpdu2', energyIntervalMs: 200, fullIntervalMs: 200 }] },
  });
  const gw = await runGateway(config);
  t.teardown(() => gw.stop());
  t.ok(await waitFor(() => Object.keys(gw.state.data.counters).length >= 3 + 4 + 1, 5000), 'every counter is remembered');

  const meter = sim.bank.meters.get(2)!;
  const before = gw.state.data.counters['m2|total|energy_import_kwh']!.value;
  meter.resetCounter(Date.now());
  const oldSerial = pdus.pdus[0]!.units.get(1)!.serial;
  pdus.pdus[0]!.swap();
  const newSerial = pdus.pdus[0]!.units.get(1)!.serial;

  t.ok(await waitFor(() => epochs.some((e) => e.device === 'm2' && e.reason === 'reset') && epochs.filter((e) => e.device === 'pdu-r12-a' && e.reason === 'swap').length >= 5, 10_000), 'the events reach mosquitto_sub');
  const reset = epochs.find((e) => e.device === 'm2' && e.channel === 'total' && e.reason === 'reset');
  t.match(reset, { measurement: 'energy_import_kwh', old: { serial: meter.serial }, new: { serial: meter.serial }, estimated: true });
  t.ok(reset!.old.value >= before, `the old epoch ends at its last value (${reset!.old.value} kWh)`);
  t.ok(reset!.new.value < 0.1, `the new epoch starts near zero (${reset!.new.value} kWh)`);
  const swaps = epochs.filter((e) => e.device === 'pdu-r12-a' && e.reason === 'swap');
  t.same([...new Set(swaps.map((e) => e.channel))].sort(), ['outlet:1', 'outlet:2', 'outlet:3', 'outlet:4', 'total'], 'every counter of the PDU opened a new epoch');
  t.ok(swaps.every((e) => e.old.serial === oldSerial && e.new.serial === newSerial), 'with both identities');
  t.equal(epochs.filter((e) => e.device === 'm1' || e.device === 'm3').length, 0, 'the other meters were left alone');
  await gw.state.flush();
  t.equal(gw.state.data.counters['pdu-r12-a|total|energy_import_kwh']!.serial, newSerial, 'the state remembers the new identity');
});
