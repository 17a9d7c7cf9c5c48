// `joulebook gateway run` stops within 2 s of SIGTERM or SIGINT whatever its broker and buses do (issue 17):
// with the broker on a closed port and a dead meter's poll in flight, and with the broker and the Modbus
// server going away at the moment of the signal. The outbox is committed and the stop is logged.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { Reading } from '../../protocol/reading.js';
import { freePort, needPeer } from '../helpers/env.js';
import { hasMosquitto, startMosquitto } from '../helpers/brokers.js';
import { startSimProcess } from '../helpers/cli.js';
import { identity, spawnGateway, waitFor, type GatewayProcess } from '../helpers/gateway.js';

const STOP_LIMIT_MS = 2000;

/** A Modbus TCP meter that accepts the connection and never answers. */
async function deadMeter(t: Test): Promise<{ port: number; requests: () => number }> {
  const port = await freePort();
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('data', () => {
      requests++;
    });
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { port, requests: () => requests };
}

/** Every reading committed in the outbox file; fails if SQLite finds it damaged. */
function committedReadings(file: string): { check: string; readings: Reading[] } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('quick_check', { simple: true }) as string;
    const rows = db.prepare("SELECT body FROM items WHERE kind = 'readings'").all() as { body: string }[];
    return { check, readings: rows.flatMap((r) => JSON.parse(r.body) as Reading[]) };
  } finally {
    db.close();
  }
}

function printed(gw: GatewayProcess): Reading[] {
  return gw
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => Reading.parse(JSON.parse(l)));
}

function checkStopLog(t: Test, gw: GatewayProcess, signal: string): void {
  const received = gw.logged('signal received; stopping');
  t.equal(received[0]?.signal, signal, `the log says ${signal} was received`);
  const stopped = gw.logged('gateway stopped')[0];
  t.ok(stopped, 'the log says the gateway stopped');
  t.ok(typeof stopped?.stopMs === 'number' && stopped.stopMs < STOP_LIMIT_MS, `and how long the stop took (${String(stopped?.stopMs)} ms)`);
  const waited = stopped?.waitedMs as Record<string, number> | undefined;
  t.ok(
    waited && ['polls', 'outbox commit', 'broker', 'outbox close'].every((k) => typeof waited[k] === 'number'),
    `and what it waited for: ${JSON.stringify(waited)}`,
  );
  t.same(gw.logged('stop deadline of 1500 ms passed: outbox committed and closed, the rest abandoned'), [], 'the deadline was not needed');
}

t.test('broker on a closed port and a dead meter mid-poll: SIGTERM and SIGINT end the gateway within 2 s, outbox intact', async (t) => {
  const simPort = await freePort();
  const sim = await startSimProcess(['modbus', '--profile', 'abb-b23', '--tcp', `127.0.0.1:${simPort}`, '--units', '1']);
  t.teardown(() => sim.stop());
  const dead = await deadMeter(t);
  const dir = mkdtempSync(join(tmpdir(), 'jb-stop-'));
  const config = join(dir, 'gateway.yaml');
  writeFileSync(
    config,
    [
      'gateway: { id: gw-stop, site: ams1, room: r1 }',
      'log: { level: info }',
      `dataDir: ${join(dir, 'data')}`,
      `mqtt: { url: "mqtt://127.0.0.1:${await freePort()}", reconnectMinMs: 100, reconnectMaxMs: 200 }`,
      'outbox: { commitIntervalMs: 5000 }', // readings are still uncommitted at the signal: the stop must commit them
      'status: { enabled: false }',
      'buses:',
      `  - { id: live, type: tcp, host: 127.0.0.1, port: ${simPort} }`,
      `  - { id: dead, type: tcp, host: 127.0.0.1, port: ${dead.port} }`,
      'devices:',
      '  - { id: m1, bus: live, unit: 1, profile: abb-b23, energyIntervalMs: 200, fullIntervalMs: 400 }',
      // One poll of this meter waits 4 × 3 s, and it is polled again at once: a poll is always in flight.
      '  - { id: d1, bus: dead, unit: 1, profile: abb-b23, timeoutMs: 3000, retries: 3, backoffBaseMs: 0 }',
      '',
    ].join('\n'),
  );

  const seen = new Map<string, Reading>();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const gw = spawnGateway(config, ['--readings']);
    t.teardown(() => {
      gw.proc.kill('SIGKILL');
    });
    const requestsBefore = dead.requests();
    t.ok(
      await waitFor(() => printed(gw).length >= 6 && dead.requests() > requestsBefore, 60_000),
      `${signal}: readings flow, and the dead meter's poll is in flight`,
    );
    await new Promise((r) => setTimeout(r, 300));
    const stop = await gw.stop(signal);
    t.ok(stop.ms < STOP_LIMIT_MS, `${signal}: the gateway ended ${stop.ms} ms after the signal`);
    t.equal(stop.code, 0, `${signal}: exit code 0`);
    checkStopLog(t, gw, signal);
    for (const r of printed(gw)) seen.set(identity(r), r);

    const outbox = committedReadings(join(dir, 'data', 'outbox.db'));
    t.equal(outbox.check, 'ok', `${signal}: the outbox opens and SQLite finds it intact`);
    const kept = new Set(outbox.readings.map(identity));
    const missing = [...seen.keys()].filter((k) => !kept.has(k));
    t.same(missing, [], `${signal}: all ${seen.size} readings taken so far are committed (${outbox.readings.length} in the outbox)`);
  }
});

t.test('broker and Modbus server go away at the moment of the signal: the gateway ends within 2 s every time', async (t) => {
  if (!needPeer(t, hasMosquitto(), 'mosquitto')) return;
  const dir = mkdtempSync(join(tmpdir(), 'jb-stop-'));
  // When the broker and the server go relative to the signal (ms; negative: before it), and how: killed,
  // or frozen with their connections still open.
  const rounds: { offsetMs: number; how: 'SIGKILL' | 'SIGSTOP'; signal: 'SIGTERM' | 'SIGINT' }[] = [
    { offsetMs: 0, how: 'SIGKILL', signal: 'SIGTERM' },
    { offsetMs: 3, how: 'SIGKILL', signal: 'SIGTERM' },
    { offsetMs: -15, how: 'SIGKILL', signal: 'SIGTERM' },
    { offsetMs: 0, how: 'SIGSTOP', signal: 'SIGTERM' },
    { offsetMs: 10, how: 'SIGSTOP', signal: 'SIGINT' },
  ];
  const times: number[] = [];
  for (const [i, round] of rounds.entries()) {
    const broker = await startMosquitto(await freePort());
    t.teardown(() => broker.close());
    const simPort = await freePort();
    const sim = await startSimProcess(['modbus', '--profile', 'abb-b23', '--tcp', `127.0.0.1:${simPort}`, '--units', '1,2']);
    t.teardown(() => {
      sim.proc.kill('SIGKILL');
    });
    const config = join(dir, `gateway-${i}.yaml`);
    writeFileSync(
      config,
      [
        'gateway: { id: gw-stop, site: ams1, room: r1 }',
        'log: { level: info }',
        `dataDir: ${join(dir, 'data')}`, // the same outbox every round: it opens after every stop
        `mqtt: { url: "${broker.url}", reconnectMinMs: 100, reconnectMaxMs: 200 }`,
        'outbox: { commitIntervalMs: 100 }',
        'status: { enabled: false }',
        `buses: [{ id: tcp, type: tcp, host: 127.0.0.1, port: ${simPort} }]`,
        'devices:',
        ...[1, 2].map(
          (u) => `  - { id: m${u}, bus: tcp, unit: ${u}, profile: abb-b23, energyIntervalMs: 100, fullIntervalMs: 200, timeoutMs: 1000 }`,
        ),
        '',
      ].join('\n'),
    );
    const gw = spawnGateway(config);
    t.teardown(() => {
      gw.proc.kill('SIGKILL');
    });
    t.ok(
      await waitFor(() => gw.logged('connected to the broker').length > 0 && gw.logged('link open').length > 0, 60_000),
      `round ${i + 1}: connected to the broker and the meters`,
    );
    await new Promise((r) => setTimeout(r, 200 + 137 * i)); // publishing and polling, at a different phase each round
    const away = () => {
      broker.signal!(round.how);
      sim.proc.kill(round.how);
    };
    if (round.offsetMs < 0) {
      away();
      await new Promise((r) => setTimeout(r, -round.offsetMs));
    } else if (round.offsetMs > 0) {
      setTimeout(away, round.offsetMs);
    }
    const stopping = gw.stop(round.signal);
    if (round.offsetMs === 0) away();
    const stop = await stopping;
    times.push(stop.ms);
    t.ok(
      stop.ms < STOP_LIMIT_MS,
      `round ${i + 1} (${round.how} ${round.offsetMs} ms from ${round.signal}): ended ${stop.ms} ms after the signal`,
    );
    t.equal(stop.code, 0, `round ${i + 1}: exit code 0`);
    checkStopLog(t, gw, round.signal);
    t.equal(committedReadings(join(dir, 'data', 'outbox.db')).check, 'ok', `round ${i + 1}: the outbox is intact`);
    sim.proc.kill('SIGKILL');
    await broker.close();
  }
  t.comment(`stop times: ${times.join(', ')} ms`);
});
