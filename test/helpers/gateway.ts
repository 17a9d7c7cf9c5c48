// A whole gateway (acquisition, outbox, publisher) against simulated meters, and a subscriber that plays
// the central node, for store-and-forward tests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { systemClock } from '../../gateway/clock.js';
import { GatewayConfig } from '../../gateway/config/schema.js';
import { loadCatalogFor } from '../../gateway/main.js';
import { startGateway, type RunningGateway } from '../../gateway/run.js';
import type { Reading } from '../../protocol/reading.js';
import { ReadingsMessage } from '../../protocol/wire.js';
import { quietLog } from './env.js';

export function demoConfig(brokerUrl: string, simPort: number, extra: Record<string, unknown> = {}) {
  return GatewayConfig.parse({
    gateway: { id: 'gw-test', site: 'ams1', room: 'r1' },
    dataDir: mkdtempSync(join(tmpdir(), 'jb-gw-')),
    mqtt: { url: brokerUrl, reconnectMinMs: 200, reconnectMaxMs: 400, statusIntervalMs: 1000 },
    outbox: { commitIntervalMs: 100 },
    status: { enabled: false },
    buses: [{ id: 'tcp', type: 'tcp', host: '127.0.0.1', port: simPort }],
    devices: [1, 2, 3].map((u) => ({ id: `m${u}`, bus: 'tcp', unit: u, profile: 'eastron-sdm630', energyIntervalMs: 100, fullIntervalMs: 300, timeoutMs: 300 })),
    ...extra,
  });
}

export async function runGateway(config: GatewayConfig, produced: Reading[] = []): Promise<RunningGateway> {
  const profiles = await loadCatalogFor(config, '(test)');
  return startGateway({ config, configFile: '(test)', profiles, clock: systemClock, log: quietLog, version: 'test', onReadings: (rs) => produced.push(...rs) });
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
