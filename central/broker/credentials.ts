// The broker credentials file (YAML): one entry per user with its role, and for a gateway the site and
// gateway id its topics are confined to. Only hashes are stored (passwords.ts). Errors name file and path.
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigIssue, issuesFromZod } from '../../common/issues.js';
import { TopicLevel } from '../../protocol/wire.js';
import { parseYamlDoc } from '../../common/yaml.js';
import type { Principal, Role } from './acl.js';
import {
  DEFAULT_MOSQUITTO_ITERATIONS,
  DEFAULT_SCRYPT,
  hashPassword,
  mosquittoHash,
  MOSQUITTO_FORMAT,
  type ScryptParams,
  SCRYPT_FORMAT,
} from './passwords.js';
import { RESERVED_SITE } from './topics.js';

/** No ':' (Mosquitto password_file separator), no spaces (acl_file lines), no MQTT wildcards. */
export const Username = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/, 'letters, digits, "_", ".", "@", "-" (up to 128)');
const Hashes = {
  scrypt: z.string().regex(SCRYPT_FORMAT, 'scrypt$N$r$p$<salt>$<key>').describe('scrypt hash the embedded broker checks'),
  mosquitto: z
    .string()
    .regex(MOSQUITTO_FORMAT, '$7$<iterations>$<salt>$<hash>')
    .describe('PBKDF2-SHA512 hash for a Mosquitto password_file'),
  updatedAt: z.string().describe('when the password was last set (ISO 8601)'),
};

export const GatewayUser = z.strictObject({
  username: Username,
  role: z.literal('gateway'),
  site: TopicLevel.refine((s) => s !== RESERVED_SITE, `"${RESERVED_SITE}" is reserved for the central node's topics`),
  gateway: TopicLevel,
  ...Hashes,
});
export const OtherUser = z.strictObject({ username: Username, role: z.enum(['subscriber', 'central']), ...Hashes });
export const BrokerUser = z.discriminatedUnion('role', [GatewayUser, OtherUser]);
export type BrokerUser = z.infer<typeof BrokerUser>;

export const CredentialsFile = z.strictObject({
  version: z.literal(1),
  users: z.array(BrokerUser).default([]),
});
export type CredentialsFile = z.infer<typeof CredentialsFile>;

export function principalOf(u: BrokerUser): Principal {
  return u.role === 'gateway'
    ? { username: u.username, role: 'gateway', site: u.site, gateway: u.gateway }
    : { username: u.username, role: u.role };
}

export function parseCredentials(text: string, file: string): CredentialsFile {
  const doc = parseYamlDoc(text, file);
  if (!doc.ok) throw new ConfigError(doc.issues);
  const parsed = CredentialsFile.safeParse(doc.value);
  if (!parsed.success) throw new ConfigError(issuesFromZod(file, parsed.error));
  const issues = crossCheck(parsed.data, file);
  if (issues.length > 0) throw new ConfigError(issues);
  return parsed.data;
}

function crossCheck(c: CredentialsFile, file: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = new Map<string, number>();
  const prefixes = new Map<string, number>();
  c.users.forEach((u, i) => {
    const prev = names.get(u.username);
    if (prev !== undefined)
      issues.push({ file, path: `users[${i}].username`, message: `duplicate username "${u.username}" (also users[${prev}])` });
    names.set(u.username, i);
    if (u.role !== 'gateway') return;
    const key = `${u.site}/${u.gateway}`;
    const other = prefixes.get(key);
    if (other !== undefined)
      issues.push({
        file,
        path: `users[${i}].gateway`,
        message: `gateway ${key} already has a user (users[${other}]); each gateway has its own credentials`,
      });
    prefixes.set(key, i);
  });
  return issues;
}

export async function readCredentials(file: string): Promise<CredentialsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, path: '(file)', message: (err as Error).message }], { cause: err });
  }
  return parseCredentials(text, file);
}

export type UserSpec = { username: string; password: string } & (
  { role: 'gateway'; site: string; gateway: string } | { role: Exclude<Role, 'gateway'> }
);

export interface SetUserOptions {
  scrypt?: ScryptParams;
  mosquittoIterations?: number;
  now?: () => Date;
}

/**
 * Adds a user or rotates its password (and role or prefix); both hashes are derived here from the one
 * plaintext, which is not kept. The file is replaced atomically (temporary file, fsync, rename), mode 0600.
 */
export async function setUser(file: string, spec: UserSpec, o: SetUserOptions = {}): Promise<BrokerUser> {
  const current = await readOrEmpty(file);
  const hashes = {
    scrypt: await hashPassword(spec.password, o.scrypt ?? DEFAULT_SCRYPT),
    mosquitto: await mosquittoHash(spec.password, o.mosquittoIterations ?? DEFAULT_MOSQUITTO_ITERATIONS),
    updatedAt: (o.now?.() ?? new Date()).toISOString(),
  };
  const entry =
    spec.role === 'gateway'
      ? { username: spec.username, role: spec.role, site: spec.site, gateway: spec.gateway, ...hashes }
      : { username: spec.username, role: spec.role, ...hashes };
  const users = current.users.filter((u) => u.username !== spec.username);
  const next = { version: 1 as const, users: [...users, entry] };
  // Validate the result as a whole (bad names, a second user for one gateway) before anything is written.
  parseCredentials(stringify(next), file);
  await writeAtomically(file, renderCredentials(next));
  return BrokerUser.parse(entry);
}

export async function removeUser(file: string, username: string): Promise<boolean> {
  const current = await readOrEmpty(file);
  const users = current.users.filter((u) => u.username !== username);
  if (users.length === current.users.length) return false;
  await writeAtomically(file, renderCredentials({ version: 1, users }));
  return true;
}

export function renderCredentials(c: CredentialsFile): string {
  return `# Broker credentials: written by \`joulebook central broker user set\`; hashes only (docs/deploy.md).\n${stringify(c)}`;
}

async function readOrEmpty(file: string): Promise<CredentialsFile> {
  try {
    return await readCredentials(file);
  } catch (err) {
    if (err instanceof ConfigError && (err.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return { version: 1, users: [] };
    throw err;
  }
}

export async function writeAtomically(file: string, text: string, mode = 0o600): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
