// One try of every configured device with the real drivers, all at once: each bus carries its own
// devices one after another (a dead meter costs its timeout and retries, then the next one goes), PDUs
// go in parallel within their budgets, and each device also has a deadline of its own. Then, optionally,
// one MQTT connection with the configured credentials.
import mqtt from 'mqtt';
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.js';
import type { GatewayConfig } from '../config/schema.js';
import { buildAcquisition } from '../builders/acquisition.js';
import type { Catalogs } from '../profiles/load.js';
import type { PollResult } from '../polling/result.js';
import { publisherOptions } from '../publish/options.js';
import { type Attempt, type BrokerCheck, judge, type CheckReport, reportOf } from './report.js';

export interface CheckDeps {
  config: GatewayConfig;
  configFile: string;
  profiles: Catalogs;
  clock: Clock;
  log: Logger;
  /** The most one device may take, queueing on its bus included. */
  deviceDeadlineMs: number;
  /** Try the broker too (with the configured URL, credentials and TLS). */
  broker: boolean;
  brokerTimeoutMs: number;
}

export async function runCheck(deps: CheckDeps): Promise<CheckReport> {
  const { config } = deps;
  const gw = buildAcquisition({ config, profiles: deps.profiles, clock: deps.clock, log: deps.log });
  const brokerCheck = deps.broker ? checkBroker(config, deps.brokerTimeoutMs, deps.clock) : undefined;
  try {
    const attempts = await Promise.all([
      ...config.devices.map(async (d): Promise<Attempt> => {
        const device = gw.devices.get(d.id)!;
        const result = await withDeadline(device.poll('full'), deps.deviceDeadlineMs);
        const lat = device.counters.snapshot().latency;
        return {
          device: d.id,
          kind: 'modbus',
          profile: d.profile,
          deadlineMs: deps.deviceDeadlineMs,
          unreadable: [...device.unreadable],
          result,
          latencyMs: lat.count > 0 ? lat.meanMs : undefined,
        };
      }),
      ...config.snmp.pdus.map(async (p): Promise<Attempt> => {
        const result = await withDeadline(gw.pdus.get(p.id)!.poll('full'), deps.deviceDeadlineMs);
        return { device: p.id, kind: 'snmp', profile: p.profile, deadlineMs: deps.deviceDeadlineMs, result };
      }),
    ]);
    return reportOf(config.gateway.id, attempts.map(judge), await brokerCheck);
  } finally {
    // A try still running past its deadline ends when its bus or session closes.
    await Promise.race([gw.stop(), deps.clock.sleep(2000)]);
  }
}

async function withDeadline(p: Promise<PollResult>, ms: number): Promise<PollResult | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects once as the gateway would (URL, username, password, TLS with verification), under a client id
 * of its own, so a gateway already running keeps its session; publishes nothing.
 */
export async function checkBroker(config: GatewayConfig, timeoutMs: number, clock: Clock): Promise<BrokerCheck> {
  const url = config.mqtt.url;
  let o;
  try {
    o = publisherOptions(config.mqtt, { site: config.gateway.site, gateway: config.gateway.id, boot: 'check' });
  } catch (err) {
    return { url, ok: false, error: (err as Error).message };
  }
  const started = clock.monotonicMs();
  const client = mqtt.connect(url, {
    clientId: `${o.clientId}-check`.slice(0, 64),
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    ...(o.username ? { username: o.username, password: o.password ?? '' } : {}),
    ...(o.tls ? { ...o.tls, rejectUnauthorized: true } : {}),
  });
  const outcome = await new Promise<BrokerCheck>((resolve) => {
    const timer = setTimeout(() => resolve({ url, ok: false, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    const done = (r: BrokerCheck) => {
      clearTimeout(timer);
      resolve(r);
    };
    client.once('connect', () => done({ url, ok: true, latencyMs: Math.round(clock.monotonicMs() - started) }));
    client.once('error', (err) => done({ url, ok: false, error: err.message }));
    client.once('close', () => done({ url, ok: false, error: 'connection closed before the broker accepted it' }));
  });
  await client.endAsync(true);
  return outcome;
}
