// A credentials file with two gateways of one site, a read-only subscriber and a central user, and an
// embedded broker started on it (cheap scrypt parameters: tests connect often).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { EmbeddedBroker, type EmbeddedBrokerOptions, type PublishGate } from '../../central/broker/broker.js';
import { CredentialStore } from '../../central/broker/credential-store.js';
import { setUser } from '../../central/broker/credentials.js';
import { BrokerSecurity } from '../../central/broker/security.js';
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

export async function startEmbedded(o: { gate?: PublishGate; dataDir?: string; usersFile?: string; log?: Logger; port?: number; tls?: EmbeddedBrokerOptions['tls'] } = {}): Promise<TestEmbedded> {
  const log = o.log ?? quietLog;
  const credentials = new CredentialStore({ file: o.usersFile ?? await writeUsers(), log });
  await credentials.load();
  const security = new BrokerSecurity({ credentials, log });
  const port = o.port ?? await freePort();
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'jb-broker-'));
  const broker = new EmbeddedBroker({ options: { dataDir, tcp: { host: '127.0.0.1', port }, ...(o.tls ? { tls: o.tls } : {}) }, security, ...(o.gate ? { gate: o.gate } : {}), log });
  await broker.start();
  return { broker, security, url: `mqtt://127.0.0.1:${port}`, port, dataDir };
}
