// The generated Mosquitto password_file and acl_file, proven on a private Debian Mosquitto: a gateway
// publishes under its own prefix only, a wrong password is refused, a subscriber reads, the central user
// consumes through a shared subscription.
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import mqtt, { type MqttClient } from 'mqtt';
import { writeMosquittoFiles } from '../../central/broker/mosquitto-files.js';
import { readingsPayload } from '../../central/ingest/sample-messages.js';
import { hasMosquitto, startMosquitto } from '../helpers/brokers.js';
import { freePort, needPeer } from '../helpers/env.js';
import { USERS, writeUsers } from '../helpers/broker-users.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const as = (u: { username: string; password: string }, clientId: string) => ({ clientId, username: u.username, password: u.password, reconnectPeriod: 0, connectTimeout: 5000 });
function collect(c: MqttClient): string[] {
  const got: string[] = [];
  c.on('message', (topic) => got.push(topic));
  return got;
}

t.test('Mosquitto enforces the generated password and ACL files', async (t) => {
  if (!needPeer(t, hasMosquitto(), 'mosquitto')) return;
  const dir = mkdtempSync(join(tmpdir(), 'jb-mosq-auth-'));
  chmodSync(dir, 0o755);
  const files = { passwordFile: join(dir, 'passwd'), aclFile: join(dir, 'acl') };
  await writeMosquittoFiles({ credentialsFile: await writeUsers(dir), ...files, mode: 0o644 });
  const broker = await startMosquitto(await freePort(), { auth: files, maxQueuedMessages: 10_000 });
  t.teardown(() => broker.close());

  await t.rejects(mqtt.connectAsync(broker.url, as({ username: USERS.a1.username, password: 'wrong' }, 'bad-1')), /Not authorized|Bad username/, 'wrong password refused');
  await t.rejects(mqtt.connectAsync(broker.url, { clientId: 'anon', reconnectPeriod: 0 }), /Not authorized|Bad username/, 'anonymous refused');

  const noc = await mqtt.connectAsync(broker.url, as(USERS.noc, 'noc-1'));
  t.teardown(() => noc.endAsync(true));
  const nocGot = collect(noc);
  await noc.subscribeAsync('joulebook/v1/#', { qos: 1 });
  const central = await mqtt.connectAsync(broker.url, as(USERS.central, 'central-1'));
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

  t.same(nocGot, ['joulebook/v1/fra1/gw-a1/readings'], 'the subscriber read the permitted message; the one under gw-b2 and the forged alert were not delivered');
  t.same(centralGot, ['joulebook/v1/fra1/gw-a1/readings'], 'the central user consumes through $share');
  t.same(a1Got, [], 'the gateway reads nothing');

  const b2 = await mqtt.connectAsync(broker.url, as(USERS.b2, 'joulebook-gw-b2'));
  await b2.publishAsync('joulebook/v1/fra1/gw-b2/status', JSON.stringify({ v: 1, gateway: 'gw-b2', boot: 'b', state: 'online', ts: 1 }), { qos: 1 });
  await b2.endAsync();
  await sleep(200);
  t.same(nocGot.slice(1), ['joulebook/v1/fra1/gw-b2/status'], 'gw-b2 publishes under its own prefix');
});
