// The generated Mosquitto files, proven on a private Debian Mosquitto with the two listeners of
// docs/deploy.md: a gateway publishes under its own prefix only, a wrong password is refused, a subscriber
// reads, the central user consumes through a shared subscription on its own listener. Client ids are bound
// to usernames where gateways sign in (issue 17): a gateway naming another's client id kicks nobody and
// resumes no one's session, and the central node, two connections under one user, still runs. The compose
// file's packet limit closes a connection that sends more than the wire contract allows.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { writeMosquittoFiles } from '../../central/broker/mosquitto-files.js';
import { CentralConfig } from '../../central/config/central-schema.js';
import { resolvePaths } from '../../central/config/central-load.js';
import { systemClock } from '../../common/clock.js';
import { readingsPayload } from '../../scripts/benches/sample-messages.js';
import { startCentral } from '../../central/main.js';
import { canConnect, hasMosquitto, mosquittoBin, startMosquitto, type TestBroker } from '../helpers/brokers.js';
import { freePort, needPeer, quietLog } from '../helpers/env.js';
import { waitFor } from '../helpers/gateway.js';
import { USERS, writeUsers } from '../helpers/broker-users.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const as = (u: { username: string; password: string }, clientId: string, o: IClientOptions = {}): IClientOptions => ({
  clientId,
  username: u.username,
  password: u.password,
  reconnectPeriod: 0,
  connectTimeout: 5000,
  ...o,
});
function collect(c: MqttClient): string[] {
  const got: string[] = [];
  c.on('message', (topic) => got.push(topic));
  return got;
}

async function generatedFiles(): Promise<{
  dir: string;
  passwordFile: string;
  aclFile: string;
  centralPasswordFile: string;
  centralAclFile: string;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'jb-mosq-auth-'));
  chmodSync(dir, 0o755);
  const files = {
    passwordFile: join(dir, 'passwd'),
    aclFile: join(dir, 'acl'),
    centralPasswordFile: join(dir, 'central.passwd'),
    centralAclFile: join(dir, 'central.acl'),
  };
  await writeMosquittoFiles({ credentialsFile: await writeUsers(dir), ...files, mode: 0o644 });
  return { dir, ...files };
}

/** A private Mosquitto on the files `central broker mosquitto-files` writes, with both listeners. */
async function mosquitto(t: Test): Promise<TestBroker & { centralUrl: string }> {
  const files = await generatedFiles();
  const broker = await startMosquitto(await freePort(), {
    auth: {
      passwordFile: files.passwordFile,
      aclFile: files.aclFile,
      central: { passwordFile: files.centralPasswordFile, aclFile: files.centralAclFile, port: await freePort() },
    },
    maxQueuedMessages: 10_000,
  });
  t.teardown(() => broker.close());
  return broker as TestBroker & { centralUrl: string };
}

t.test('Mosquitto enforces the generated password and ACL files', async (t) => {
  if (!needPeer(t, hasMosquitto(), 'mosquitto')) return;
  const broker = await mosquitto(t);

  await t.rejects(
    mqtt.connectAsync(broker.url, as({ username: USERS.a1.username, password: 'wrong' }, 'bad-1')),
    /Not authorized|Bad username/,
    'wrong password refused',
  );
  await t.rejects(
    mqtt.connectAsync(broker.url, { clientId: 'anon', reconnectPeriod: 0 }),
    /Not authorized|Bad username/,
    'anonymous refused',
  );
  await t.rejects(
    mqtt.connectAsync(broker.centralUrl, as(USERS.a1, 'joulebook-gw-a1')),
    /Not authorized|Bad username/,
    'a gateway cannot sign in on the central listener',
  );
  await t.rejects(
    mqtt.connectAsync(broker.url, as(USERS.central, 'central-1')),
    /Not authorized|Bad username/,
    'the central user signs in on its own listener only',
  );

  const noc = await mqtt.connectAsync(broker.url, as(USERS.noc, 'noc-1'));
  t.teardown(() => noc.endAsync(true));
  const nocGot = collect(noc);
  await noc.subscribeAsync('joulebook/v1/#', { qos: 1 });
  const central = await mqtt.connectAsync(broker.centralUrl, as(USERS.central, 'central-1'));
  t.teardown(() => central.endAsync(true));
  const centralGot = collect(central);
  await central.subscribeAsync('$share/central/joulebook/v1/+/+/+', { qos: 1 });

  const a1 = await mqtt.connectAsync(broker.url, as(USERS.a1, 'joulebook-gw-a1'));
  t.teardown(() => a1.endAsync(true));
  const a1Got = collect(a1);
  await a1.subscribeAsync('joulebook/v1/#', { qos: 1 }).catch(() => undefined);
  await a1.publishAsync('joulebook/v1/fra1/gw-a1/readings', readingsPayload({ gateway: 'gw-a1', seq: 1, readings: 1 }), { qos: 1 });
  // Mosquitto acknowledges a denied publish and drops it (it does not disconnect, unlike aedes).
  await a1.publishAsync('joulebook/v1/fra1/gw-b2/readings', readingsPayload({ gateway: 'gw-b2', seq: 1, readings: 1 }), { qos: 1 });
  await a1.publishAsync('joulebook/v1/central/alerts', 'forged', { qos: 1 });
  await sleep(300);

  t.same(
    nocGot,
    ['joulebook/v1/fra1/gw-a1/readings'],
    'the subscriber read the permitted message; the one under gw-b2 and the forged alert were not delivered',
  );
  t.same(centralGot, ['joulebook/v1/fra1/gw-a1/readings'], 'the central user consumes through $share');
  t.same(a1Got, [], 'the gateway reads nothing');

  const b2 = await mqtt.connectAsync(broker.url, as(USERS.b2, 'joulebook-gw-b2'));
  await b2.publishAsync('joulebook/v1/fra1/gw-b2/status', JSON.stringify({ v: 1, gateway: 'gw-b2', boot: 'b', state: 'online', ts: 1 }), {
    qos: 1,
  });
  await b2.endAsync();
  await sleep(200);
  t.same(nocGot.slice(1), ['joulebook/v1/fra1/gw-b2/status'], 'gw-b2 publishes under its own prefix');
});

t.test("a gateway using another gateway's client id does not kick it off, nor resume a subscriber's session", async (t) => {
  if (!needPeer(t, hasMosquitto(), 'mosquitto')) return;
  const broker = await mosquitto(t);
  const a1 = await mqtt.connectAsync(broker.url, as(USERS.a1, 'joulebook-gw-a1'));
  t.teardown(() => a1.endAsync(true));
  let a1Closed = false;
  a1.on('close', () => {
    a1Closed = true;
  });
  const b2 = await mqtt.connectAsync(broker.url, as(USERS.b2, 'joulebook-gw-a1'));
  t.teardown(() => b2.endAsync(true));
  await sleep(300);
  t.equal(a1Closed, false, 'gw-a1 stays connected');
  await a1.publishAsync('joulebook/v1/fra1/gw-a1/readings', readingsPayload({ gateway: 'gw-a1', seq: 1, readings: 1 }), { qos: 1 });
  t.pass('and publishes');

  // A subscriber offline with queued messages; a gateway names its client id with clean session off.
  const noc = await mqtt.connectAsync(broker.url, as(USERS.noc, 'noc-1', { clean: false }));
  await noc.subscribeAsync('joulebook/v1/#', { qos: 1 });
  await noc.endAsync();
  for (let seq = 2; seq <= 4; seq++)
    await a1.publishAsync('joulebook/v1/fra1/gw-a1/readings', readingsPayload({ gateway: 'gw-a1', seq, readings: 1 }), { qos: 1 });
  const thief = mqtt.connect(broker.url, as(USERS.b2, 'noc-1', { clean: false }));
  const thiefGot = collect(thief);
  const thiefAck = await new Promise<{ sessionPresent: boolean }>((resolve) => thief.once('connect', resolve));
  await sleep(300);
  await thief.endAsync(true);
  t.same([thiefAck.sessionPresent, thiefGot], [false, []], 'no session, no messages: its client id is its username');
  const back = mqtt.connect(broker.url, as(USERS.noc, 'noc-1', { clean: false }));
  const backGot = collect(back);
  const backAck = await new Promise<{ sessionPresent: boolean }>((resolve) => back.once('connect', resolve));
  await sleep(300);
  await back.endAsync(true);
  t.same([backAck.sessionPresent, backGot.length], [true, 3], 'the subscriber resumes its session with its 3 queued messages');
});

t.test('the central node consumes from it: consumer and alert publisher under one user, shared subscription', async (t) => {
  if (!needPeer(t, hasMosquitto(), 'mosquitto')) return;
  const broker = await mosquitto(t);
  const dir = mkdtempSync(join(tmpdir(), 'jb-mosq-central-'));
  const config = resolvePaths(
    CentralConfig.parse({
      broker: {
        external: { url: broker.centralUrl, username: USERS.central.username, password: USERS.central.password, shareGroup: 'joulebook' },
      },
    }),
    dir,
  );
  const central = await startCentral({ config, clock: systemClock, log: quietLog });
  t.teardown(() => central.stop());
  const gw = await mqtt.connectAsync(broker.url, as(USERS.a1, 'joulebook-gw-a1'));
  t.teardown(() => gw.endAsync(true));
  for (let seq = 1; seq <= 3; seq++)
    await gw.publishAsync('joulebook/v1/fra1/gw-a1/readings', readingsPayload({ gateway: 'gw-a1', seq, readings: 2 }), { qos: 1 });
  t.ok(await waitFor(() => central.pipeline.counters.snapshot().readingsStored === 6, 5000), "the gateway's readings are stored");
  await sleep(500);
  t.equal(central.consumer!.counters.connects, 1, 'the consumer connected once and stays (its alert publisher did not kick it)');
});

t.test("the compose example's mosquitto.conf runs on the generated files", async (t) => {
  if (!needPeer(t, hasMosquitto(), 'mosquitto')) return;
  const files = await generatedFiles();
  const [port, centralPort] = [await freePort(), await freePort()];
  // The shipped file with this machine's paths and free ports; nothing else changed.
  const conf = readFileSync(new URL('../../deploy/mosquitto/mosquitto.conf', import.meta.url), 'utf8')
    .replaceAll('/mosquitto/auth/', `${files.dir}/`)
    .replace('/mosquitto/data/', `${files.dir}/`)
    .replace('listener 1883', `listener ${port} 127.0.0.1`)
    .replace('listener 1884', `listener ${centralPort} 127.0.0.1`)
    .replace('log_dest stdout', 'log_dest none');
  writeFileSync(join(files.dir, 'mosquitto.conf'), conf);
  const proc = spawn(mosquittoBin(), ['-c', join(files.dir, 'mosquitto.conf')], { stdio: 'ignore' });
  t.teardown(() => {
    proc.kill('SIGTERM');
  });
  for (let i = 0; i < 100 && !((await canConnect(port)) && (await canConnect(centralPort))); i++) await sleep(30);
  const a1 = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, as(USERS.a1, 'joulebook-gw-a1'));
  let kicked = false;
  a1.on('close', () => {
    kicked = true;
  });
  const b2 = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, as(USERS.b2, 'joulebook-gw-a1'));
  const central = await mqtt.connectAsync(`mqtt://127.0.0.1:${centralPort}`, as(USERS.central, 'joulebook-central-central-1'));
  await sleep(300);
  t.equal(kicked, false, "a gateway naming another's client id kicks nobody");
  t.equal(central.connected, true, 'the central user signs in on 1884');

  // max_packet_size: the wire contract's largest payload passes, a larger packet closes the connection.
  const got = collect(central);
  await central.subscribeAsync('joulebook/v1/fra1/gw-b2/#', { qos: 1 });
  await b2.publishAsync('joulebook/v1/fra1/gw-b2/readings', Buffer.alloc(128 * 1024, 'a'), { qos: 1 });
  t.ok(await waitFor(() => got.length === 1, 5000), 'a 128 KiB payload is delivered');
  let b2Closed = false;
  b2.on('close', () => {
    b2Closed = true;
  });
  b2.publish('joulebook/v1/fra1/gw-b2/readings', Buffer.alloc(200 * 1024, 'a'), { qos: 1 });
  t.ok(await waitFor(() => b2Closed, 5000), 'a 200 KiB packet closes the connection');
  await sleep(200);
  t.equal(got.length, 1, 'and is not delivered');
  await Promise.all([a1.endAsync(true), b2.endAsync(true), central.endAsync(true)]);
});
