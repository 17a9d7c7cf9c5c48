// Reads every profile file of the given folders; collects all problems before failing.
// A file is a Modbus meter profile (top-level `modbus:`) or an SNMP PDU profile (`snmp:`).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue, issuesFromZod } from '../../common/issues.js';
import { parseYamlDoc } from '../../common/yaml.js';
import { Registry } from '../../common/registry.js';
import { resolveProfile, type ResolvedProfile } from './resolve.js';
import { ModbusProfile } from './schema.js';
import { resolveSnmpProfile, type ResolvedSnmpProfile } from './snmp-resolve.js';
import { SnmpProfile } from './snmp-schema.js';

export type ProfileCatalog = ReadonlyMap<string, ResolvedProfile>;
export type SnmpCatalog = ReadonlyMap<string, ResolvedSnmpProfile>;

export interface Catalogs {
  modbus: ProfileCatalog;
  snmp: SnmpCatalog;
}

interface ProfileKind<P> {
  schema: z.ZodType<unknown>;
  resolve(parsed: unknown, file: string): { profile?: P & { id: string }; issues: ConfigIssue[] };
}

const kinds = new Registry<ProfileKind<ResolvedProfile | ResolvedSnmpProfile>>('profile kind')
  .register('modbus', { schema: ModbusProfile, resolve: (p, f) => resolveProfile(p as ModbusProfile, f) })
  .register('snmp', { schema: SnmpProfile, resolve: (p, f) => resolveSnmpProfile(p as SnmpProfile, f) });

export async function loadCatalogs(dirs: readonly string[]): Promise<Catalogs> {
  const issues: ConfigIssue[] = [];
  const out = { modbus: new Map<string, ResolvedProfile>(), snmp: new Map<string, ResolvedSnmpProfile>() };
  const fileOf = new Map<string, string>();
  for (const dir of dirs) {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
    for (const name of names) {
      const file = join(dir, name);
      const r = parseAnyProfile(await readFile(file, 'utf8'), file);
      issues.push(...r.issues);
      if (!r.profile || !r.kind) continue;
      const prev = fileOf.get(r.profile.id);
      if (prev) issues.push({ file, path: 'id', message: `profile id "${r.profile.id}" is already defined in ${prev}` });
      (out[r.kind] as Map<string, unknown>).set(r.profile.id, r.profile);
      fileOf.set(r.profile.id, file);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return out;
}

/** The Modbus meter profiles of the folders (every file is still checked). */
export async function loadProfiles(dirs: readonly string[]): Promise<ProfileCatalog> {
  return (await loadCatalogs(dirs)).modbus;
}

export function parseAnyProfile(
  text: string,
  file: string,
): { kind?: keyof Catalogs; profile?: ResolvedProfile | ResolvedSnmpProfile; issues: ConfigIssue[] } {
  const doc = parseYamlDoc(text, file);
  if (!doc.ok) return { issues: doc.issues };
  const value = doc.value as Record<string, unknown>;
  const kind = (['modbus', 'snmp'] as const).find((k) => typeof value === 'object' && value !== null && k in value);
  if (!kind) return { issues: [{ file, path: '(root)', message: 'a profile needs a `modbus:` or an `snmp:` section' }] };
  const k = kinds.get(kind);
  const parsed = k.schema.safeParse(value);
  if (!parsed.success) return { issues: issuesFromZod(file, parsed.error) };
  return { kind, ...k.resolve(parsed.data, file) };
}

/** A Modbus profile from YAML text. */
export function parseProfile(text: string, file: string): { profile?: ResolvedProfile; issues: ConfigIssue[] } {
  const doc = parseYamlDoc(text, file);
  if (!doc.ok) return { issues: doc.issues };
  const parsed = ModbusProfile.safeParse(doc.value);
  if (!parsed.success) return { issues: issuesFromZod(file, parsed.error) };
  return resolveProfile(parsed.data, file);
}
