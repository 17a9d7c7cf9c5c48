// The broker goes away while the gateway polls, and comes back: the subscriber gets every reading, exactly
// once after dropping duplicates by identity, in order per channel; the backlog arrives flagged historical.
import t, { type Test } from 'tap';
import { startModbusSim } from '../../sim/modbus/start.js';
import type { Reading } from '../../protocol/reading.js';
import { freePort, needPeer } from '../helpers/env.js';
import { hasMosquitto, startAedes, startMosquitto, type TestBroker } from '../helpers/brokers.js';
import { demoConfig, identity, runGateway, subscribe, waitFor } from '../helpers/gateway.js';
import { builtinProfiles } from '../helpers/modbus.js';
import { waitFor as waitUntil } from '../helpers/wait.js';

/**
 * How long the broker is away: the scenario, long enough for the gateway to poll and queue a backlog. (A
 * restarted Mosquitto keeps the subscriber's session now that its persistence folder is writable for it, see
 * test/helpers/brokers.ts; before, an outage of ~0.2 s lost readings in 7 of 12 runs.)
 */
const OUTAGE_MS = 1500;

async function outage(t: Test, broker: TestBroker): Promise<void> {
  const simPort = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port: simPort },
    meters: [1, 2, 3].map((unit) => ({ unit, profile: sdm })),
  });
  t.teardown(() => sim.close());
  const sub = await subscribe(broker.url);
  t.teardown(() => sub.close());
  const produced: Reading[] = [];
  const gw = await runGateway(demoConfig(broker.url, simPort), produced);
  let stopped = false;
  t.teardown(async () => {
    if (!stopped) await gw.stop();
  });

  t.ok(await waitFor(() => sub.readings().length > 20, 5000), 'readings flow');
  await broker.down();
  const atDown = produced.length;
  // The broker stays away OUTAGE_MS (the scenario, not a wait for something), and until enough was polled.
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  await waitUntil(() => produced.length > atDown + 20 && gw.outbox.size.entries > 0, {
    timeoutMs: 10_000,
    what: () => `20 readings polled during the outage (${produced.length - atDown}) and kept in the outbox (${gw.outbox.size.entries})`,
  });
  t.ok(produced.length > atDown + 20, `polling went on during the outage (${produced.length - atDown} readings)`);
  t.ok(gw.outbox.size.entries > 0, `the outbox holds them (${gw.outbox.size.entries})`);
  await broker.up();
  const upAt = Date.now();
  t.ok(await waitFor(() => (gw.outbox.size.oldestTs ?? Infinity) > upAt, 15_000), 'the backlog drains while live readings flow');
  await gw.acquisition.stop();
  await waitUntil(() => gw.outbox.size.entries === 0, {
    timeoutMs: 10_000,
    what: () => `the outbox to empty (${gw.outbox.size.entries} entries)`,
  });
  const expected = new Set(produced.map(identity));
  t.ok(await waitFor(() => new Set(sub.readings().map(identity)).size >= expected.size, 10_000), 'the subscriber caught up');
  await gw.stop();
  stopped = true;

  const received = sub.readings();
  const unique = new Map(received.map((r) => [identity(r), r]));
  t.equal(
    unique.size,
    expected.size,
    `every reading arrived: ${expected.size} produced, ${unique.size} distinct received (${received.length} with duplicates)`,
  );
  t.same(
    [...expected].filter((k) => !unique.has(k)),
    [],
    'none missing',
  );
  t.same(
    [...unique.keys()].filter((k) => !expected.has(k)),
    [],
    'none invented',
  );
  const lastTs = new Map<string, number>();
  const seen = new Set<string>();
  let outOfOrder = 0;
  for (const r of received) {
    const id = identity(r);
    if (seen.has(id)) continue;
    seen.add(id);
    const key = `${r.device}|${r.channel}`;
    if ((lastTs.get(key) ?? 0) > r.ts) outOfOrder++;
    lastTs.set(key, r.ts);
  }
  t.equal(outOfOrder, 0, 'in order per channel');
  t.ok(
    sub.messages.some((m) => m.historical),
    'the backlog came flagged historical',
  );
  t.ok(
    sub.messages.every((m) => m.gateway === 'gw-test' && m.boot === gw.boot),
    'envelope names gateway and boot',
  );
}

t.test('outage against an in-process aedes broker', async (t) => {
  const broker = await startAedes(await freePort());
  t.teardown(() => broker.close());
  await outage(t, broker);
});

t.test('outage against a real Mosquitto', async (t) => {
  if (!needPeer(t, hasMosquitto(), 'mosquitto')) return;
  const broker = await startMosquitto(await freePort());
  t.teardown(() => broker.close());
  await outage(t, broker);
});
