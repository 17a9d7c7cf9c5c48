// kill -9 the gateway at random moments, 50 times, while it polls and publishes: the outbox opens every
// time, every reading ever committed reaches the subscriber, and a reading sent twice is the same reading.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import type { Reading } from '../../protocol/reading.js';
import { freePort, needPeer } from '../helpers/env.js';
import { hasMosquitto, startMosquitto } from '../helpers/brokers.js';
import { BIN, startSimProcess } from '../helpers/cli.js';
import { identity, subscribe, waitFor } from '../helpers/gateway.js';
import { seededRandom } from '../helpers/seed.js';

const KILLS = 50;

function startGatewayProcess(config: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, 'gateway', 'run', '-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('gateway started')) resolve(p);
    });
    p.once('exit', (code, sig) => reject(new Error(`gateway exited (${code ?? sig}) before starting:\n${err}`)));
  });
}

/** Every reading committed in the outbox right now. */
function committed(file: string): Reading[] {
  const db = new Database(file, { readonly: true });
  try {
    if (db.pragma('quick_check', { simple: true }) !== 'ok') throw new Error('outbox damaged');
    return (db.prepare("SELECT body FROM items WHERE kind = 'readings'").all() as { body: string }[]).flatMap(
      (r) => JSON.parse(r.body) as Reading[],
    );
  } finally {
    db.close();
  }
}

t.test(`kill -9 the gateway ${KILLS} times`, async (t) => {
  if (!needPeer(t, hasMosquitto(), 'mosquitto')) return;
  const random = seededRandom(t);
  const broker = await startMosquitto(await freePort());
  t.teardown(() => broker.close());
  const simPort = await freePort();
  const sim = await startSimProcess(['modbus', '--profile', 'abb-b23', '--tcp', `127.0.0.1:${simPort}`, '--units', '1-4']);
  t.teardown(() => sim.stop());
  const sub = await subscribe(broker.url, 'central-crash-test');
  t.teardown(() => sub.close());

  const dir = mkdtempSync(join(tmpdir(), 'jb-crash-'));
  const config = join(dir, 'gateway.yaml');
  writeFileSync(
    config,
    [
      'gateway: { id: gw-crash, site: ams1, room: r1 }',
      'log: { level: info }',
      `mqtt: { url: "${broker.url}", reconnectMinMs: 100 }`,
      'outbox: { commitIntervalMs: 150 }',
      `buses: [{ id: tcp, type: tcp, host: 127.0.0.1, port: ${simPort} }]`,
      'devices:',
      ...[1, 2, 3, 4].map((u) => `  - { id: m${u}, bus: tcp, unit: ${u}, profile: abb-b23, energyIntervalMs: 100, fullIntervalMs: 200 }`),
      '',
    ].join('\n'),
  );
  const outbox = join(dir, 'data', 'outbox.db');

  const everCommitted = new Map<string, Reading>();
  let opened = 0;
  for (let i = 0; i < KILLS; i++) {
    const gw = await startGatewayProcess(config);
    opened++;
    // The kill moment: random (seeded: JB_TEST_SEED replays it), not a wait for anything.
    await new Promise((r) => setTimeout(r, 150 + random() * 600));
    gw.kill('SIGKILL');
    await new Promise((r) => gw.once('exit', r));
    if (existsSync(outbox)) for (const r of committed(outbox)) everCommitted.set(identity(r), r);
  }
  t.equal(opened, KILLS, `the gateway started and opened its outbox all ${KILLS} times`);

  // A last, clean run drains what is left.
  const last = await startGatewayProcess(config);
  t.ok(
    await waitFor(() => [...everCommitted.keys()].every((k) => sub.readings().some((r) => identity(r) === k)), 30_000),
    'the backlog reaches the subscriber',
  );
  last.kill('SIGTERM');
  await new Promise((r) => last.once('exit', r));

  const received = new Map<string, Reading>();
  let differing = 0;
  for (const r of sub.readings()) {
    const prev = received.get(identity(r));
    if (prev && JSON.stringify(prev) !== JSON.stringify(r)) differing++;
    received.set(identity(r), r);
  }
  const lost = [...everCommitted.keys()].filter((k) => !received.has(k));
  t.ok(everCommitted.size > 100, `${everCommitted.size} distinct readings seen committed across the kills`);
  t.same(lost, [], 'no committed reading lost');
  t.equal(
    differing,
    0,
    `no reading published twice with different content (${sub.readings().length - received.size} duplicates, all identical)`,
  );
  t.ok(
    [...everCommitted.entries()].every(([k, r]) => JSON.stringify(received.get(k)) === JSON.stringify(r)),
    'what arrived is what was committed',
  );
});
