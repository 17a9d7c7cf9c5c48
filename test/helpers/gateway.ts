// A whole gateway (acquisition, outbox, publisher) against simulated meters, and a subscriber that plays
// the central node, for store-and-forward tests; and the gateway as its own process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { systemClock } from '../../common/clock.js';
import { GatewayConfig } from '../../gateway/config/schema.js';
import { loadCatalogFor } from '../../gateway/config/catalogs.js';
import { startGateway, type RunningGateway } from '../../gateway/main.js';
import type { Reading } from '../../protocol/reading.js';
import { ReadingsMessage } from '../../protocol/wire.js';
import { BIN } from './cli.js';
import { quietLog } from './env.js';

export function demoConfig(brokerUrl: string, simPort: number, extra: Record<string, unknown> = {}) {
  return GatewayConfig.parse({
    gateway: { id: 'gw-test', site: 'ams1', room: 'r1' },
    dataDir: mkdtempSync(join(tmpdir(), 'jb-gw-')),
    mqtt: { url: brokerUrl, reconnectMinMs: 200, reconnectMaxMs: 400, statusIntervalMs: 1000 },
    outbox: { commitIntervalMs: 100 },
    status: { enabled: false },
    buses: [{ id: 'tcp', type: 'tcp', host: '127.0.0.1', port: simPort }],
    devices: [1, 2, 3].map((u) => ({
      id: `m${u}`,
      bus: 'tcp',
      unit: u,
      profile: 'eastron-sdm630',
      energyIntervalMs: 100,
      fullIntervalMs: 300,
      timeoutMs: 300,
    })),
    ...extra,
  });
}

export async function runGateway(config: GatewayConfig, produced: Reading[] = []): Promise<RunningGateway> {
  const profiles = await loadCatalogFor(config, '(test)');
  return startGateway({
    config,
    configFile: '(test)',
    profiles,
    clock: systemClock,
    log: quietLog,
    version: 'test',
    onReadings: (rs) => produced.push(...rs),
  });
}

export interface Subscriber {
  client: MqttClient;
  messages: ReadingsMessage[];
  readings: () => Reading[];
  close(): Promise<void>;
}

/** A persistent-session QoS 1 subscriber to every gateway's readings. */
export async function subscribe(url: string, clientId = 'central-test'): Promise<Subscriber> {
  const client = await mqtt.connectAsync(url, { clientId, clean: false, protocolVersion: 4, reconnectPeriod: 100 });
  const messages: ReadingsMessage[] = [];
  client.on('message', (_topic, payload) => messages.push(ReadingsMessage.parse(JSON.parse(payload.toString()))));
  await client.subscribeAsync('joulebook/v1/+/+/readings', { qos: 1 });
  return { client, messages, readings: () => messages.flatMap((m) => m.readings), close: () => client.endAsync(true) };
}

export const identity = (r: Reading) => `${r.device}|${r.channel}|${r.ts}`;

export async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  for (let i = 0; i < ms / 50; i++) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** `joulebook gateway run` as its own process, its output kept, for tests of how it starts and stops. */
export interface GatewayProcess {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** JSON log lines on stderr with this message. */
  logged: (msg: string) => Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Signals the process; resolves with its exit and the milliseconds from the signal to the exit (killed after `killAfterMs`). */
  stop: (signal?: NodeJS.Signals, killAfterMs?: number) => Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

export function spawnGateway(config: string, args: string[] = []): GatewayProcess {
  const proc = spawn(process.execPath, [BIN, 'gateway', 'run', '-c', config, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const logged = (msg: string) =>
    err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === msg);
  return {
    proc,
    exited,
    logged,
    stdout: () => out,
    stderr: () => err,
    stop: async (signal = 'SIGTERM', killAfterMs = 10_000) => {
      const t0 = performance.now();
      proc.kill(signal);
      const ms = await Promise.race([
        exited.then(() => performance.now() - t0),
        new Promise<number>((r) => setTimeout(() => r(performance.now() - t0), killAfterMs)),
      ]);
      proc.kill('SIGKILL'); // a no-op when it has ended
      return { ...(await exited), ms: Math.round(ms) };
    },
  };
}
