// Packet size and sign-in time limits of the embedded broker, on a real central node (issue 17): a socket
// announcing a 256 MiB CONNECT and streaming junk is closed after its first bytes and the node does not
// grow; an idle or trickling socket is closed after broker.embedded.connectTimeoutS; each refusal counted
// in /metrics. A gateway's largest payload still passes.
import { mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t, { type Test } from 'tap';
import { setUser } from '../../central/broker/credentials.js';
import { CentralConfig } from '../../central/config/central-schema.js';
import { resolvePaths } from '../../central/config/central-load.js';
import { systemClock } from '../../common/clock.js';
import { startCentral, type RunningCentral } from '../../central/main.js';
import { MAX_PAYLOAD_BYTES } from '../../protocol/wire.js';
import { freePort, quietLog } from '../helpers/env.js';
import { parsePrometheusText, value } from '../helpers/prom-text.js';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The first of these events (events.once would reject on the ECONNRESET a closed peer gives). */
const either = (e: { once(ev: string, f: () => void): unknown }, ...events: string[]) =>
  new Promise<void>((r) => {
    for (const ev of events) e.once(ev, () => r());
  });

async function node(t: Test): Promise<{ central: RunningCentral; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'jb-packet-limits-'));
  await setUser(
    join(dir, 'credentials.yaml'),
    { username: 'gw-a1', password: 'pw-a1', role: 'gateway', site: 'fra1', gateway: 'gw-a1' },
    { scrypt: { N: 1024, r: 8, p: 1 }, mosquittoIterations: 101 },
  );
  const port = await freePort();
  const config = resolvePaths(
    CentralConfig.parse({ broker: { embedded: { host: '127.0.0.1', port, credentials: 'credentials.yaml', connectTimeoutS: 1 } } }),
    dir,
  );
  const central = await startCentral({ config, clock: systemClock, log: quietLog });
  t.teardown(() => central.stop());
  return { central, port };
}

async function refusals(central: RunningCentral, reason: string): Promise<number | undefined> {
  return value(parsePrometheusText(await central.metrics.render()), 'joulebook_central_broker_refusals_total', { reason });
}

async function open(port: number): Promise<Socket & { closedAtMs?: number }> {
  const s: Socket & { closedAtMs?: number } = connect(port, '127.0.0.1');
  s.on('error', () => undefined);
  s.once('close', () => {
    s.closedAtMs = performance.now();
  });
  await once(s, 'connect');
  return s;
}

/** Writes a CONNECT header announcing 268,435,455 bytes (256 MiB), then junk until closed or `limit` sent. */
async function flood(port: number, limit: number): Promise<{ sent: number; closedAfterMs: number | undefined }> {
  const s = await open(port);
  const start = performance.now();
  s.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]));
  const junk = Buffer.alloc(MiB, 0x41);
  let sent = 0;
  while (s.closedAtMs === undefined && !s.destroyed && sent < limit) {
    sent += junk.length;
    if (!s.write(junk)) await either(s, 'drain', 'close');
  }
  if (s.closedAtMs === undefined) await Promise.race([either(s, 'close'), sleep(2000)]);
  s.destroy();
  return { sent, closedAfterMs: s.closedAtMs === undefined ? undefined : s.closedAtMs - start };
}

t.test('two sockets announcing 256 MiB CONNECTs and streaming 200 MiB of junk each: closed at once, RSS flat', async (t) => {
  const { central, port } = await node(t);
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 10);
  const runs = await Promise.all([flood(port, 200 * MiB), flood(port, 200 * MiB)]);
  clearInterval(sampler);
  const growthMiB = (rssPeak - rssBefore) / MiB;
  t.comment(
    `sent before close: ${runs.map((r) => `${r.sent / MiB} MiB in ${r.closedAfterMs?.toFixed(0)} ms`).join(', ')}; RSS ${(rssBefore / MiB).toFixed(0)} MiB, peak +${growthMiB.toFixed(1)} MiB`,
  );
  for (const r of runs) {
    t.ok(r.closedAfterMs !== undefined && r.closedAfterMs < 1000, `closed by the broker within 1 s (${r.closedAfterMs?.toFixed(0)} ms)`);
    t.ok(r.sent <= 8 * MiB, `closed after ${r.sent / MiB} MiB of the 200 MiB (socket buffers only)`);
  }
  t.ok(growthMiB < 64, `RSS grew by ${growthMiB.toFixed(1)} MiB (unguarded: by the junk's size)`);
  t.equal(await refusals(central, 'packet_too_large'), 2, 'both counted in /metrics');
});

t.test("a gateway's largest payload passes; a larger publish closes its connection and is counted", async (t) => {
  const { central, port } = await node(t);
  const gw = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId: 'joulebook-gw-a1',
    username: 'gw-a1',
    password: 'pw-a1',
    reconnectPeriod: 0,
  });
  gw.on('error', () => undefined);
  await gw.publishAsync('joulebook/v1/fra1/gw-a1/readings', Buffer.alloc(MAX_PAYLOAD_BYTES, 0x20), { qos: 1 });
  t.pass(`a ${MAX_PAYLOAD_BYTES}-byte payload is acknowledged (the pipeline refuses it as JSON, the broker lets it through)`);
  const closed = either(gw, 'close');
  gw.publish('joulebook/v1/fra1/gw-a1/readings', Buffer.alloc(MiB, 0x20), { qos: 1 });
  await closed;
  t.pass('a 1 MiB publish closes the connection');
  await gw.endAsync(true);
  t.equal(await refusals(central, 'packet_too_large'), 1);
});

t.test('a socket that does not sign in within connectTimeoutS (1 s) is closed; a signed-in one stays', async (t) => {
  const { central, port } = await node(t);
  const idle = await open(port);
  const trickle = await open(port);
  trickle.write(Buffer.from([0x10, 30, 0x00, 0x04])); // a CONNECT announcing 30 bytes, 2 of them sent
  const opened = performance.now();
  const gw = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId: 'joulebook-gw-a1',
    username: 'gw-a1',
    password: 'pw-a1',
    reconnectPeriod: 0,
  });
  await Promise.all([either(idle, 'close'), either(trickle, 'close')]);
  for (const [name, s] of [
    ['idle', idle],
    ['trickling', trickle],
  ] as const) {
    const afterMs = s.closedAtMs! - opened;
    t.ok(afterMs > 800 && afterMs < 2500, `${name} socket closed after ${afterMs.toFixed(0)} ms`);
  }
  await sleep(300);
  t.equal(gw.connected, true, 'the gateway that signed in stays connected past the timeout');
  await gw.endAsync(true);
  t.equal(await refusals(central, 'connect_timeout'), 2, 'both counted in /metrics');
});
