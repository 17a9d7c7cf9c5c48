// Counter epochs and alerts end to end: while the gateway runs, a simulated meter is reset, a simulated
// PDU is exchanged and another meter goes silent; the counter_epoch events and the alerts reach a
// third-party subscriber (Debian's mosquitto_sub) with the right identities and numbers, the retained
// set of active alerts says what is wrong now, and the gateway state remembers it all.
import { spawn } from 'node:child_process';
import mqtt from 'mqtt';
import t from 'tap';
import { startModbusSim } from '../../sim/modbus/start.js';
import { startSnmpSim } from '../../sim/snmp/start.js';
import { freeUdpPortRange } from '../../sim/wiring.js';
import { ActiveAlertsMessage, type Alert, AlertsMessage, EventsMessage, type GatewayEvent } from '../../protocol/wire.js';
import { freePort, hasProgram, needPeer } from '../helpers/env.js';
import { hasMosquitto, startMosquitto } from '../helpers/brokers.js';
import { demoConfig, runGateway, waitFor } from '../helpers/gateway.js';
import { builtinProfiles } from '../helpers/modbus.js';
import { builtinCatalogs } from '../helpers/snmp.js';
import { waitFor as waitUntil } from '../helpers/wait.js';

type Epoch = Extract<GatewayEvent, { type: 'counter_epoch' }>;

/** A topic mosquitto_sub listens to that no gateway here uses. */
const PROBE_TOPIC = 'joulebook/v1/probe/probe/events';

t.test('a meter reset and a PDU swap while the gateway runs', async (t) => {
  if (!needPeer(t, hasMosquitto() && hasProgram('mosquitto_sub', ['--help']), 'mosquitto and mosquitto_sub')) return;
  const broker = await startMosquitto(await freePort());
  t.teardown(() => broker.close());
  const port = broker.url.split(':').pop()!;
  const sub = spawn(
    'mosquitto_sub',
    [
      '-h',
      '127.0.0.1',
      '-p',
      port,
      '-q',
      '1',
      '-v',
      '-t',
      'joulebook/v1/+/+/events',
      '-t',
      'joulebook/v1/+/+/alerts',
      '-t',
      'joulebook/v1/+/+/active',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.teardown(() => sub.kill());
  const epochs: Epoch[] = [];
  const alerts: Alert[] = [];
  let active: Alert[] = [];
  let probed = false;
  let buf = '';
  sub.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const space = line.indexOf(' ');
      if (line.slice(0, space) === PROBE_TOPIC) {
        probed = true;
        continue;
      }
      const [topic, payload] = [line.slice(0, space), JSON.parse(line.slice(space + 1)) as unknown];
      if (topic.endsWith('/events')) for (const e of EventsMessage.parse(payload).events) if (e.type === 'counter_epoch') epochs.push(e);
      if (topic.endsWith('/alerts')) alerts.push(...AlertsMessage.parse(payload).alerts);
      if (topic.endsWith('/active')) active = ActiveAlertsMessage.parse(payload).alerts;
    }
  });
  // mosquitto_sub is subscribed once it prints a probe published on one of its topics (a fixed sleep was
  // either too short under load or too long).
  const probe = await mqtt.connectAsync(broker.url, { clientId: 'epochs-probe', reconnectPeriod: 0 });
  await waitUntil(
    async () => {
      await probe.publishAsync(PROBE_TOPIC, '{}', { qos: 1 });
      return probed;
    },
    { timeoutMs: 10_000, what: 'mosquitto_sub to print a probe message (subscribed)', intervalMs: 100 },
  );
  await probe.endAsync();

  const simPort = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port: simPort },
    meters: [1, 2, 3].map((unit) => ({ unit, profile: sdm })),
  });
  t.teardown(() => sim.close());
  const pduPort = await freeUdpPortRange(1);
  const pdus = await startSnmpSim({
    profile: (await builtinCatalogs()).snmp.get('apc-rpdu2')!,
    host: '127.0.0.1',
    port: pduPort,
    pdus: 1,
    outlets: 4,
  });
  t.teardown(() => pdus.close());

  const config = demoConfig(broker.url, simPort, {
    snmp: {
      pdus: [{ id: 'pdu-r12-a', host: '127.0.0.1', port: pduPort, profile: 'apc-rpdu2', energyIntervalMs: 200, fullIntervalMs: 200 }],
    },
  });
  // Retry a silent meter soon, so it can be judged lost (4 failed polls in a row) within the test.
  const gw = await runGateway({ ...config, devices: config.devices.map((d) => ({ ...d, backoffBaseMs: 100, backoffMaxMs: 400 })) });
  t.teardown(() => gw.stop());
  const remembered = () => Object.keys(gw.state.data.counters);
  t.ok(
    await waitFor(
      () =>
        ['m1', 'm2', 'm3'].every((m) => remembered().includes(`${m}|total|energy_import_kwh`)) &&
        remembered().filter((k) => k.startsWith('pdu-r12-a|')).length >= 5,
      10_000,
    ),
    'every counter is remembered',
  );

  sim.bank.meters.get(3)!.fault = { mode: 'dead' };
  const meter = sim.bank.meters.get(2)!;
  const before = gw.state.data.counters['m2|total|energy_import_kwh']!.value;
  meter.resetCounter(Date.now());
  const oldSerial = pdus.pdus[0]!.units.get(1)!.serial;
  pdus.pdus[0]!.swap();
  const newSerial = pdus.pdus[0]!.units.get(1)!.serial;

  t.ok(
    await waitFor(
      () =>
        epochs.some((e) => e.device === 'm2' && e.channel === 'total' && e.reason === 'reset') &&
        epochs.filter((e) => e.device === 'pdu-r12-a' && e.reason === 'swap').length >= 5,
      10_000,
    ),
    'the events reach mosquitto_sub',
  );
  const reset = epochs.find((e) => e.device === 'm2' && e.channel === 'total' && e.reason === 'reset');
  t.match(reset, { measurement: 'energy_import_kwh', old: { serial: meter.serial }, new: { serial: meter.serial }, estimated: true });
  t.ok(reset!.old.value >= before, `the old epoch ends at its last value (${reset!.old.value} kWh)`);
  t.ok(reset!.new.value < 0.1, `the new epoch starts near zero (${reset!.new.value} kWh)`);
  const swaps = epochs.filter((e) => e.device === 'pdu-r12-a' && e.reason === 'swap');
  t.same(
    [...new Set(swaps.map((e) => e.channel))].sort(),
    ['outlet:1', 'outlet:2', 'outlet:3', 'outlet:4', 'total'],
    'every counter of the PDU opened a new epoch',
  );
  t.ok(
    swaps.every((e) => e.old.serial === oldSerial && e.new.serial === newSerial),
    'with both identities',
  );
  t.equal(epochs.filter((e) => e.device === 'm1' || e.device === 'm3').length, 0, 'the other meters were left alone');

  t.ok(
    await waitFor(() => ['swap:pdu-r12-a', 'reset:m2', 'lost:m3'].every((id) => active.some((a) => a.id === id)), 10_000),
    'the retained set of active alerts names all three',
  );
  const swapAlert = alerts.find((a) => a.id === 'swap:pdu-r12-a')!;
  t.match(swapAlert, { type: 'device_swap', severity: 'warning', state: 'raised', device: 'pdu-r12-a' });
  t.match(swapAlert.message, `pdu-r12-a was exchanged (serial ${oldSerial} → ${newSerial})`);
  const swapped = swaps.find((e) => e.channel === swapAlert.channel)!;
  t.same(
    swapAlert.values,
    { oldKwh: swapped.old.value, newKwh: swapped.new.value, betweenKwh: swapped.betweenKwh },
    'with the numbers of the epoch change',
  );
  const resetAlert = alerts.find((a) => a.id === 'reset:m2')!;
  // One alert per device, raised by the first of its counters seen to reset (a poll may span the reset, so
  // the phase counters can come first).
  const firstReset = epochs.find((e) => e.device === 'm2' && e.reason === 'reset')!;
  t.match(resetAlert, {
    type: 'counter_reset',
    device: 'm2',
    channel: firstReset.channel,
    values: { oldKwh: firstReset.old.value, newKwh: firstReset.new.value },
  });
  t.match(
    alerts.find((a) => a.id === 'lost:m3'),
    { type: 'device_lost', state: 'raised', message: /^m3 has not given a reading for \d+ s$/ },
  );
  t.equal(alerts.filter((a) => a.id === 'swap:pdu-r12-a').length, 1, 'one alert for the exchanged PDU, not one per outlet');

  sim.bank.meters.get(3)!.fault = { mode: 'none' };
  t.ok(
    await waitFor(() => alerts.some((a) => a.id === 'lost:m3' && a.state === 'cleared'), 10_000),
    'the lost meter is cleared when it answers again',
  );
  t.ok(await waitFor(() => !active.some((a) => a.id === 'lost:m3'), 5000), 'and leaves the retained set');
  await gw.state.flush();
  t.equal(gw.state.data.counters['pdu-r12-a|total|energy_import_kwh']!.serial, newSerial, 'the state remembers the new identity');
  t.same(Object.keys(gw.state.data.alerts).sort(), ['reset:m2', 'swap:pdu-r12-a'], 'and the active alerts');
});
