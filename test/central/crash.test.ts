// kill -9 the central node 20 times while a gateway publishes to its embedded broker: every message the
// broker acknowledged is stored (the PUBACK comes only after the store), and nothing is stored twice,
// although the publisher resends what was in flight at each kill.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { setUser } from '../../central/broker/credentials.js';
import { readingsMessage } from '../../scripts/benches/sample-messages.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import { topicFor } from '../../protocol/wire.js';
import { BIN } from '../helpers/cli.js';
import { freePort, quietLog } from '../helpers/env.js';
import { waitFor } from '../helpers/gateway.js';
import { seededRandom } from '../helpers/seed.js';

const KILLS = 20;
const READINGS_PER_MESSAGE = 50;

function startCentralProcess(config: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, 'central', '-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('central node running')) resolve(p);
    });
    p.once('exit', (code, sig) => reject(new Error(`central exited (${code ?? sig}) before running:\n${err}`)));
  });
}

t.test(`kill -9 the central node ${KILLS} times during ingest`, async (t) => {
  const random = seededRandom(t);
  const dir = mkdtempSync(join(tmpdir(), 'jb-central-crash-'));
  const port = await freePort();
  await setUser(
    join(dir, 'credentials.yaml'),
    { username: 'gw-crash', password: 'pw', role: 'gateway', site: 'ams1', gateway: 'gw-crash' },
    { scrypt: { N: 1024, r: 8, p: 1 }, mosquittoIterations: 101 },
  );
  const config = join(dir, 'central.yaml');
  writeFileSync(config, [`broker: { embedded: { host: 127.0.0.1, port: ${port} } }`, 'log: { level: info }', ''].join('\n'));

  // The gateway: a persistent session whose unacknowledged messages MQTT.js sends again after reconnecting.
  const gw = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    clientId: 'gw-crash',
    username: 'gw-crash',
    password: 'pw',
    clean: false,
    reconnectPeriod: 50,
    connectTimeout: 2000,
  });
  gw.on('error', () => undefined);
  t.teardown(() => gw.endAsync(true));
  const acked = new Set<number>();
  let sent = 0;
  let producing = true;
  const topic = topicFor('ams1', 'gw-crash', 'readings');
  // Like the gateway's outbox: a publish that fails (the connection went down under it) is sent again.
  const deliver = async (seq: number): Promise<void> => {
    const payload = JSON.stringify(readingsMessage({ gateway: 'gw-crash', seq, readings: READINGS_PER_MESSAGE }));
    for (;;) {
      try {
        await gw.publishAsync(topic, payload, { qos: 1 });
        acked.add(seq);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const produce = async () => {
    const inflight = new Set<Promise<void>>();
    while (producing) {
      if (inflight.size >= 8) {
        await Promise.race(inflight);
        continue;
      }
      const seq = sent * READINGS_PER_MESSAGE + 1;
      sent++;
      const p = deliver(seq).finally(() => {
        inflight.delete(p);
      });
      inflight.add(p);
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(inflight);
  };
  const producer = produce();

  let started = 0;
  const ackedAtKill: number[] = [];
  for (let i = 0; i < KILLS; i++) {
    const central = await startCentralProcess(config);
    started++;
    // The kill moment: random (seeded: JB_TEST_SEED replays it), not a wait for anything.
    await new Promise((r) => setTimeout(r, 200 + random() * 500));
    central.kill('SIGKILL');
    await new Promise((r) => central.once('exit', r));
    ackedAtKill.push(acked.size);
  }
  t.equal(started, KILLS, `central started ${KILLS} times on its own data`);

  const last = await startCentralProcess(config);
  producing = false;
  await producer;
  t.ok(await waitFor(() => acked.size === sent, 30_000), `every message acknowledged in the end (${acked.size} of ${sent})`);
  last.kill('SIGTERM');
  await new Promise((r) => last.once('exit', r));

  const store = await openSqliteStore({ file: join(dir, 'data', 'joulebook.db'), log: quietLog });
  t.teardown(() => store.close());
  const series = await store.listSeries({ site: 'ams1', gateway: 'gw-crash' });
  const rows = series.reduce((s, x) => s + x.readingCount, 0);
  t.ok(
    ackedAtKill.some((n, i) => i > 0 && n > ackedAtKill[i - 1]!),
    `messages were acknowledged between kills (${ackedAtKill.join(', ')})`,
  );
  t.equal(
    rows,
    sent * READINGS_PER_MESSAGE,
    `every acknowledged reading stored once: ${rows} rows for ${sent} messages of ${READINGS_PER_MESSAGE}`,
  );
  const missing: number[] = [];
  for (const seq of acked) {
    const m = readingsMessage({ gateway: 'gw-crash', seq, readings: READINGS_PER_MESSAGE });
    const r = m.readings[READINGS_PER_MESSAGE - 1]!;
    const s = series.find((x) => x.device === r.device && x.channel === r.channel)!;
    if ((await store.readings(s.id, r.ts, r.ts + 1)).length !== 1) missing.push(seq);
  }
  t.same(missing, [], 'the last reading of every acknowledged message is there');
  t.same(await store.sequenceGaps('ams1', 'gw-crash'), [], 'no sequence gaps');
});
