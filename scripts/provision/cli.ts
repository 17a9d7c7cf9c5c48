// `joulebook provision --site <s> --room <r> ...`: the thin command over provision.ts.
import { Command } from 'commander';
import { intIn } from '../../common/cli-args.js';
import { listTemplates, provision, type ProvisionDeps, type ProvisionResult } from './provision.js';

export interface ProvisionIo {
  out: (text: string) => void;
  deps?: ProvisionDeps;
}

const processIo: ProvisionIo = { out: (text) => process.stdout.write(text) };

export function provisionCommand(io: ProvisionIo = processIo): Command {
  return new Command('provision')
    .description(
      "write a room's gateway bundle: gateway.yaml, MQTT credentials registered at central, the broker's CA, a systemd unit, cloud-init user-data",
    )
    .option('--site <id>', 'site id')
    .option('--room <id>', 'room id')
    .option('--gateway <id>', 'gateway id (default <site>-<room>)')
    .option('--username <name>', 'MQTT username (default the gateway id)')
    .option('--central-config <file>', "central.yaml: its embedded broker's credentials file and TLS listener")
    .option('--credentials <file>', 'broker credentials file (an external broker; or instead of --central-config)')
    .option('--broker-host <name>', 'the name or address the gateway reaches central by (with --central-config)')
    .option('--broker-url <url>', 'the broker URL as the gateway dials it, e.g. mqtts://central.example.net:8883')
    .option('--ca <file>', "the CA that signed the broker's certificate")
    .option(
      '--scan <file>',
      'output of `joulebook gateway scan --json` (repeat for several buses and PDU scans)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--template <name>', 'a room template from config/rooms instead of a scan')
    .option('--list-templates', 'list the room templates and exit')
    .option('--out <dir>', 'bundle folder (re-provisioning the same folder keeps its hand edits)')
    .option('--data-dir <dir>', "the gateway's data folder on its card", '/var/lib/joulebook')
    .option('--package <spec>', 'what the card installs with npm install --global (registry spec, tarball URL or path)')
    .option(
      '--ssh-key <file>',
      'public key file for the default user (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--watchdog-s <s>', 'systemd WatchdogSec', intIn(10, 3600), 60)
    .option('--node-major <n>', 'Node.js major version installed on the card', intIn(20, 30), 22)
    .option('--service-user <name>', 'system user the gateway runs as', 'joulebook')
    .option('--json', 'print the result as JSON')
    .action(async (o: Options) => {
      if (o.listTemplates) {
        for (const t of await listTemplates()) io.out(`${t.name.padEnd(24)} ${t.description}\n`);
        return;
      }
      const missing = (['site', 'room', 'out'] as const).filter((k) => !o[k]).map((k) => `--${k}`);
      if (missing.length > 0) throw new Error(`provision needs ${missing.join(', ')}`);
      const r = await provision(
        {
          site: o.site!,
          room: o.room!,
          out: o.out!,
          scans: o.scan,
          dataDir: o.dataDir,
          sshKeys: o.sshKey,
          watchdogS: o.watchdogS,
          nodeMajor: o.nodeMajor,
          serviceUser: o.serviceUser,
          ...pick(o, ['gateway', 'username', 'centralConfig', 'credentials', 'brokerHost', 'brokerUrl', 'ca', 'template']),
          packageSpec: o.package || undefined,
        },
        io.deps,
      );
      io.out(o.json ? `${JSON.stringify(r)}\n` : summary(r, o.out!));
    });
}

interface Options {
  site?: string;
  room?: string;
  gateway?: string;
  username?: string;
  centralConfig?: string;
  credentials?: string;
  brokerHost?: string;
  brokerUrl?: string;
  ca?: string;
  scan: string[];
  template?: string;
  listTemplates?: boolean;
  out?: string;
  dataDir: string;
  package?: string;
  sshKey: string[];
  watchdogS: number;
  nodeMajor: number;
  serviceUser: string;
  json?: boolean;
}

function pick<K extends keyof Options>(o: Options, keys: readonly K[]): Partial<Pick<Options, K>> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as Partial<Pick<Options, K>>;
}

export function summary(r: ProvisionResult, out: string): string {
  const lines = [
    `gateway ${r.gateway}: bundle in ${out}`,
    `  credentials: ${r.credentials.change === 'rotated' ? `password of ${r.username} rotated in ${r.credentials.file}; the old one no longer works` : `${r.username} added to ${r.credentials.file}`}`,
    `  broker: ${r.url}`,
    ...r.files.map((f) => `  ${f.name.padEnd(28)} ${f.change}`),
    ...r.warnings.map((w) => `WARNING: ${w}`),
    ...r.notes.map((n) => `note: ${n}`),
    'next: copy user-data and meta-data to the boot partition of the card (docs/installer.md), then `joulebook gateway check`',
  ];
  return `${lines.join('\n')}\n`;
}
