// The gateway's status server end to end: a real gateway polls a good and a dead simulated meter and a
// simulated PDU, publishes to a broker that goes away and comes back, and serves /metrics, /status.json and
// the installer's page over HTTP. Every scrape is read with the strict exposition-format reader.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';
import { startModbusSim } from '../../sim/modbus/start.js';
import { startSnmpSim } from '../../sim/snmp/start.js';
import { freeUdpPortRange } from '../../sim/wiring.js';
import type { GatewayStatus } from '../../gateway/status/snapshot.js';
import { freePort, hasProgram, needPeer } from '../helpers/env.js';
import { startAedes } from '../helpers/brokers.js';
import { demoConfig, runGateway, waitFor } from '../helpers/gateway.js';
import { builtinProfiles } from '../helpers/modbus.js';
import { waitFor as waitUntil } from '../helpers/wait.js';
import { builtinCatalogs } from '../helpers/snmp.js';
import { parsePrometheusText, sum, value, type Family } from '../helpers/prom-text.js';

t.test('a gateway with a good and a dead meter, a PDU and a broker outage, seen through its status server', async (t) => {
  const simPort = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port: simPort },
    meters: [1, 2].map((unit) => ({ unit, profile: sdm })),
  });
  t.teardown(() => sim.close());
  sim.bank.meters.get(2)!.fault = { mode: 'dead' };
  const pduPort = await freeUdpPortRange(1);
  const pdus = await startSnmpSim({
    profile: (await builtinCatalogs()).snmp.get('apc-rpdu2')!,
    host: '127.0.0.1',
    port: pduPort,
    pdus: 1,
    outlets: 4,
  });
  t.teardown(() => pdus.close());
  const broker = await startAedes(await freePort());
  t.teardown(() => broker.close());

  const statusPort = await freePort();
  const base = demoConfig(broker.url, simPort, {
    status: { port: statusPort },
    snmp: {
      pdus: [{ id: 'pdu-r12-a', host: '127.0.0.1', port: pduPort, profile: 'apc-rpdu2', energyIntervalMs: 200, fullIntervalMs: 400 }],
    },
  });
  const devices = [
    { ...base.devices[0]!, id: 'busbar-good' },
    { ...base.devices[1]!, id: 'busbar-dead', retries: 0, timeoutMs: 100, backoffBaseMs: 100, backoffMaxMs: 200 },
  ];
  const gw = await runGateway({ ...base, devices });
  t.teardown(() => gw.stop());
  const url = `http://127.0.0.1:${statusPort}`;
  t.equal(gw.status.url, url, 'the status server listens where gateway.yaml says');

  const scrape = async (): Promise<Map<string, Family>> => {
    const r = await fetch(`${url}/metrics`);
    t.equal(r.status, 200);
    t.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await r.text());
  };
  const json = async (): Promise<GatewayStatus> => (await fetch(`${url}/status.json`)).json() as Promise<GatewayStatus>;
  const page = async (): Promise<string> => (await fetch(`${url}/`)).text();
  const deadErrors = (m: Map<string, Family>) => sum(m, 'joulebook_gateway_polls_total', { device: 'busbar-dead', outcome: 'timeout' });

  t.ok(
    await waitFor(
      () => gw.book.get('busbar-good')!.polls >= 5 && gw.book.get('busbar-dead')!.failedPolls >= 2 && gw.book.get('pdu-r12-a')!.polls >= 2,
      10_000,
    ),
    'polls happened',
  );
  const first = await scrape();
  const okBuckets = first
    .get('joulebook_gateway_poll_duration_seconds')!
    .samples.filter((s) => s.name.endsWith('_bucket') && s.labels.device === 'busbar-good' && s.labels.kind === 'full');
  t.same(
    okBuckets.map((s) => s.labels.le),
    ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '30', '+Inf'],
    'poll latency buckets of the good meter',
  );
  t.ok(
    okBuckets.at(-1)!.value >= 1 && okBuckets.at(-1)!.labels.bus === 'tcp',
    `${okBuckets.at(-1)!.value} full polls of the good meter timed on bus tcp`,
  );
  t.ok(
    value(first, 'joulebook_gateway_poll_duration_seconds_count', { device: 'pdu-r12-a', bus: 'snmp' })! >= 1,
    'the PDU polls are timed too, on bus "snmp"',
  );
  const deadAtFirst = deadErrors(first);
  t.ok(deadAtFirst >= 2, `the dead meter's timed-out polls are counted (${deadAtFirst})`);
  t.equal(value(first, 'joulebook_gateway_polls_total', { device: 'busbar-dead', outcome: 'ok' }), 0, 'and none of its polls succeeded');
  t.ok(
    value(first, 'joulebook_gateway_modbus_bus_errors_total', { bus: 'tcp', error: 'timeout' })! >= deadAtFirst,
    'the bus counts the timeouts',
  );
  t.ok(
    value(first, 'joulebook_gateway_modbus_device_errors_total', { device: 'busbar-dead', error: 'timeout' })! >= deadAtFirst,
    'so does the device',
  );
  t.equal(
    value(first, 'joulebook_gateway_modbus_device_errors_total', { device: 'busbar-good', error: 'timeout' }),
    0,
    'the good meter has none',
  );
  t.ok(value(first, 'joulebook_gateway_readings_total', { device: 'busbar-good' })! > 0, 'readings produced by the good meter');
  t.ok(value(first, 'joulebook_gateway_snmp_requests_total', { pdu: 'pdu-r12-a' })! > 0, 'SNMP requests counted');
  t.equal(value(first, 'joulebook_gateway_mqtt_connected'), 1, 'connected to the broker');
  t.equal(value(first, 'joulebook_gateway_info', { gateway: 'gw-test', boot: gw.boot }), 1, 'info names the gateway and boot');
  t.ok(first.has('process_cpu_user_seconds_total') && first.has('nodejs_eventloop_lag_seconds'), 'process metrics');

  t.ok(await waitFor(() => gw.book.get('busbar-dead')!.failedPolls >= deadAtFirst + 2, 5000), 'the dead meter keeps failing');
  const second = await scrape();
  t.ok(deadErrors(second) > deadAtFirst, `its errors rise between scrapes: ${deadAtFirst} -> ${deadErrors(second)}`);
  t.ok(await waitFor(() => gw.alerts.isActive('lost:busbar-dead'), 10_000), 'the dead meter is judged lost');
  t.equal(
    value(await scrape(), 'joulebook_gateway_alerts_active', { type: 'device_lost', severity: 'warning' }),
    1,
    'the lost alert is an active alert',
  );

  let s = await json();
  const good = s.devices.find((d) => d.id === 'busbar-good')!;
  t.match(good, {
    kind: 'modbus',
    profile: 'eastron-sdm630',
    bus: 'tcp',
    address: 'unit 1',
    state: 'ok',
    identities: { 'busbar-good': { serial: sim.bank.meters.get(1)!.serial } },
  });
  t.ok(
    good.values['busbar-good']!.energy_import_kwh! > 0 && good.values['busbar-good']!.power_w! > 0,
    'last energy and power of the good meter',
  );
  t.ok(Date.now() - Date.parse(good.lastReadingAt!) < 3000, 'its last reading is fresh');
  const dead = s.devices.find((d) => d.id === 'busbar-dead')!;
  t.match(dead, { state: 'failing', lastError: { kind: 'timeout' }, values: {} });
  t.ok(dead.consecutiveFailures >= 2 && dead.errors.timeout! >= 2, 'failures and timeouts of the dead meter');
  const pdu = s.devices.find((d) => d.id === 'pdu-r12-a')!;
  t.match(pdu, {
    kind: 'snmp',
    profile: 'apc-rpdu2',
    bus: 'snmp',
    state: 'ok',
    identities: { 'pdu-r12-a': { serial: pdus.pdus[0]!.units.get(1)!.serial } },
  });
  t.match(s.broker, { connected: true, url: broker.url });
  t.ok(s.broker.lastAckAt !== undefined, 'last delivery to the broker known');
  t.match(s.buses, [{ id: 'tcp', type: 'tcp' }]);
  t.ok(
    s.alerts.some((a) => a.id === 'lost:busbar-dead'),
    'active alerts listed',
  );
  let html = await page();
  for (const text of [
    'busbar-good',
    'busbar-dead',
    'pdu-r12-a',
    'eastron-sdm630',
    'apc-rpdu2',
    'connected',
    'device_lost',
    'failing',
    '<meta http-equiv="refresh"',
  ]) {
    t.ok(html.includes(text), `the page shows ${text}`);
  }
  t.notOk(
    /<(script|link|img)\b|https?:\/\/(?!127)/.test(html.replace(/href="(status\.json|metrics)"/g, '')),
    'the page loads nothing from anywhere',
  );

  await broker.down();
  t.ok(await waitFor(() => !gw.publisher.connected, 5000), 'the gateway sees the broker go');
  const atDown = value(await scrape(), 'joulebook_gateway_outbox_entries')!;
  const oldestAgeMs = () => Date.now() - (gw.outbox.size.oldestTs ?? Date.now());
  await waitUntil(() => gw.outbox.size.entries > atDown && oldestAgeMs() >= 1000, {
    timeoutMs: 10_000,
    what: () => `the outbox to grow past ${atDown} entries (${gw.outbox.size.entries}) and its oldest to age 1 s (${oldestAgeMs()} ms)`,
  });
  const during = await scrape();
  const grown = value(during, 'joulebook_gateway_outbox_entries')!;
  t.equal(value(during, 'joulebook_gateway_mqtt_connected'), 0, 'mqtt_connected is 0 during the outage');
  t.ok(grown > atDown, `outbox depth grows while the broker is down: ${atDown} -> ${grown} entries`);
  t.ok(
    value(during, 'joulebook_gateway_outbox_oldest_age_seconds')! >= 1,
    `the oldest entry ages (${value(during, 'joulebook_gateway_outbox_oldest_age_seconds')} s)`,
  );
  s = await json();
  t.match(s.broker, { connected: false });
  t.ok(
    s.outbox.entries > 0 && s.outbox.oldestAgeS >= 1,
    `status.json shows the backlog (${s.outbox.entries} entries, oldest ${s.outbox.oldestAgeS} s)`,
  );
  html = await page();
  t.ok(html.includes('not connected') && html.includes('entries waiting'), 'the page says the broker is gone and what waits');

  await broker.up();
  t.ok(await waitFor(() => gw.publisher.connected, 10_000), 'reconnected');
  t.ok(await waitFor(() => gw.outbox.size.entries < grown / 4, 10_000), 'the backlog drains');
  const after = await scrape();
  t.equal(value(after, 'joulebook_gateway_mqtt_connected'), 1, 'mqtt_connected is 1 again');
  t.ok(
    value(after, 'joulebook_gateway_outbox_entries')! < grown,
    `outbox depth falls after: ${grown} -> ${value(after, 'joulebook_gateway_outbox_entries')} entries`,
  );
  t.ok(value(after, 'joulebook_gateway_mqtt_historical_entries_total')! > 0, 'the backlog went out flagged historical');
  t.ok(value(after, 'joulebook_gateway_mqtt_reconnects_total')! > 0, 'reconnects counted');

  t.test('curl as an outside client', async (t) => {
    if (!needPeer(t, hasProgram('curl'), 'curl')) return;
    // Not spawnSync: the server answering curl runs in this very process.
    const r = await promisify(execFile)('curl', ['-sS', '--max-time', '10', '-D', '-', `${url}/metrics`], { encoding: 'utf8' });
    t.match(r.stdout, /^HTTP\/1\.1 200 OK/);
    t.match(
      r.stdout,
      /joulebook_gateway_poll_duration_seconds_bucket\{le="0.005",device="busbar-good",bus="tcp",kind="(full|energy)"\} \d+/,
    );
  });

  t.test('what the server refuses', async (t) => {
    t.equal((await fetch(`${url}/nothing`)).status, 404);
    const post = await fetch(`${url}/metrics`, { method: 'POST', body: 'x' });
    t.equal(post.status, 405);
    t.equal(post.headers.get('allow'), 'GET, HEAD');
    const head = await fetch(`${url}/status.json`, { method: 'HEAD' });
    t.equal(head.status, 200);
    t.equal(await head.text(), '', 'HEAD has no body');
  });
});

t.test('a status port in use: the gateway says so and meters on', async (t) => {
  const broker = await startAedes(await freePort());
  t.teardown(() => broker.close());
  const simPort = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({ wire: { kind: 'tcp', host: '127.0.0.1', port: simPort }, meters: [{ unit: 1, profile: sdm }] });
  t.teardown(() => sim.close());
  const statusPort = await freePort();
  const base = demoConfig(broker.url, simPort, { status: { port: statusPort } });
  const first = await runGateway({ ...base, devices: base.devices.slice(0, 1) });
  t.teardown(() => first.stop());
  const second = await runGateway({
    ...demoConfig(broker.url, simPort, { status: { port: statusPort } }),
    devices: base.devices.slice(0, 1),
  });
  t.teardown(() => second.stop());
  t.equal(second.status.url, undefined, 'no status page for the second');
  t.match(second.status.error, `status page: 127.0.0.1:${statusPort} is already in use`, 'the error names the address');
  t.match(second.status.error, 'status.port in gateway.yaml', 'and the setting to change');
  t.ok(await waitFor(() => second.book.get('m1')!.polls >= 2, 5000), 'the second gateway polls all the same');
});
