// The embedded broker enforces the credentials and the ACL: refused connects, publishes and subscribes,
// each counted by reason; a subscriber reads what gateways send; TLS listener.
import t from 'tap';
import mqtt, { type MqttClient } from 'mqtt';
import { readFileSync } from 'node:fs';
import { freePort } from '../helpers/env.js';
import { makeTlsFiles } from '../helpers/tls.js';
import { startEmbedded, USERS } from '../helpers/broker-users.js';
import { readingsPayload } from '../../scripts/benches/sample-messages.js';

const opts = (u: { username: string; password: string }, clientId: string) => ({
  clientId,
  username: u.username,
  password: u.password,
  reconnectPeriod: 0,
  connectTimeout: 5000,
  clean: true,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const closedOnce = (c: MqttClient) => new Promise<void>((r) => c.once('close', () => r()));

t.test('credentials and topic confinement', async (t) => {
  const b = await startEmbedded();
  t.teardown(() => b.broker.stop(1000));

  await t.rejects(mqtt.connectAsync(b.url, opts({ username: 'gw-a1', password: 'wrong' }, 'x1')), /Bad username or password/);
  await t.rejects(mqtt.connectAsync(b.url, opts({ username: 'nobody', password: 'pw-a1' }, 'x2')), /Bad username or password/);
  await t.rejects(mqtt.connectAsync(b.url, { clientId: 'x3', reconnectPeriod: 0 }), /Not authorized/);

  const noc = await mqtt.connectAsync(b.url, opts(USERS.noc, 'noc-1'));
  t.teardown(() => noc.endAsync(true));
  await t.rejects(noc.subscribeAsync('#', { qos: 1 }), /Subscribe error/, '"#" refused with SUBACK 0x80, no disconnect');
  const granted = await noc.subscribeAsync('joulebook/v1/#', { qos: 1 });
  t.same(
    granted.map((g) => g.qos),
    [1],
    'the tree is granted',
  );
  const got: string[] = [];
  noc.on('message', (topic) => got.push(topic));

  const a1 = await mqtt.connectAsync(b.url, opts(USERS.a1, 'joulebook-gw-a1'));
  await t.rejects(a1.subscribeAsync('joulebook/v1/#', { qos: 1 }), /Subscribe error/, 'a gateway may not subscribe');
  await a1.publishAsync('joulebook/v1/fra1/gw-a1/readings', readingsPayload({ gateway: 'gw-a1', seq: 1, readings: 2 }), { qos: 1 });
  const closed = closedOnce(a1);
  a1.publish('joulebook/v1/fra1/gw-b2/readings', readingsPayload({ gateway: 'gw-b2', seq: 1, readings: 2 }), { qos: 1 });
  await closed;
  t.pass('publishing under another gateway closes the connection');
  await a1.endAsync(true);

  await sleep(100);
  t.same(got, ['joulebook/v1/fra1/gw-a1/readings'], 'the subscriber got the permitted message only');

  const closedNoc = closedOnce(noc);
  noc.publish('joulebook/v1/central/alerts', 'x', { qos: 1 });
  await closedNoc;
  t.pass('a subscriber may not publish');

  // Another user may not take a connected gateway's client id (it would kick it off).
  const b2 = await mqtt.connectAsync(b.url, opts(USERS.b2, 'joulebook-gw-b2'));
  await t.rejects(mqtt.connectAsync(b.url, opts(USERS.a1, 'joulebook-gw-b2')), /Identifier rejected/);
  t.equal(b2.connected, true, 'the holder stays connected');
  await b2.endAsync(true);

  t.match(b.security.refusals(), {
    connect_bad_password: 1,
    connect_unknown_user: 1,
    connect_no_credentials: 1,
    connect_client_id_in_use: 1,
    publish_not_permitted: 2,
    subscribe_not_permitted: 2,
  });
});

t.test('TLS listener', async (t) => {
  const tls = makeTlsFiles();
  const tlsPort = await freePort();
  const b = await startEmbedded({ tls: { host: '127.0.0.1', port: tlsPort, certFile: tls.serverCert, keyFile: tls.serverKey } });
  t.teardown(() => b.broker.stop(1000));
  const c = await mqtt.connectAsync(`mqtts://127.0.0.1:${tlsPort}`, { ...opts(USERS.a1, 'tls-a1'), ca: readFileSync(tls.ca) });
  await c.publishAsync('joulebook/v1/fra1/gw-a1/status', JSON.stringify({ v: 1, gateway: 'gw-a1', boot: 'b', state: 'online', ts: 1 }), {
    qos: 1,
  });
  t.pass('authenticated and published over TLS');
  await c.endAsync();
  await t.rejects(
    mqtt.connectAsync(`mqtts://127.0.0.1:${tlsPort}`, { ...opts(USERS.a1, 'tls-x'), rejectUnauthorized: true }),
    /self.signed|unable to verify|certificate/i,
    'a client that does not trust the CA refuses the server',
  );
});
