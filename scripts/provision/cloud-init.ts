// cloud-init user-data (#cloud-config) and meta-data for a fresh Raspberry Pi OS or Ubuntu Server card:
// both read them from the boot partition (NoCloud). It creates the service user, writes the bundle's
// files, installs Node.js 22 (NodeSource: Debian 12 and Ubuntu 24.04 ship Node 18, too old) and the
// joulebook package, and enables the unit. Pure.
//
// Order matters: cloud-init's write_files runs before users_groups, so the files are written as root and
// handed to the service user in runcmd, which runs last (cloud-init docs, module frequency and stages).
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { ON_DEVICE } from './gateway-yaml.js';

export interface BundleFile {
  /** Name in the bundle folder. */
  name: string;
  /** Where it goes on the gateway. */
  path: string;
  content: string;
  /** Octal permission text, e.g. '0600'. */
  mode: string;
  /** Handed to the service user after it exists (secrets); the rest stay root's. */
  ownedByService?: boolean;
}

export interface CloudInitInput {
  hostname: string;
  user: string;
  files: readonly BundleFile[];
  /** What `npm install --global` installs: a registry spec, a tarball URL or path. */
  packageSpec: string;
  nodeMajor: number;
  sshKeys: readonly string[];
  unitName: string;
}

/** A host name from a gateway id: letters, digits and hyphens, at most 63 (RFC 1123). */
export function hostnameOf(gateway: string): string {
  return (
    gateway
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63) || 'joulebook-gateway'
  );
}

export function userData(c: CloudInitInput): string {
  const doc = {
    hostname: c.hostname,
    preserve_hostname: false,
    users: [
      'default',
      { name: c.user, system: true, groups: ['dialout'], shell: '/usr/sbin/nologin', lock_passwd: true, no_create_home: true },
    ],
    ...(c.sshKeys.length > 0 ? { ssh_authorized_keys: [...c.sshKeys] } : {}),
    package_update: true,
    // python3, make and g++: better-sqlite3 builds from source where it has no prebuilt binary.
    packages: ['ca-certificates', 'curl', 'gnupg', 'python3', 'make', 'g++'],
    write_files: c.files.map((f) => ({ path: f.path, permissions: f.mode, owner: 'root:root', content: f.content })),
    runcmd: [
      ['sh', '-c', `curl -fsSL https://deb.nodesource.com/setup_${c.nodeMajor}.x | bash -`],
      ['apt-get', 'install', '-y', 'nodejs'],
      ['npm', 'install', '--global', '--omit=dev', '--no-audit', '--no-fund', c.packageSpec],
      ['chgrp', '-R', c.user, ON_DEVICE.configDir],
      ['chmod', '0750', ON_DEVICE.configDir],
      ...c.files.filter((f) => f.ownedByService).map((f) => ['chown', `${c.user}:${c.user}`, f.path]),
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', c.unitName],
    ],
  };
  return `#cloud-config\n# Joulebook gateway ${c.hostname}: written by \`joulebook provision\`. Holds the MQTT password: keep it like one.\n${stringify(doc, { lineWidth: 0 })}`;
}

/**
 * cloud-init runs its once-per-instance modules again only for a new instance-id, so the id follows the
 * user-data: a re-provisioned card (new password) is set up again, the same card booted twice is not.
 */
export function metaData(hostname: string, userDataText: string): string {
  const digest = createHash('sha256').update(userDataText).digest('hex').slice(0, 12);
  return `instance-id: ${hostname}-${digest}\nlocal-hostname: ${hostname}\n`;
}
