// Reads every profile file of the given folders; collects all problems before failing.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type ConfigIssue, issuesFromZod } from '../../protocol/issues.js';
import { parseYamlFile } from '../config/yaml.js';
import { resolveProfile, type ResolvedProfile } from './resolve.js';
import { ModbusProfile } from './schema.js';

export type ProfileCatalog = ReadonlyMap<string, ResolvedProfile>;

export async function loadProfiles(dirs: readonly string[]): Promise<ProfileCatalog> {
  const issues: ConfigIssue[] = [];
  const byId = new Map<string, ResolvedProfile>();
  const fileOf = new Map<string, string>();
  for (const dir of dirs) {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
    for (const name of names) {
      const file = join(dir, name);
      const text = await readFile(file, 'utf8');
      const r = parseProfile(text, file);
      issues.push(...r.issues);
      if (!r.profile) continue;
      const prev = fileOf.get(r.profile.id);
      if (prev) issues.push({ file, path: 'id', message: `profile id "${r.profile.id}" is already defined in ${prev}` });
      byId.set(r.profile.id, r.profile);
      fileOf.set(r.profile.id, file);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return byId;
}

export function parseProfile(text: string, file: string): { profile?: ResolvedProfile; issues: ConfigIssue[] } {
  const doc = parseYamlFile(text, file);
  if (!doc.ok) return { issues: doc.issues };
  const parsed = ModbusProfile.safeParse(doc.value);
  if (!parsed.success) return { issues: issuesFromZod(file, parsed.error) };
  return resolveProfile(parsed.data, file);
}
