// MQTT brokers for tests: a private Mosquitto process (sessions persisted across its restarts) and an
// in-process aedes whose listener can go away and come back while its sessions stay.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { hasProgram } from './env.js';

export const hasMosquitto = () => hasProgram('mosquitto', ['-h']) || hasProgram('/usr/sbin/mosquitto', ['-h']);
/** Debian puts mosquitto in /usr/sbin, outside a normal user's PATH. */
export const mosquittoBin = () => (hasProgram('mosquitto', ['-h']) ? 'mosquitto' : '/usr/sbin/mosquitto');

export interface TestBroker {
  url: string;
  /** With `auth.central`: the central node's own listener. */
  centralUrl?: string;
  /** Sends a signal and returns at once (SIGKILL: gone; SIGSTOP: frozen with its connections open). */
  signal?(sig: NodeJS.Signals): void;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface MosquittoAuth {
  passwordFile: string;
  aclFile: string;
  /** The listener of the central node's own users (docs/deploy.md): the main listener then binds client ids to usernames. */
  central?: { passwordFile: string; aclFile: string; port: number };
}

/**
 * `auth` switches anonymous access off and adds a password_file and acl_file (readable by mosquitto's user);
 * with `auth.central`, the two listeners of docs/deploy.md ("External Mosquitto").
 * `maxQueuedMessages` defaults to 0 (unbounded); note Mosquitto 2.0.11 with 0 drops a client right after
 * acknowledging a publish its ACL denied, so ACL tests pass a bound.
 */
export async function startMosquitto(port: number, o: { auth?: MosquittoAuth; maxQueuedMessages?: number } = {}): Promise<TestBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'jb-mosq-'));
  // Run as root, Mosquitto drops to its own user and could not save its sessions in a 0700 folder of
  // root's: a restarted broker came back without them (queued messages lost).
  chmodSync(dir, 0o777);
  const conf = join(dir, 'mosquitto.conf');
  const a = o.auth;
  const listeners = !a
    ? [`listener ${port} 127.0.0.1`, 'allow_anonymous true']
    : !a.central
      ? [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${a.passwordFile}`, `acl_file ${a.aclFile}`]
      : [
          'per_listener_settings true',
          `listener ${port} 127.0.0.1`,
          'use_username_as_clientid true',
          'allow_anonymous false',
          `password_file ${a.passwordFile}`,
          `acl_file ${a.aclFile}`,
          `listener ${a.central.port} 127.0.0.1`,
          'allow_anonymous false',
          `password_file ${a.central.passwordFile}`,
          `acl_file ${a.central.aclFile}`,
        ];
  writeFileSync(
    conf,
    [
      ...listeners,
      'persistence true',
      `persistence_location ${dir}/`,
      `max_queued_messages ${o.maxQueuedMessages ?? 0}`,
      'log_dest none',
      '',
    ].join('\n'),
  );
  let proc: ChildProcess | undefined;
  const up = async () => {
    proc = spawn(mosquittoBin(), ['-c', conf], { stdio: 'ignore' });
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
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(frozen ? 'SIGKILL' : 'SIGTERM');
    });
  };
  const signal = (sig: NodeJS.Signals) => {
    if (sig === 'SIGSTOP') frozen = true;
    proc?.kill(sig);
  };
  await up();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    ...(a?.central ? { centralUrl: `mqtt://127.0.0.1:${a.central.port}` } : {}),
    signal,
    up,
    down,
    close: down,
  };
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
  const up = () =>
    new Promise<void>((resolve) => {
      server = createServer((s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        broker.handle(s);
      }).listen(port, '127.0.0.1', () => resolve());
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      const closing = server;
      server = undefined;
      if (closing) closing.close(() => resolve());
      else resolve();
    });
  await up();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    broker,
    up,
    down,
    close: async () => {
      await down();
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}
