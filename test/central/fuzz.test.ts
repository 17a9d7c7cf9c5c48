// 100,000 malformed or hostile messages through the embedded broker of a running central node, beside
// a gateway's valid traffic: bad JSON, wrong types, huge batches, foreign topics, payloads that speak for
// another gateway, publishes under another gateway's prefix, and packets beyond the broker's size bound. No
// crash; every one rejected and counted by reason; every valid reading stored.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import t from 'tap';
import { setUser } from '../../central/broker/credentials.js';
import { CentralConfig } from '../../central/config/central-schema.js';
import { resolvePaths } from '../../central/config/central-load.js';
import { systemClock } from '../../common/clock.js';
import { readingsMessage } from '../../scripts/benches/sample-messages.js';
import { startCentral } from '../../central/main.js';
import { topicFor } from '../../protocol/wire.js';
import { freePort, quietLog } from '../helpers/env.js';
import { waitFor } from '../helpers/gateway.js';

const HOSTILE = 100_000;
const FAST = { scrypt: { N: 1024, r: 8, p: 1 }, mosquittoIterations: 101 };

/** Deterministic hostile messages: [topic, payload, expected rejection]. */
function hostile(i: number, rnd: () => number): [string, Buffer | string, string] {
  const own = (kind: string) => `joulebook/v1/ams1/gw-f/${kind}`;
  const valid = readingsMessage({ gateway: 'gw-f', seq: 10_000_000 + i * 10, readings: 3 });
  switch (i % 8) {
    case 0:
      return [own('readings'), Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256))), 'bad_json'];
    case 1:
      return [own('readings'), JSON.stringify(valid).slice(0, 40 + Math.floor(rnd() * 100)), 'bad_json'];
    case 2:
      return [own('readings'), JSON.stringify({ ...valid, seq: String(valid.seq) }), 'schema'];
    case 3:
      return [own('events'), JSON.stringify({ ...valid, events: [{ type: 'counter_epoch', ts: 'soon' }] }), 'schema'];
    case 4:
      return [
        own('readings'),
        JSON.stringify({ ...valid, readings: valid.readings.map((r) => ({ ...r, values: { power_w: 'lots' } })) }),
        'schema',
      ];
    case 5:
      return [own(['config', 'firmware', 'readings2', 'x'][i % 4]!), JSON.stringify(valid), 'foreign_topic'];
    case 6:
      return [own('readings'), JSON.stringify({ ...valid, gateway: 'gw-victim' }), 'gateway_mismatch'];
    default:
      return [own('readings'), JSON.stringify({ v: 1, values: [null, {}, [], 1e308, -0] }), 'schema'];
  }
}

async function publishAll(c: MqttClient, messages: Iterable<[string, Buffer | string]>, window = 128): Promise<void> {
  const inflight = new Set<Promise<unknown>>();
  for (const [topic, payload] of messages) {
    if (inflight.size >= window) await Promise.race(inflight);
    const p = c.publishAsync(topic, payload, { qos: 1 }).finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
}

t.test(`${HOSTILE.toLocaleString('en')} hostile messages while valid traffic flows`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-fuzz-'));
  const credentials = join(dir, 'credentials.yaml');
  for (const gw of ['gw-f', 'gw-ok'])
    await setUser(credentials, { username: gw, password: 'pw', role: 'gateway', site: 'ams1', gateway: gw }, FAST);
  const port = await freePort();
  const config = resolvePaths(
    CentralConfig.parse({ broker: { embedded: { host: '127.0.0.1', port, credentials: 'credentials.yaml' } } }),
    dir,
  );
  const central = await startCentral({ config, clock: systemClock, log: quietLog });
  t.teardown(() => central.stop());
  const url = `mqtt://127.0.0.1:${port}`;

  const ok = await mqtt.connectAsync(url, { clientId: 'gw-ok', username: 'gw-ok', password: 'pw', clean: false });
  t.teardown(() => ok.endAsync(true));
  let validSent = 0;
  let flowing = true;
  const valid = (async () => {
    while (flowing) {
      await ok.publishAsync(
        topicFor('ams1', 'gw-ok', 'readings'),
        JSON.stringify(readingsMessage({ gateway: 'gw-ok', seq: validSent * 20 + 1, readings: 20 })),
        { qos: 1 },
      );
      validSent++;
      await new Promise((r) => setTimeout(r, 5));
    }
  })();

  const f = await mqtt.connectAsync(url, { clientId: 'gw-f', username: 'gw-f', password: 'pw' });
  t.teardown(() => f.endAsync(true));
  let x = 42;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const expected = new Map<string, number>();
  const hostileCount = HOSTILE - 210;
  function* messages(): Generator<[string, Buffer | string]> {
    for (let i = 0; i < hostileCount; i++) {
      const [topic, payload, reason] = hostile(i, rnd);
      expected.set(reason, (expected.get(reason) ?? 0) + 1);
      yield [topic, payload];
    }
    // Huge batches: over the payload bound (about 133 KB of 128 KiB), within the broker's packet bound.
    for (let i = 0; i < 100; i++) {
      expected.set('too_large', (expected.get('too_large') ?? 0) + 1);
      yield ['joulebook/v1/ams1/gw-f/readings', JSON.stringify(readingsMessage({ gateway: 'gw-f', seq: 1 + i * 3000, readings: 424 }))];
    }
  }
  await publishAll(f, messages());

  // Beyond the packet bound (about 940 KB): the broker closes the connection before reading the packet.
  for (let i = 0; i < 10; i++) {
    const rogue = await mqtt.connectAsync(url, { clientId: `gw-f-huge-${i}`, username: 'gw-f', password: 'pw', reconnectPeriod: 0 });
    rogue.on('error', () => undefined);
    const closed = new Promise<void>((r) => rogue.once('close', () => r()));
    rogue.publish(
      'joulebook/v1/ams1/gw-f/readings',
      JSON.stringify(readingsMessage({ gateway: 'gw-f', seq: 1 + i * 3000, readings: 3000 })),
      { qos: 1 },
    );
    await closed;
    await rogue.endAsync(true);
  }

  // A gateway writing as another: refused by the ACL; the broker closes that connection each time.
  for (let i = 0; i < 100; i++) {
    const rogue = await mqtt.connectAsync(url, { clientId: `gw-f-rogue-${i}`, username: 'gw-f', password: 'pw', reconnectPeriod: 0 });
    const closed = new Promise<void>((r) => rogue.once('close', () => r()));
    rogue.publish(
      topicFor('ams1', 'gw-ok', 'readings'),
      JSON.stringify(readingsMessage({ gateway: 'gw-ok', seq: 9_000_000, readings: 1 })),
      { qos: 1 },
    );
    await closed;
    await rogue.endAsync(true);
  }
  flowing = false;
  await valid;

  const c = central.pipeline.counters.snapshot();
  const refusals = central.security!.refusals();
  t.same(
    Object.fromEntries(Object.entries(c.rejected).filter(([, n]) => n > 0)),
    Object.fromEntries([...expected].sort()),
    'every hostile message rejected and counted by its reason',
  );
  t.equal(
    Object.values(c.rejected).reduce((a, b) => a + b, 0) + refusals.publish_not_permitted + refusals.packet_too_large,
    HOSTILE,
    `${HOSTILE} in all`,
  );
  t.equal(refusals.packet_too_large, 10, 'packets beyond the bound closed their connections');
  t.equal(refusals.publish_not_permitted, 100, 'publishes under another gateway refused by the ACL');
  t.ok(validSent > 20, `${validSent} valid messages sent meanwhile`);
  t.ok(await waitFor(() => central.pipeline.counters.snapshot().readingsStored === validSent * 20, 5000), 'every valid reading stored');
  const series = await central.store.listSeries({ site: 'ams1' });
  t.same([...new Set(series.map((s) => s.gateway))], ['gw-ok'], 'nothing of the hostile traffic reached the store');
  t.equal(
    series.reduce((s, x) => s + x.readingCount, 0),
    validSent * 20,
  );
});
