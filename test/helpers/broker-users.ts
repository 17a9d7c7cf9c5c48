// A credentials file with two gateways of one site, a read-only subscriber and a central user, and an
// embedded broker started on it (cheap scrypt parameters: tests connect often).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { EmbeddedBroker, type EmbeddedBrokerOptions, type PublishGate } from '../../central/broker/broker.js';
import { CredentialStore } from '../../central/broker/credential-store.js';
import { setUser } from '../../central/broker/credentials.js';
import { type Authenticator, BrokerSecurity } from '../../central/broker/security.js';
import type { SignInThrottleOptions } from '../../central/broker/sign-in-throttle.js';
import { freePort, quietLog } from './env.js';

export const USERS = {
  a1: { username: 'gw-a1', password: 'pw-a1', role: 'gateway', site: 'fra1', gateway: 'gw-a1' },
  b2: { username: 'gw-b2', password: 'pw-b2', role: 'gateway', site: 'fra1', gateway: 'gw-b2' },
  noc: { username: 'noc', password: 'pw-noc', role: 'subscriber' },
  central: { username: 'central-1', password: 'pw-central', role: 'central' },
} as const;

export async function writeUsers(dir = mkdtempSync(join(tmpdir(), 'jb-users-'))): Promise<string> {
  const file = join(dir, 'broker-users.yaml');
  for (const u of Object.values(USERS)) await setUser(file, u, { scrypt: { N: 1024, r: 8, p: 1 }, mosquittoIterations: 101 });
  return file;
}

export interface TestEmbedded {
  broker: EmbeddedBroker;
  security: BrokerSecurity;
  url: string;
  port: number;
  dataDir: string;
}

export interface StartEmbeddedOptions {
  gate?: PublishGate;
  dataDir?: string;
  usersFile?: string;
  log?: Logger;
  port?: number;
  /** Listen on this address (default 127.0.0.1; 0.0.0.0 lets clients come from 127.0.0.2 as a second address). */
  host?: string;
  tls?: EmbeddedBrokerOptions['tls'];
  /** Wraps the credentials (e.g. to count password checks). */
  credentials?: (store: CredentialStore) => Authenticator;
  nowMs?: () => number;
  throttle?: SignInThrottleOptions;
  broker?: Pick<EmbeddedBrokerOptions, 'maxPacketBytes' | 'connectTimeoutMs' | 'heartbeatIntervalMs'>;
}

export async function startEmbedded(o: StartEmbeddedOptions = {}): Promise<TestEmbedded> {
  const log = o.log ?? quietLog;
  const store = new CredentialStore({ file: o.usersFile ?? (await writeUsers()), log });
  await store.load();
  const security = new BrokerSecurity({
    credentials: o.credentials?.(store) ?? store,
    log,
    ...(o.nowMs ? { nowMs: o.nowMs } : {}),
    ...(o.throttle ? { throttle: o.throttle } : {}),
  });
  const port = o.port ?? (await freePort());
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'jb-broker-'));
  const broker = new EmbeddedBroker({
    options: { dataDir, tcp: { host: o.host ?? '127.0.0.1', port }, ...(o.tls ? { tls: o.tls } : {}), ...o.broker },
    security,
    ...(o.gate ? { gate: o.gate } : {}),
    log,
  });
  await broker.start();
  return { broker, security, url: `mqtt://127.0.0.1:${port}`, port, dataDir };
}
