// Persistent sessions belong to the user who made them (issue 17): with a subscriber offline and QoS 1
// messages queued for it, another user connecting with its client id is refused (clean or not) and gets
// nothing; the subscriber comes back to its whole queue, also after a broker restart. A session whose
// user was removed, or one stored before sessions had owners, is discarded instead of handed over.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import t, { type Test } from 'tap';
import { removeUser, setUser } from '../../central/broker/credentials.js';
import { readingsPayload } from '../../scripts/benches/sample-messages.js';
import { startEmbedded, USERS, writeUsers, type TestEmbedded } from '../helpers/broker-users.js';
import { kill9, startBareAedesProcess } from '../helpers/broker-processes.js';
import { freePort } from '../helpers/env.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NOC2 = { username: 'noc-2', password: 'pw-noc-2', role: 'subscriber' } as const;
const as = (u: { username: string; password: string }, clientId: string, clean = false): IClientOptions => ({
  clientId,
  username: u.username,
  password: u.password,
  reconnectPeriod: 0,
  connectTimeout: 5000,
  clean,
});

async function users(): Promise<string> {
  const file = await writeUsers();
  await setUser(file, NOC2, { scrypt: { N: 1024, r: 8, p: 1 }, mosquittoIterations: 101 });
  return file;
}

/** Connects and collects what arrives in the next 300 ms; sessionPresent from the CONNACK. */
async function resume(url: string, o: IClientOptions): Promise<{ sessionPresent: boolean; got: string[]; client: MqttClient }> {
  const client = mqtt.connect(url, o);
  const got: string[] = [];
  client.on('message', (_topic, payload) => got.push(String((JSON.parse(payload.toString()) as { seq: number }).seq)));
  const connack = await new Promise<{ sessionPresent: boolean }>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  await sleep(300);
  return { sessionPresent: connack.sessionPresent, got, client };
}

/** The subscriber `noc-1` (user noc) goes offline with `n` QoS 1 readings queued for it. */
async function queueFor(b: { url: string }, n: number): Promise<void> {
  const noc = await mqtt.connectAsync(b.url, as(USERS.noc, 'noc-1'));
  await noc.subscribeAsync('joulebook/v1/#', { qos: 1 });
  await noc.endAsync();
  const gw = await mqtt.connectAsync(b.url, as(USERS.a1, 'joulebook-gw-a1', true));
  for (let seq = 1; seq <= n; seq++)
    await gw.publishAsync('joulebook/v1/fra1/gw-a1/readings', readingsPayload({ gateway: 'gw-a1', seq, readings: 1 }), { qos: 1 });
  await gw.endAsync();
}

async function takeoversRefused(t: Test, b: TestEmbedded): Promise<void> {
  for (const [who, o] of [
    ['a gateway, clean session off', as(USERS.b2, 'noc-1')],
    ['another subscriber, clean session off', as(NOC2, 'noc-1')],
    ['the central user, clean session on (it would wipe the queue)', as(USERS.central, 'noc-1', true)],
  ] as const) {
    const got: string[] = [];
    const c = mqtt.connect(b.url, o);
    c.on('message', (topic) => got.push(topic));
    const err = await new Promise<Error | undefined>((resolve) => {
      c.once('error', resolve);
      c.once('connect', () => resolve(undefined));
    });
    t.match(err?.message, /Identifier rejected/, `${who}: refused`);
    await sleep(300);
    t.same(got, [], `${who}: got nothing`);
    await c.endAsync(true);
  }
}

t.test("another user with an offline subscriber's client id is refused; the subscriber gets its queue", async (t) => {
  const b = await startEmbedded({ usersFile: await users() });
  t.teardown(() => b.broker.stop(1000));
  await queueFor(b, 3);
  await takeoversRefused(t, b);
  t.equal(b.security.refusals().connect_client_id_owned, 3, 'counted');
  const back = await resume(b.url, as(USERS.noc, 'noc-1'));
  t.equal(back.sessionPresent, true, 'the owner resumes its session');
  t.same(back.got, ['1', '2', '3'], 'and receives its whole queue');
  await back.client.endAsync(true);
});

t.test('the binding survives a broker restart', async (t) => {
  const usersFile = await users();
  const first = await startEmbedded({ usersFile });
  await queueFor(first, 2);
  await first.broker.stop(1000);
  const b = await startEmbedded({ usersFile, dataDir: first.dataDir, port: first.port });
  t.teardown(() => b.broker.stop(1000));
  await takeoversRefused(t, b);
  const back = await resume(b.url, as(USERS.noc, 'noc-1'));
  t.same([back.sessionPresent, back.got], [true, ['1', '2']], 'the owner gets its queue after the restart');
  await back.client.endAsync(true);
});

t.test("a removed user's session is discarded, not handed to the next user of its client id", async (t) => {
  const usersFile = await users();
  const b = await startEmbedded({ usersFile });
  t.teardown(() => b.broker.stop(1000));
  await queueFor(b, 2);
  await removeUser(usersFile, 'noc');
  const next = await resume(b.url, as(NOC2, 'noc-1'));
  t.same([next.sessionPresent, next.got], [false, []], 'a clean session, none of the old queue');
  await next.client.endAsync();
  const again = await resume(b.url, as(NOC2, 'noc-1'));
  t.equal(again.sessionPresent, false, 'nothing was left behind (noc-2 subscribed to nothing)');
  await again.client.endAsync(true);
});

t.test('a session stored without an owner (an earlier version) is discarded on its first resume', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jb-sessions-'));
  const port = await freePort();
  const earlier = await startBareAedesProcess(dataDir, port);
  await queueFor({ url: `mqtt://127.0.0.1:${port}` }, 2);
  await kill9(earlier);
  const b = await startEmbedded({ dataDir, port });
  t.teardown(() => b.broker.stop(1000));
  const first = await resume(b.url, as(USERS.b2, 'noc-1'));
  t.same([first.sessionPresent, first.got], [false, []], 'a gateway resuming it gets a clean session and none of the queue');
  await first.client.endAsync(true);
});
