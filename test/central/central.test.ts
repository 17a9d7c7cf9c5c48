// The central node as composed by central/main.ts, with real gateways publishing to it:
// - embedded defaults (in-process broker, SQLite): an authenticated gateway's readings are stored, its
//   alerts forwarded on the central alert topic and to a signed webhook; a gateway writing as another is refused.
// - past one machine: the machine's Mosquitto (127.0.0.1:1883) and PostgreSQL (database `test`).
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { verifySignature } from '../../common/signed-body.js';
import { setUser } from '../../central/broker/credentials.js';
import { CENTRAL_ALERTS_TOPIC } from '../../central/broker/topics.js';
import { CentralConfig } from '../../central/config/central-schema.js';
import { resolvePaths } from '../../central/config/central-load.js';
import { systemClock } from '../../common/clock.js';
import { startCentral } from '../../central/main.js';
import { startModbusSim } from '../../sim/modbus/start.js';
import { canConnect } from '../helpers/brokers.js';
import { freePort, needPeer, quietLog } from '../helpers/env.js';
import { demoConfig, runGateway, waitFor } from '../helpers/gateway.js';
import { builtinProfiles } from '../helpers/modbus.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';

const FAST = { scrypt: { N: 1024, r: 8, p: 1 }, mosquittoIterations: 101 };

t.test('embedded defaults: authenticated gateways in, readings stored, alerts forwarded', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-central-'));
  const credentials = join(dir, 'credentials.yaml');
  await setUser(credentials, { username: 'gw-test', password: 'pw-gw', role: 'gateway', site: 'ams1', gateway: 'gw-test' }, FAST);
  await setUser(credentials, { username: 'noc', password: 'pw-noc', role: 'subscriber' }, FAST);
  const hooks: { body: string; signature: string | undefined }[] = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      hooks.push({ body, signature: req.headers['x-joulebook-signature'] as string | undefined });
      res.end('ok');
    });
  });
  const hookPort = await freePort();
  await new Promise<void>((r) => hook.listen(hookPort, '127.0.0.1', r));
  t.teardown(() => hook.close());

  const port = await freePort();
  const config = resolvePaths(
    CentralConfig.parse({
      broker: { embedded: { host: '127.0.0.1', port, credentials: 'credentials.yaml' } },
      alerts: { webhooks: [{ url: `http://127.0.0.1:${hookPort}/alerts`, secret: 's3cret' }] },
    }),
    dir,
  );
  const central = await startCentral({ config, clock: systemClock, log: quietLog });
  t.teardown(() => central.stop());
  t.equal(central.ports?.tcpPort, port);

  const noc = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'noc', password: 'pw-noc', clientId: 'noc-1' });
  t.teardown(() => noc.endAsync(true));
  const forwarded: { site: string; gateway: string; alert: { id: string; state: string } }[] = [];
  noc.on('message', (_topic, payload) => forwarded.push(JSON.parse(payload.toString()) as never));
  await noc.subscribeAsync(CENTRAL_ALERTS_TOPIC, { qos: 1 });

  const simPort = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port: simPort },
    meters: [1, 2, 3].map((unit) => ({ unit, profile: sdm })),
  });
  t.teardown(() => sim.close());
  sim.bank.meters.get(3)!.fault = { mode: 'dead' };
  const gwConfig = demoConfig(`mqtt://127.0.0.1:${port}`, simPort);
  const devices = gwConfig.devices.map((d) => ({ ...d, backoffBaseMs: 100, backoffMaxMs: 400 })); // a dead meter is retried, and judged lost, within the test
  const gw = await runGateway({ ...gwConfig, devices, mqtt: { ...gwConfig.mqtt, username: 'gw-test', password: 'pw-gw' } });
  t.teardown(() => gw.stop());

  t.ok(await waitFor(() => central.pipeline.counters.snapshot().readingsStored >= 30, 10_000), 'readings are stored');
  const series = await central.store.listSeries({ site: 'ams1', gateway: 'gw-test' });
  t.same([...new Set(series.map((s) => s.device))].sort(), ['m1', 'm2'], 'series per device and channel (the dead meter has none)');
  t.ok(series.some((s) => s.channel === 'l3'));
  t.ok(await waitFor(() => forwarded.some((f) => f.alert.id === 'lost:m3'), 10_000), 'the lost meter reaches the central alert topic');
  t.match(
    forwarded.find((f) => f.alert.id === 'lost:m3'),
    { site: 'ams1', gateway: 'gw-test', alert: { state: 'raised' } },
  );
  t.ok(await waitFor(() => hooks.length > 0, 5000), 'and the webhook');
  t.ok(verifySignature('s3cret', hooks[0]!.body, hooks[0]!.signature), 'signed with the shared secret');
  t.same(
    (await central.store.activeAlerts({ site: 'ams1' })).map((a) => a.id),
    ['lost:m3'],
    'the active alert is stored',
  );
  t.equal((await central.store.gateway('ams1', 'gw-test'))?.status?.message.state, 'online', "the gateway's status is kept");

  // A gateway that writes as another is refused and counted; its own traffic still flows.
  const rogue = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    username: 'gw-test',
    password: 'pw-gw',
    clientId: 'rogue',
    reconnectPeriod: 0,
  });
  const closed = new Promise<void>((r) => rogue.once('close', () => r()));
  rogue.publish('joulebook/v1/ams1/gw-other/readings', '{}', { qos: 1 });
  await closed;
  await rogue.endAsync(true);
  const before = central.pipeline.counters.snapshot().readingsStored;
  t.ok(await waitFor(() => central.pipeline.counters.snapshot().readingsStored > before, 5000), 'the real gateway goes on');
});

t.test('past one machine: Mosquitto on 1883 and PostgreSQL', async (t) => {
  const mosquittoUp = await canConnect(1883);
  const pgUp = await pgReachable();
  if (!needPeer(t, mosquittoUp && pgUp, 'Mosquitto at 127.0.0.1:1883 and PostgreSQL at 127.0.0.1:5432')) return;
  const schemas = pgSchemas('jb_central');
  t.teardown(() => schemas.dropAll());
  const site = `s${process.pid}`;
  const config = CentralConfig.parse({
    central: { id: `c${process.pid}` },
    dataDir: mkdtempSync(join(tmpdir(), 'jb-central-pg-')),
    broker: { external: { url: 'mqtt://127.0.0.1:1883', shareGroup: `g${process.pid}` } },
    storage: { postgres: { url: PG_URL, schema: schemas.next() } },
  });
  const central = await startCentral({ config, clock: systemClock, log: quietLog });
  t.teardown(() => central.stop());

  const simPort = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port: simPort },
    meters: [1, 2, 3].map((unit) => ({ unit, profile: sdm })),
  });
  t.teardown(() => sim.close());
  const gwConfig = demoConfig('mqtt://127.0.0.1:1883', simPort);
  const gw = await runGateway({ ...gwConfig, gateway: { ...gwConfig.gateway, site } });
  t.teardown(() => gw.stop());
  t.ok(
    await waitFor(() => central.pipeline.counters.snapshot().readingsStored >= 100, 10_000),
    'readings flow through Mosquitto into PostgreSQL',
  );
  const series = await central.store.listSeries({ site });
  t.same([...new Set(series.map((s) => s.device))].sort(), ['m1', 'm2', 'm3']);
  const total = series.find((s) => s.device === 'm1' && s.channel === 'total')!;
  const rows = await central.store.readings(total.id, 0, Date.now() + 1000);
  t.ok(
    rows.length > 3 && rows.every((r) => r.values.energy_import_kwh !== undefined || r.values.power_w !== undefined),
    `${rows.length} readings of m1 total`,
  );
  t.same(await central.store.sequenceGaps(site, 'gw-test'), [], 'no sequence gaps');
});
