// `joulebook provision`: one room's bundle. Checks everything first (the devices, the broker side, the
// gateway.yaml against the real loader and profile catalog), then registers the new password at central,
// then writes the files, each only when its content changed, and says what changed.
import { readdir, readFile, unlink } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { SetUserOptions } from '../../central/broker/credentials.js';
import { writeAtomically } from '../../central/broker/credentials.js';
import { generatePassword } from '../../central/broker/passwords.js';
import { parseGatewayConfig } from '../../gateway/config/load.js';
import { loadCatalogFor } from '../../gateway/config/catalogs.js';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../../gateway/paths.js';
import { ConfigError } from '../../common/issues.js';
import { parseYamlDoc } from '../../common/yaml.js';
import { brokerSide, registerGateway, type BrokerSideOptions } from './broker-side.js';
import { type BundleFile, hostnameOf, metaData, userData } from './cloud-init.js';
import { type DeviceSections, fromScans, fromTemplate } from './devices.js';
import { FILES, gatewayYaml, ON_DEVICE } from './gateway-yaml.js';
import { systemdUnit } from './systemd-unit.js';

export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'config', 'rooms');

export interface ProvisionOptions extends BrokerSideOptions {
  site: string;
  room: string;
  gateway?: string;
  username?: string;
  scans: string[];
  template?: string;
  out: string;
  dataDir: string;
  packageSpec?: string;
  sshKeys: string[];
  watchdogS: number;
  nodeMajor: number;
  serviceUser: string;
}

export interface ProvisionDeps {
  /** Cheaper hashes in tests; the defaults otherwise. */
  hash?: SetUserOptions;
  password?: () => string;
}

export type FileChange = 'created' | 'updated' | 'unchanged' | 'removed';

export interface ProvisionResult {
  gateway: string;
  username: string;
  url: string;
  credentials: { file: string; change: 'added' | 'rotated' };
  files: { name: string; change: FileChange }[];
  warnings: string[];
  notes: string[];
}

async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, path: '(file)', message: (err as Error).message }]);
  }
  try {
    return JSON.parse(text.trim().split('\n').pop() ?? '');
  } catch (err) {
    throw new ConfigError([
      { file, path: '(file)', message: `not the JSON of \`joulebook gateway scan --json\`: ${(err as Error).message}` },
    ]);
  }
}

async function readYamlFile(file: string): Promise<unknown> {
  const doc = parseYamlDoc(await readFile(file, 'utf8'), file);
  if (!doc.ok) throw new ConfigError(doc.issues);
  return doc.value;
}

export async function listTemplates(): Promise<{ name: string; description: string }[]> {
  const names = (await readdir(TEMPLATES_DIR)).filter((f) => f.endsWith('.yaml')).sort();
  return Promise.all(
    names.map(async (f) => ({
      name: f.replace(/\.yaml$/, ''),
      description: fromTemplate(f, await readYamlFile(join(TEMPLATES_DIR, f))).description,
    })),
  );
}

async function deviceSource(o: ProvisionOptions, previous: Record<string, unknown> | undefined): Promise<DeviceSections | undefined> {
  if (o.scans.length > 0 && o.template)
    throw new ConfigError([{ file: '(command line)', path: 'provision', message: 'give --scan or --template, not both' }]);
  if (o.scans.length > 0) return fromScans(await Promise.all(o.scans.map(async (file) => ({ file, json: await readJsonFile(file) }))));
  if (o.template) {
    const known = (await listTemplates()).map((t) => t.name);
    if (!known.includes(o.template))
      throw new ConfigError([
        { file: '(command line)', path: '--template', message: `unknown template "${o.template}" (known: ${known.join(', ')})` },
      ]);
    const file = join(TEMPLATES_DIR, `${o.template}.yaml`);
    return fromTemplate(file, await readYamlFile(file));
  }
  if (!previous)
    throw new ConfigError([
      {
        file: '(command line)',
        path: 'provision',
        message: `no gateway.yaml in ${o.out} yet: give --scan <scan.json> or --template <name>`,
      },
    ]);
  return undefined;
}

export async function provision(o: ProvisionOptions, deps: ProvisionDeps = {}): Promise<ProvisionResult> {
  const gateway = o.gateway ?? `${o.site}-${o.room}`;
  const username = o.username ?? gateway;
  const out = resolve(o.out);
  const configFile = join(out, FILES.config);
  const previous = await readYamlFile(configFile).then(
    (v) => v as Record<string, unknown>,
    (err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    },
  );
  const devices = await deviceSource(o, previous);
  const broker = await brokerSide(o);
  const id = { site: o.site, room: o.room, gateway };
  const configText = gatewayYaml({
    id,
    broker: { url: broker.url, username, tls: broker.caPem !== undefined },
    dataDir: o.dataDir,
    devices,
    previous,
  });
  // The real loader and the profile catalog judge it before anything is registered or written.
  const parsed = parseGatewayConfig(configText, configFile);
  await loadCatalogFor({ ...parsed, profiles: { dirs: parsed.profiles.dirs.map((d) => resolve(out, d)) } }, configFile);

  const password = (deps.password ?? generatePassword)();
  const change = await registerGateway(broker.credentialsFile, { username, site: o.site, gateway, password }, deps.hash);
  const files = await bundleFiles(o, { gateway, configText, password, caPem: broker.caPem, id });
  mkdirSync(out, { recursive: true });
  const report: ProvisionResult['files'] = [];
  for (const f of files)
    report.push({ name: f.name, change: await writeIfChanged(join(out, f.name), f.content, Number.parseInt(f.mode, 8)) });
  if (!broker.caPem) report.push(...(await removeStale(join(out, FILES.ca), FILES.ca)));
  return {
    gateway,
    username,
    url: broker.url,
    credentials: { file: broker.credentialsFile, change },
    files: report,
    warnings: broker.warnings,
    notes: [...(devices?.notes ?? []), ...broker.notes],
  };
}

async function bundleFiles(
  o: ProvisionOptions,
  b: { gateway: string; configText: string; password: string; caPem: string | undefined; id: { site: string; room: string } },
): Promise<BundleFile[]> {
  const at = (name: string) => join(ON_DEVICE.configDir, name);
  const files: BundleFile[] = [
    { name: FILES.config, path: ON_DEVICE.config, content: b.configText, mode: '0644' },
    { name: FILES.password, path: at(FILES.password), content: `${b.password}\n`, mode: '0600', ownedByService: true },
    ...(b.caPem ? [{ name: FILES.ca, path: at(FILES.ca), content: b.caPem, mode: '0644' }] : []),
    {
      name: FILES.unit,
      path: ON_DEVICE.unit,
      mode: '0644',
      content: systemdUnit({
        gateway: b.gateway,
        site: b.id.site,
        room: b.id.room,
        command: '/usr/bin/joulebook',
        user: o.serviceUser,
        watchdogS: o.watchdogS,
      }),
    },
  ];
  const sshKeys = await Promise.all(o.sshKeys.map(async (f) => (await readFile(f, 'utf8')).trim()));
  const hostname = hostnameOf(b.gateway);
  const ud = userData({
    hostname,
    user: o.serviceUser,
    files,
    packageSpec: o.packageSpec ?? `joulebook@${PACKAGE_VERSION}`,
    nodeMajor: o.nodeMajor,
    sshKeys: sshKeys.flatMap((k) => k.split('\n').filter((l) => l.trim() !== '')),
    unitName: ON_DEVICE.unitName,
  });
  return [
    ...files,
    { name: FILES.userData, path: '', content: ud, mode: '0600' },
    { name: FILES.metaData, path: '', content: metaData(hostname, ud), mode: '0644' },
  ];
}

async function writeIfChanged(file: string, content: string, mode: number): Promise<FileChange> {
  const before = await readFile(file, 'utf8').catch(() => undefined);
  if (before === content) return 'unchanged';
  mkdirSync(dirname(file), { recursive: true });
  await writeAtomically(file, content, mode);
  return before === undefined ? 'created' : 'updated';
}

async function removeStale(file: string, name: string): Promise<{ name: string; change: FileChange }[]> {
  try {
    await unlink(file);
    return [{ name, change: 'removed' }];
  } catch {
    return [];
  }
}
