// Last Wills on the embedded broker (issue 17): a gateway may not set a will on another gateway's topics
// (refused at CONNECT, nothing stored), and wills left in the database by an earlier run are checked
// against the user who set them when the central node comes back after a crash: a forged reading or a
// forged retained status is never stored nor served, a gateway's own will still is.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import t from 'tap';
import { removeUser } from '../../central/broker/credentials.js';
import { EmbeddedIngest } from '../../central/ingest/embedded-consumer.js';
import { IngestPipeline } from '../../central/ingest/pipeline.js';
import { systemClock } from '../../common/clock.js';
import { readingsMessage } from '../../scripts/benches/sample-messages.js';
import { startEmbedded, USERS, writeUsers } from '../helpers/broker-users.js';
import { kill9, startBareAedesProcess, startCentralProcess, storedWills } from '../helpers/broker-processes.js';
import { freePort, quietLog } from '../helpers/env.js';
import { MemorySink } from '../helpers/memory-sink.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const as = (u: { username: string; password: string }, clientId: string, will?: IClientOptions['will']): IClientOptions => ({
  clientId,
  username: u.username,
  password: u.password,
  reconnectPeriod: 0,
  connectTimeout: 5000,
  clean: false,
  ...(will ? { will } : {}),
});

/** The attack: 99,999 W and 999,999 kWh on gw-b2's rack PDU, in a message that names gw-b2. */
const FORGED_READING = (() => {
  const m = readingsMessage({ gateway: 'gw-b2', seq: 1, readings: 1 });
  m.readings[0]!.values = { power_w: 99_999, energy_import_kwh: 999_999 };
  return Buffer.from(JSON.stringify(m));
})();
const status = (gateway: string, state: 'online' | 'offline') => Buffer.from(JSON.stringify({ v: 1, gateway, boot: 'b', state, ts: 1 }));
const FORGED_READING_WILL = { topic: 'joulebook/v1/fra1/gw-b2/readings', payload: FORGED_READING, qos: 1 as const, retain: false };
const FORGED_STATUS_WILL = { topic: 'joulebook/v1/fra1/gw-b2/status', payload: status('gw-b2', 'offline'), qos: 1 as const, retain: true };

function ingest() {
  const sink = new MemorySink();
  const pipeline = new IngestPipeline({ sink, clock: systemClock, log: quietLog, options: { maxDelayMs: 2 } });
  return { sink, gate: new EmbeddedIngest({ pipeline }) };
}

/** The retained messages a new subscriber of `filter` is served (within 300 ms). */
async function retained(url: string, filter: string): Promise<Record<string, string>> {
  const c = await mqtt.connectAsync(url, { ...as(USERS.noc, `probe-${Math.random()}`), clean: true });
  const got: Record<string, string> = {};
  c.on('message', (topic, payload, packet) => {
    if (packet.retain) got[topic] = payload.toString();
  });
  await c.subscribeAsync(filter, { qos: 1 });
  await sleep(300);
  await c.endAsync(true);
  return got;
}

t.test("a will on another gateway's topics is refused at CONNECT (not authorized) and never stored", async (t) => {
  const { gate } = ingest();
  const b = await startEmbedded({ gate });
  let stopped = false;
  t.teardown(() => (stopped ? undefined : b.broker.stop(1000)));
  await t.rejects(
    mqtt.connectAsync(b.url, as(USERS.a1, 'joulebook-gw-a1', FORGED_READING_WILL)),
    /Not authorized/,
    "a will on gw-b2's readings",
  );
  await t.rejects(
    mqtt.connectAsync(b.url, as(USERS.a1, 'joulebook-gw-a1', FORGED_STATUS_WILL)),
    /Not authorized/,
    "a retained will on gw-b2's status",
  );
  await t.rejects(
    mqtt.connectAsync(
      b.url,
      as(USERS.noc, 'noc-1', { topic: 'joulebook/v1/central/alerts', payload: Buffer.from('x'), qos: 0, retain: false }),
    ),
    /Not authorized/,
    'a subscriber may not set a will at all',
  );
  const own = await mqtt.connectAsync(
    b.url,
    as(USERS.a1, 'joulebook-gw-a1', { topic: 'joulebook/v1/fra1/gw-a1/status', payload: status('gw-a1', 'offline'), qos: 1, retain: true }),
  );
  t.pass('a will on its own status is accepted');
  t.equal(b.security.refusals().connect_will_not_permitted, 3, 'counted');
  await own.endAsync();
  await b.broker.stop(1000);
  stopped = true;
  const left = (await storedWills(b.dataDir)).map((w) => w.topic);
  t.same(
    left.filter((topic) => topic !== 'joulebook/v1/fra1/gw-a1/status'),
    [],
    `none of the refused wills is in the database (${left.join(', ') || 'none at all'})`,
  );
});

t.test('wills stored unchecked before a crash are dropped at restart: no forged reading, no forged status', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jb-wills-'));
  const port = await freePort();
  // What an earlier version did: store any will at CONNECT. Then the node dies without publishing them.
  const earlier = await startBareAedesProcess(dataDir, port);
  const url = `mqtt://127.0.0.1:${port}`;
  const forgers: MqttClient[] = [];
  for (const [id, will] of [
    ['joulebook-gw-a1', FORGED_READING_WILL],
    ['gw-a1-second', FORGED_STATUS_WILL],
  ] as const)
    forgers.push(await mqtt.connectAsync(url, as(USERS.a1, id, will)));
  await kill9(earlier);
  for (const c of forgers) await c.endAsync(true);
  t.equal((await storedWills(dataDir)).length, 2, 'two forged wills in the database');

  const { sink, gate } = ingest();
  const b = await startEmbedded({ gate, dataDir, port, broker: { heartbeatIntervalMs: 50 } });
  t.teardown(() => b.broker.stop(1000));
  const noc = await mqtt.connectAsync(b.url, as(USERS.noc, 'noc-1'));
  t.teardown(() => noc.endAsync(true));
  const delivered: string[] = [];
  noc.on('message', (topic) => delivered.push(topic));
  await noc.subscribeAsync('joulebook/v1/#', { qos: 1 });
  await sleep(800); // aedes publishes an earlier run's wills every 4 heartbeats (200 ms here)

  t.equal(b.security.refusals().stale_will_not_permitted, 2, 'both refused: nobody is recorded as their owner');
  t.equal(sink.readings, 0, 'no forged reading stored');
  t.same(delivered, [], 'nothing delivered to the subscriber');
  t.same(await retained(b.url, 'joulebook/v1/fra1/gw-b2/#'), {}, 'no forged retained status served');
});

t.test("after kill -9 of the central node: a gateway's own will is published, one whose user lost the right is not", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-wills-central-'));
  const usersFile = await writeUsers(dir);
  const port = await freePort();
  const config = join(dir, 'central.yaml');
  writeFileSync(
    config,
    [`broker: { embedded: { host: 127.0.0.1, port: ${port}, credentials: ${usersFile} } }`, 'log: { level: info }', ''].join('\n'),
  );
  const central = await startCentralProcess(config);
  t.teardown(() => kill9(central));
  const url = `mqtt://127.0.0.1:${port}`;
  const willOf = (gw: string) => ({
    topic: `joulebook/v1/fra1/${gw}/status`,
    payload: status(gw, 'offline'),
    qos: 1 as const,
    retain: true,
  });
  const a1 = await mqtt.connectAsync(url, as(USERS.a1, 'joulebook-gw-a1', willOf('gw-a1')));
  const b2 = await mqtt.connectAsync(url, as(USERS.b2, 'joulebook-gw-b2', willOf('gw-b2')));
  await kill9(central);
  await a1.endAsync(true);
  await b2.endAsync(true);
  t.equal((await storedWills(join(dir, 'data', 'broker'))).length, 2, 'both wills survived the crash');

  const { gate } = ingest();
  const b = await startEmbedded({ gate, dataDir: join(dir, 'data', 'broker'), port, usersFile, broker: { heartbeatIntervalMs: 50 } });
  t.teardown(() => b.broker.stop(1000));
  t.equal(b.security.refusals().stale_will_not_permitted, 0, 'at start both owners may publish there');
  // gw-b2 is removed while the node runs; the next sign-in re-reads the credentials.
  await removeUser(usersFile, 'gw-b2');
  await (await mqtt.connectAsync(b.url, { ...as(USERS.noc, 'noc-x'), clean: true })).endAsync();
  await sleep(800);

  t.same(
    await retained(b.url, 'joulebook/v1/fra1/+/status'),
    { 'joulebook/v1/fra1/gw-a1/status': status('gw-a1', 'offline').toString() },
    "gw-a1's offline status is served; gw-b2's is not",
  );
  t.equal(b.security.refusals().stale_will_not_permitted, 1, "gw-b2's will refused when aedes published it");
});
