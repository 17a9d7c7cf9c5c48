// The demo's central node on disk, in its data directory: central.yaml, the inventory and the tariffs
// (from inventory.ts), and the broker users of the gateways, each with a password of its own. The files
// are the ones an operator would write; the central node reads them with its usual loaders.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { setUser } from '../../central/broker/credentials.js';
import { demoInventory, demoTariffs } from './inventory.js';
import { ROOMS, SITE } from './site.js';

export interface DemoFilesOptions {
  dir: string;
  mqttPort: number;
  /** The REST API and the portal. */
  apiPort: number;
  /** First day of the invoiced month, local date 'YYYY-MM-DD' (contracts and tariffs start there). */
  fromDate: string;
  /** 'YYYY-MM': the first month invoiced. */
  since: string;
}

export interface DemoFiles {
  centralYaml: string;
  /** Broker credentials of each room's gateway, by gateway id. */
  gatewayUsers: Map<string, { username: string; password: string }>;
}

/** Cheap hashes: the demo's users are made at every start and live on loopback only. */
const FAST_HASH = { scrypt: { N: 1024, r: 8, p: 1 }, mosquittoIterations: 101 };

export async function writeDemoFiles(o: DemoFilesOptions): Promise<DemoFiles> {
  await mkdir(o.dir, { recursive: true });
  const yaml = (v: unknown) => stringify(v, { lineWidth: 0 });
  await writeFile(
    join(o.dir, 'inventory.yaml'),
    `# The demo site (scripts/demo/inventory.ts); reference: docs/config-inventory.md\n${yaml(demoInventory(o.fromDate))}`,
  );
  await writeFile(
    join(o.dir, 'tariffs.yaml'),
    `# The demo tariff (scripts/demo/inventory.ts); reference: docs/config-tariffs.md\n${yaml(demoTariffs(o.fromDate))}`,
  );
  const central = {
    central: { id: 'demo-central' },
    dataDir: './data',
    inventory: './inventory.yaml',
    broker: { embedded: { host: '127.0.0.1', port: o.mqttPort, credentials: 'credentials.yaml' } },
    storage: { sqlite: { file: 'joulebook.db' } },
    // Grace of two hours: the demo's gateways deliver within seconds, and the month just ended is invoiced
    // soon after midnight. recheckMonths 1: late data of last month would become a credit note.
    // minMeasuredPct 90: the history polls once an hour, so the energy at each day's edge is interpolated
    // across up to an hour and counts as estimated (about 4 % of a month); live gateways poll every few seconds.
    billing: { tariffs: './tariffs.yaml', since: o.since, graceHours: 2, recheckMonths: 1, minMeasuredPct: 90, outputDir: 'invoices' },
    api: { host: '127.0.0.1', port: o.apiPort },
    log: { level: 'warn' },
  };
  const centralYaml = join(o.dir, 'central.yaml');
  await writeFile(centralYaml, `# The demo's central node (scripts/demo/files.ts); reference: docs/config-central.md\n${yaml(central)}`);
  const gatewayUsers = new Map<string, { username: string; password: string }>();
  for (const r of ROOMS) {
    const user = { username: r.gateway, password: randomBytes(12).toString('base64url') };
    await setUser(join(o.dir, 'credentials.yaml'), { ...user, role: 'gateway', site: SITE.id, gateway: r.gateway }, FAST_HASH);
    gatewayUsers.set(r.gateway, user);
  }
  return { centralYaml, gatewayUsers };
}
