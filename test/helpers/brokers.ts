// MQTT brokers for tests: a private Mosquitto process (sessions persisted across its restarts) and an
// in-process aedes whose listener can go away and come back while its sessions stay.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { hasProgram } from './env.js';

export const hasMosquitto = () => hasProgram('mosquitto', ['-h']) || hasProgram('/usr/sbin/mosquitto', ['-h']);

export interface TestBroker {
  url: string;
  /** Sends a signal and returns at once (SIGKILL: gone; SIGSTOP: frozen with its connections open). */
  signal?(sig: NodeJS.Signals): void;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `auth` switches anonymous access off and adds a password_file and acl_file (readable by mosquitto's user).
 * `maxQueuedMessages` defaults to 0 (unbounded); note Mosquitto 2.0.11 with 0 drops a client right after
 * acknowledging a publish its ACL denied, so ACL tests pass a bound.
 */
export async function startMosquitto(port: number, o: { auth?: { passwordFile: string; aclFile: string }; maxQueuedMessages?: number } = {}): Promise<TestBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'jb-mosq-'));
  const conf = join(dir, 'mosquitto.conf');
  const access = o.auth ? ['allow_anonymous false', `password_file ${o.auth.passwordFile}`, `acl_file ${o.auth.aclFile}`] : ['allow_anonymous true'];
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, ...access, 'persistence true', `persistence_location ${dir}/`, `max_queued_messages ${o.maxQueuedMessages ?? 0}`, 'log_dest none', ''].join('\n'));
  let proc: ChildProcess | undefined;
  const up = async () => {
    const bin = hasProgram('mosquitto', ['-h']) ? 'mosquitto' : '/usr/sbin/mosquitto';
    proc = spawn(bin, ['-c', conf], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await canConnect(port)) return;
      await sleep(30);
    }
    throw new Error('mosquitto did not start');
  };
  let frozen = false;
  const down = async () => {
    const p = proc;
    if (!p) return;
    proc = undefined;
    if (p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => { p.once('exit', () => resolve()); p.kill(frozen ? 'SIGKILL' : 'SIGTERM'); });
  };
  const signal = (sig: NodeJS.Signals) => {
    if (sig === 'SIGSTOP') frozen = true;
    proc?.kill(sig);
  };
  await up();
  return { url: `mqtt://127.0.0.1:${port}`, signal, up, down, close: down };
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = new Socket();
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
    c.connect(port, '127.0.0.1');
  });
}

export async function startAedes(port: number): Promise<TestBroker & { broker: Aedes }> {
  const broker = await Aedes.createBroker();
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  const up = () => new Promise<void>((resolve) => {
    server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      broker.handle(s);
    }).listen(port, '127.0.0.1', () => resolve());
  });
  const down = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    const closing = server;
    server = undefined;
    if (closing) closing.close(() => resolve());
    else resolve();
  });
  await up();
  return { url: `mqtt://127.0.0.1:${port}`, broker, up, down, close: async () => { await down(); await new Promise<void>((r) => broker.close(() => r())); } };
}
