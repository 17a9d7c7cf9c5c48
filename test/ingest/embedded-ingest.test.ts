// The embedded broker's gate gives ack-after-store end to end: a gateway's QoS 1 publish resolves (PUBACK)
// only once the sink has stored it. Also: invalid messages acknowledged but not forwarded, sessions and
// queued messages surviving a broker restart, and stop letting admitted publishes finish.
import { createServer, type Socket } from 'node:net';
import t from 'tap';
import mqtt from 'mqtt';
import { Aedes } from 'aedes';
import { EmbeddedIngest } from '../../central/ingest/embedded-consumer.js';
import { IngestPipeline } from '../../central/ingest/pipeline.js';
import { systemClock } from '../../common/clock.js';
import { readingsPayload } from '../../scripts/benches/sample-messages.js';
import { freePort, quietLog } from '../helpers/env.js';
import { MemorySink } from '../helpers/memory-sink.js';
import { startEmbedded, USERS, writeUsers } from '../helpers/broker-users.js';
import { waitFor } from '../helpers/wait.js';

const T = 'joulebook/v1/fra1/gw-a1/readings';
const gw = (clientId: string) => ({ clientId, username: USERS.a1.username, password: USERS.a1.password, reconnectPeriod: 0, clean: false });
// Only before negative asserts (no PUBACK yet, nothing retained): positives use waitFor.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ingest(sink: MemorySink) {
  const pipeline = new IngestPipeline({ sink, clock: systemClock, log: quietLog, options: { maxDelayMs: 2 } });
  return { pipeline, gate: new EmbeddedIngest({ pipeline }) };
}

t.test('finding: with aedes.subscribe, holding the deliver callback does not hold the QoS 1 PUBACK', async (t) => {
  const aedes = await Aedes.createBroker();
  const port = await freePort();
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    aedes.handle(s);
  }).listen(port, '127.0.0.1');
  t.teardown(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => aedes.close(() => r()));
  });
  let release: () => void = () => undefined;
  let delivered = false;
  await new Promise<void>((r) =>
    aedes.subscribe(
      'joulebook/#',
      (_p, cb) => {
        delivered = true;
        release = cb;
      },
      r,
    ),
  );
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'f1', reconnectPeriod: 0 });
  await c.publishAsync(T, 'x', { qos: 1 });
  t.ok(delivered, 'delivered to the in-process subscriber');
  t.pass('PUBACK arrived although the subscriber has not called back: aedes acknowledges QoS 1 before routing');
  release();
  await c.endAsync(true);
});

t.test('ack after store: the publish resolves only after the slow sink stored it', async (t) => {
  const sink = new MemorySink();
  const { gate } = ingest(sink);
  const b = await startEmbedded({ gate });
  t.teardown(() => b.broker.stop(1000));
  const c = await mqtt.connectAsync(b.url, gw('joulebook-gw-a1'));
  t.teardown(() => c.endAsync(true));

  sink.hold();
  let acked = false;
  const pub = c.publishAsync(T, readingsPayload({ gateway: 'gw-a1', seq: 1, readings: 200 }), { qos: 1 }).then(() => {
    acked = true;
  });
  await waitFor(() => sink.calls.length >= 1, { timeoutMs: 10_000, what: 'the message at the sink' });
  await sleep(300); // negative assert: a PUBACK sent too early would have arrived by now
  t.same(sink.calls, [1], 'the message reached the sink');
  t.equal(acked, false, 'no PUBACK while the store is pending (300 ms)');
  t.equal(sink.readings, 0);
  sink.release();
  await pub;
  t.equal(sink.readings, 200, 'stored before the PUBACK came');

  sink.delayMs = 150;
  const started = Date.now();
  await c.publishAsync(T, readingsPayload({ gateway: 'gw-a1', seq: 201, readings: 200 }), { qos: 1 });
  t.ok(Date.now() - started >= 140, `a 150 ms store delays the PUBACK (${Date.now() - started} ms)`);
  t.equal(sink.readings, 400);
});

t.test('a failing sink: no PUBACK until it recovers, then stored once', async (t) => {
  const sink = new MemorySink();
  const pipeline = new IngestPipeline({
    sink,
    clock: systemClock,
    log: quietLog,
    options: { maxDelayMs: 2, retryMinMs: 50, retryMaxMs: 100 },
  });
  const b = await startEmbedded({ gate: new EmbeddedIngest({ pipeline }) });
  t.teardown(() => b.broker.stop(1000));
  const c = await mqtt.connectAsync(b.url, gw('joulebook-gw-a1'));
  t.teardown(() => c.endAsync(true));
  sink.failNext(5);
  await c.publishAsync(T, readingsPayload({ gateway: 'gw-a1', seq: 1, readings: 10 }), { qos: 1 });
  t.equal(sink.calls.length, 6, 'five failures, then stored');
  t.match(pipeline.counters.snapshot(), { storeFailures: 5, readingsStored: 10, messagesStored: 1 });
});

t.test('an invalid message is acknowledged (no resend loop), counted, and not forwarded to subscribers', async (t) => {
  const sink = new MemorySink();
  const { gate, pipeline } = ingest(sink);
  const b = await startEmbedded({ gate });
  t.teardown(() => b.broker.stop(1000));
  const noc = await mqtt.connectAsync(b.url, {
    clientId: 'noc',
    username: USERS.noc.username,
    password: USERS.noc.password,
    reconnectPeriod: 0,
  });
  t.teardown(() => noc.endAsync(true));
  await noc.subscribeAsync('joulebook/v1/#', { qos: 1 });
  const got: string[] = [];
  noc.on('message', (_topic, payload) => got.push(payload.toString().slice(0, 20)));
  const c = await mqtt.connectAsync(b.url, gw('joulebook-gw-a1'));
  t.teardown(() => c.endAsync(true));
  await c.publishAsync(T, '{"not": "a readings message"}', { qos: 1, retain: true });
  await c.publishAsync(T, readingsPayload({ gateway: 'gw-b2', seq: 1, readings: 1 }), { qos: 1 });
  await c.publishAsync(T, readingsPayload({ gateway: 'gw-a1', seq: 1, readings: 1 }), { qos: 1 });
  // The valid message was published last: once it is here, an invalid one forwarded before it would be too.
  await waitFor(() => got.length >= 1, { timeoutMs: 10_000, what: 'the valid message at the subscriber' });
  t.equal(got.length, 1, 'only the valid message was forwarded');
  t.match(pipeline.counters.snapshot().rejected, { schema: 1, gateway_mismatch: 1 });
  t.equal(c.connected, true, 'the gateway stays connected');
  const late = await mqtt.connectAsync(b.url, {
    clientId: 'noc2',
    username: USERS.noc.username,
    password: USERS.noc.password,
    reconnectPeriod: 0,
  });
  const retained: string[] = [];
  late.on('message', (topic) => retained.push(topic));
  await late.subscribeAsync(T, { qos: 1 });
  await sleep(100); // negative assert: a retained message comes right after the SUBACK, if there is one
  t.same(retained, [], 'the invalid retained message was not kept');
  await late.endAsync(true);
});

t.test('sessions and queued QoS 1 messages survive a broker restart (level persistence)', async (t) => {
  const usersFile = await writeUsers();
  const first = await startEmbedded({ usersFile });
  const noc = await mqtt.connectAsync(first.url, {
    clientId: 'noc-durable',
    username: USERS.noc.username,
    password: USERS.noc.password,
    clean: false,
    reconnectPeriod: 0,
  });
  await noc.subscribeAsync('joulebook/v1/+/+/status', { qos: 1 });
  await noc.endAsync();
  const c = await mqtt.connectAsync(first.url, gw('gw-a1-x'));
  for (let i = 1; i <= 3; i++)
    await c.publishAsync('joulebook/v1/fra1/gw-a1/status', JSON.stringify({ v: 1, gateway: 'gw-a1', boot: 'b', state: 'online', ts: i }), {
      qos: 1,
    });
  await c.endAsync();
  await first.broker.stop(1000);

  const second = await startEmbedded({ usersFile, dataDir: first.dataDir, port: first.port });
  t.teardown(() => second.broker.stop(1000));
  const got: number[] = [];
  const back = mqtt.connect(second.url, {
    clientId: 'noc-durable',
    username: USERS.noc.username,
    password: USERS.noc.password,
    clean: false,
    reconnectPeriod: 0,
  });
  back.on('message', (_t, p) => got.push((JSON.parse(p.toString()) as { ts: number }).ts));
  const connack = await new Promise<{ sessionPresent: boolean }>((r) => back.once('connect', r));
  t.equal(connack.sessionPresent, true, 'the session was kept');
  await waitFor(() => got.length >= 3, { timeoutMs: 10_000, what: () => `3 queued messages after the restart (${got.length})` });
  t.same(got, [1, 2, 3], 'the three queued messages were delivered after the restart');
  await back.endAsync();
});

t.test('stop lets an admitted publish be stored and acknowledged before closing', async (t) => {
  const sink = new MemorySink();
  sink.delayMs = 200;
  const { gate } = ingest(sink);
  const b = await startEmbedded({ gate });
  const c = await mqtt.connectAsync(b.url, gw('joulebook-gw-a1'));
  let acked = false;
  const pub = c.publishAsync(T, readingsPayload({ gateway: 'gw-a1', seq: 1, readings: 5 }), { qos: 1 }).then(() => {
    acked = true;
  });
  await waitFor(() => sink.calls.length >= 1, { timeoutMs: 10_000, what: 'the publish admitted and at the sink' });
  await b.broker.stop(2000);
  await waitFor(() => acked, { timeoutMs: 10_000, what: 'the PUBACK of the admitted publish' });
  await pub;
  t.equal(acked, true, 'acknowledged during stop');
  t.equal(sink.readings, 5);
  await c.endAsync(true);
});
