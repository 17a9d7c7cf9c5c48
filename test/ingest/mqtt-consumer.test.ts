// The external-broker consumer on a private Mosquitto: two instances in one $share group split the
// messages and together store each exactly once; an instance killed before its store resolved gets the
// unacknowledged messages again after it reconnects; the PUBACK waits for the store.
import t from 'tap';
import mqtt from 'mqtt';
import { systemClock } from '../../common/clock.js';
import { MqttIngestConsumer } from '../../central/ingest/mqtt-consumer.js';
import { IngestPipeline } from '../../central/ingest/pipeline.js';
import { readingsPayload } from '../../scripts/benches/sample-messages.js';
import { hasMosquitto, startMosquitto } from '../helpers/brokers.js';
import { freePort, needPeer, quietLog } from '../helpers/env.js';
import { MemorySink } from '../helpers/memory-sink.js';
import { waitFor } from '../helpers/wait.js';

// Only for the negative asserts below (nothing acknowledged, nothing redelivered): positives use waitFor.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const topic = (gw: string) => `joulebook/v1/fra1/${gw}/readings`;

function consumer(url: string, clientId: string, sink: MemorySink, shareGroup?: string) {
  const pipeline = new IngestPipeline({ sink, clock: systemClock, log: quietLog, options: { maxDelayMs: 5 } });
  const c = new MqttIngestConsumer({
    options: { url, clientId, reconnectMinMs: 200, ...(shareGroup ? { shareGroup } : {}) },
    pipeline,
    log: quietLog,
  });
  return { c, pipeline };
}

const seqs = (sink: MemorySink) => sink.stored.map((b) => (b.kind === 'readings' ? `${b.gateway}:${b.message.seq}` : '?'));

t.test('two instances in one $share group split the messages; each stored exactly once', async (t) => {
  if (!needPeer(t, hasMosquitto(), 'mosquitto')) return;
  const broker = await startMosquitto(await freePort());
  t.teardown(() => broker.close());
  const sinkA = new MemorySink();
  const sinkB = new MemorySink();
  const a = consumer(broker.url, 'central-a', sinkA, 'central');
  const b = consumer(broker.url, 'central-b', sinkB, 'central');
  t.equal(a.c.subscription, '$share/central/joulebook/v1/+/+/+');
  await a.c.start();
  await b.c.start();
  const pub = await mqtt.connectAsync(broker.url, { clientId: 'gw-pub', reconnectPeriod: 0 });
  const N = 400;
  for (let i = 0; i < N; i++)
    await pub.publishAsync(topic(`gw-${i % 4}`), readingsPayload({ gateway: `gw-${i % 4}`, seq: i + 1, readings: 20 }), { qos: 1 });
  await waitFor(() => sinkA.stored.length + sinkB.stored.length >= N, {
    timeoutMs: 20_000,
    what: () => `${N} messages stored (A ${sinkA.stored.length}, B ${sinkB.stored.length})`,
  });
  await pub.endAsync();
  const all = [...seqs(sinkA), ...seqs(sinkB)];
  t.equal(all.length, N, `${N} messages stored in all (A ${sinkA.stored.length}, B ${sinkB.stored.length})`);
  t.equal(new Set(all).size, N, 'each exactly once');
  t.ok(sinkA.stored.length > N / 10 && sinkB.stored.length > N / 10, 'both instances took a share');
  t.equal(sinkA.readings + sinkB.readings, N * 20);
  t.equal(a.c.counters.acksSent + b.c.counters.acksSent, N, 'one PUBACK per stored message');
  t.ok(sinkA.calls.length < sinkA.stored.length, `messages were grouped (${sinkA.stored.length} in ${sinkA.calls.length} stores)`);
  await a.c.stop(1000);
  await b.c.stop(1000);
});

t.test('killed before its store resolved: the unacknowledged messages come again after reconnect', async (t) => {
  if (!needPeer(t, hasMosquitto(), 'mosquitto')) return;
  const broker = await startMosquitto(await freePort());
  t.teardown(() => broker.close());
  const hung = new MemorySink();
  hung.hold();
  const first = consumer(broker.url, 'central-a', hung, 'central');
  await first.c.start();
  const pub = await mqtt.connectAsync(broker.url, { clientId: 'gw-pub', reconnectPeriod: 0 });
  for (let i = 1; i <= 5; i++)
    await pub.publishAsync(topic('gw-a1'), readingsPayload({ gateway: 'gw-a1', seq: i, readings: 3 }), { qos: 1 });
  await waitFor(() => first.c.counters.messages >= 5, {
    timeoutMs: 10_000,
    what: () => `5 messages at the instance (${first.c.counters.messages})`,
  });
  t.equal(first.c.counters.messages, 5, 'all five reached the instance');
  await waitFor(() => hung.calls.length >= 1, { timeoutMs: 10_000, what: 'a store call to the hung sink' });
  t.ok(hung.calls.length >= 1, 'and its sink, which never finishes');
  t.equal(first.c.counters.acksSent, 0, 'nothing acknowledged');
  await first.c.abort();

  const sink = new MemorySink();
  const again = consumer(broker.url, 'central-a', sink, 'central');
  await again.c.start();
  await sink.storedAtLeast(5);
  t.same(seqs(sink).sort(), ['gw-a1:1', 'gw-a1:2', 'gw-a1:3', 'gw-a1:4', 'gw-a1:5'], 'redelivered to the same session and stored');
  await waitFor(() => again.c.counters.acksSent >= 5, { timeoutMs: 10_000, what: () => `5 PUBACKs (${again.c.counters.acksSent})` });
  t.equal(again.c.counters.acksSent, 5);
  await again.c.stop(1000);
  hung.release();
  await first.pipeline.stop(100);
  await pub.endAsync();
});

t.test('the PUBACK to the broker waits for the store: an unacknowledged message stays in flight', async (t) => {
  if (!needPeer(t, hasMosquitto(), 'mosquitto')) return;
  const broker = await startMosquitto(await freePort());
  t.teardown(() => broker.close());
  const sink = new MemorySink();
  sink.hold();
  const a = consumer(broker.url, 'central-solo', sink);
  await a.c.start();
  const pub = await mqtt.connectAsync(broker.url, { clientId: 'gw-pub2', reconnectPeriod: 0 });
  await pub.publishAsync(topic('gw-a1'), readingsPayload({ gateway: 'gw-a1', seq: 1, readings: 1 }), { qos: 1 });
  await waitFor(() => sink.calls.length >= 1, { timeoutMs: 10_000, what: 'the message at the sink' });
  await sleep(200); // negative assert: give a wrong early PUBACK time to show
  t.equal(a.c.counters.acksSent, 0, 'no PUBACK while the store is pending');
  sink.release();
  await sink.storedAtLeast(1);
  await waitFor(() => a.c.counters.acksSent >= 1, { timeoutMs: 10_000, what: 'the PUBACK after the store' });
  t.equal(a.c.counters.acksSent, 1, 'PUBACK once stored');
  // Stopped and started again on the same session: nothing is redelivered, it was acknowledged.
  await a.c.stop(1000);
  const sink2 = new MemorySink();
  const b = consumer(broker.url, 'central-solo', sink2);
  await b.c.start();
  await sleep(300); // negative assert: time for a redelivery to arrive, if there were one
  t.equal(sink2.stored.length, 0, 'the acknowledged message is not delivered again');
  await b.c.stop(1000);
  await pub.endAsync();
});
