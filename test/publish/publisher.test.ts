// Publisher behaviour on an in-process aedes broker: items that fail the wire schema are dropped, never
// offered to the broker; meta and status are retained; the Last Will marks a vanished gateway offline.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { systemClock } from '../../common/clock.js';
import { Outbox } from '../../gateway/outbox/outbox.js';
import { batchItems, buildMessage, checkPayload } from '../../gateway/publish/message.js';
import { Publisher } from '../../gateway/publish/publisher.js';
import type { StatusMessage } from '../../protocol/wire.js';
import { MetaMessage, ReadingsMessage } from '../../protocol/wire.js';
import { freePort, quietLog } from '../helpers/env.js';
import { startAedes } from '../helpers/brokers.js';
import { waitFor } from '../helpers/gateway.js';

const reading = (ts: number, channel = 'total') => ({
  device: 'm1',
  channel,
  ts,
  values: { energy_import_kwh: ts / 1000 },
  quality: 'good',
});

function makePublisher(url: string, outbox: Outbox) {
  return new Publisher({
    options: {
      url,
      clientId: 'gw-pub-test',
      site: 'ams1',
      gateway: 'gw-pub',
      boot: '1-test',
      inFlight: 4,
      maxPayloadBytes: 65536,
      replayReadingsPerS: 1e6,
      keepaliveS: 5,
      reconnectMinMs: 100,
      reconnectMaxMs: 200,
      statusIntervalMs: 1000,
    },
    outbox,
    clock: systemClock,
    log: quietLog,
    meta: () => ({
      version: 'test',
      configHash: 'abc',
      site: 'ams1',
      room: 'r1',
      devices: [{ id: 'm1', kind: 'modbus', profile: 'eastron-sdm630' }],
    }),
  });
}

t.test('message building and checking', async (t) => {
  const items = [1, 2, 3].map((i) => ({
    seq: i,
    kind: 'readings' as const,
    ts: 1000 + i,
    count: 1,
    body: JSON.stringify([reading(1000 + i)]),
  }));
  const events = {
    seq: 4,
    kind: 'events' as const,
    ts: 2000,
    count: 1,
    body: JSON.stringify([{ type: 'clock_jump', ts: 2000, deltaMs: 5 }]),
  };
  t.equal(batchItems([...items, events], 1e6, 0).length, 3, 'a message holds one kind');
  t.equal(batchItems(items, 1e6, 1002.5).length, 2, 'historical and live items travel apart');
  t.equal(batchItems(items, 300, 0).length, 1, 'the payload limit splits batches');
  const msg = buildMessage(items, { gateway: 'gw', boot: 'b', sentAt: 5 }, false);
  t.match(ReadingsMessage.parse(JSON.parse(msg.payload)), {
    seq: 1,
    seqEnd: 3,
    historical: false,
    readings: [{ ts: 1001 }, { ts: 1002 }, { ts: 1003 }],
  });
  t.equal(checkPayload('readings', msg.payload, 1e6), undefined);
  t.match(checkPayload('readings', msg.payload, 100), /exceeds 100/);
  t.match(checkPayload('readings', '{"v":1', 1e6), /not JSON/);
  t.match(
    checkPayload(
      'readings',
      buildMessage([{ ...items[0]!, body: JSON.stringify([reading(1, 'outlet:0')]) }], { gateway: 'gw', boot: 'b', sentAt: 5 }, false)
        .payload,
      1e6,
    ),
    /channel/,
  );
});

t.test('poison items are dropped before the broker; retained meta and status; the Last Will', async (t) => {
  const broker = await startAedes(await freePort());
  t.teardown(() => broker.close());
  const refused: string[] = [];
  broker.broker.on('publish', (packet) => {
    if (packet.topic.endsWith('/readings'))
      refused.push(...(ReadingsMessage.safeParse(JSON.parse(packet.payload.toString())).success ? [] : [packet.topic]));
  });
  const outbox = Outbox.open(
    { file: join(mkdtempSync(join(tmpdir(), 'jb-pub-')), 'o.db'), maxBytes: 1e9, maxAgeMs: 1e12 },
    systemClock,
    quietLog,
  );
  const now = Date.now();
  outbox.append('readings', [reading(now)], now);
  outbox.append('readings', [{ device: 'm1', channel: 'no such channel', ts: now + 1, values: {}, quality: 'good' }], now + 1); // poison
  outbox.commit();
  const sub = await mqtt.connectAsync(broker.url, { clientId: 'watcher' });
  t.teardown(() => sub.endAsync(true));
  const got: { topic: string; body: unknown; retain: boolean }[] = [];
  sub.on('message', (topic, payload, packet) => got.push({ topic, body: JSON.parse(payload.toString()), retain: packet.retain }));
  await sub.subscribeAsync('joulebook/v1/ams1/gw-pub/#', { qos: 1 });

  const pub = makePublisher(broker.url, outbox);
  pub.start();
  t.ok(
    await waitFor(() => got.some((g) => g.topic.endsWith('/readings')) && pub.counters.get('rejected') === 1, 5000),
    'the good item is published, the poison one rejected',
  );
  outbox.append('readings', [reading(now + 2)], now + 2);
  outbox.commit();
  pub.pump();
  t.ok(
    await waitFor(() => got.filter((g) => g.topic.endsWith('/readings')).length === 2, 5000),
    'publishing goes on after the poison item',
  );
  t.same(refused, [], 'the broker never saw an invalid message');
  outbox.commit();
  t.ok(
    await waitFor(() => {
      outbox.commit();
      return outbox.size.items === 0;
    }, 3000),
    'acknowledged items, and the poison one, leave the outbox',
  );
  t.ok(MetaMessage.safeParse(got.find((g) => g.topic.endsWith('/meta'))?.body).success, 'meta on connect');
  t.equal((got.find((g) => g.topic.endsWith('/status'))?.body as StatusMessage).state, 'online');

  // A second watcher joining later gets the retained status and meta.
  const late = await mqtt.connectAsync(broker.url, { clientId: 'late' });
  t.teardown(() => late.endAsync(true));
  const retained: string[] = [];
  late.on('message', (topic, _p, packet) => {
    if (packet.retain) retained.push(topic.split('/').pop()!);
  });
  await late.subscribeAsync('joulebook/v1/ams1/gw-pub/+', { qos: 1 });
  t.ok(await waitFor(() => retained.includes('meta') && retained.includes('status'), 3000), 'meta and status are retained');

  // The gateway vanishes without a goodbye: the broker publishes its will.
  await broker.down();
  await broker.up();
  const offline = () => got.some((g) => g.topic.endsWith('/status') && (g.body as StatusMessage).state === 'offline');
  await pub.stop();
  t.ok(await waitFor(offline, 5000), 'offline status published');
  outbox.close();
});
