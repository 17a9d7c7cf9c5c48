// gateway.yaml from disk: YAML, schema, then the references between entries; every problem at once.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, type ConfigIssue, issuesFromZod } from '../../common/issues.js';
import { GatewayConfig } from './schema.js';
import { crossCheckTopology } from './topology-check.js';
import { parseYamlDoc } from '../../common/yaml.js';

export async function readGatewayConfig(file: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, path: '(file)', message: (err as Error).message }]);
  }
  const cfg = parseGatewayConfig(text, file);
  // Relative paths are relative to the config file.
  const rel = (p: string) => resolve(dirname(file), p);
  const tls = cfg.mqtt.tls;
  const mqtt = {
    ...cfg.mqtt,
    ...(cfg.mqtt.passwordFile
      ? { passwordFile: rel(cfg.mqtt.passwordFile), password: await readSecret(file, rel(cfg.mqtt.passwordFile)) }
      : {}),
    ...(tls
      ? {
          tls: {
            ...(tls.ca ? { ca: rel(tls.ca) } : {}),
            ...(tls.cert ? { cert: rel(tls.cert) } : {}),
            ...(tls.key ? { key: rel(tls.key) } : {}),
          },
        }
      : {}),
  };
  return { ...cfg, dataDir: rel(cfg.dataDir), mqtt, profiles: { dirs: cfg.profiles.dirs.map(rel) } };
}

/** The first line of a secret file; a missing or empty one is a configuration error naming both files. */
async function readSecret(file: string, secretFile: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(secretFile, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, path: 'mqtt.passwordFile', message: (err as Error).message }]);
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new ConfigError([{ file, path: 'mqtt.passwordFile', message: `${secretFile} is empty` }]);
  return line;
}

export function parseGatewayConfig(text: string, file: string): GatewayConfig {
  const doc = parseYamlDoc(text, file);
  if (!doc.ok) throw new ConfigError(doc.issues);
  const parsed = GatewayConfig.safeParse(doc.value);
  if (!parsed.success) throw new ConfigError(issuesFromZod(file, parsed.error));
  const issues = crossCheck(parsed.data, file);
  if (issues.length > 0) throw new ConfigError(issues);
  return parsed.data;
}

function crossCheck(cfg: GatewayConfig, file: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const dup = (list: readonly { id: string }[], what: string) => {
    const seen = new Map<string, number>();
    list.forEach((x, i) => {
      const prev = seen.get(x.id);
      if (prev !== undefined) issues.push({ file, path: `${what}[${i}].id`, message: `duplicate id "${x.id}" (also ${what}[${prev}])` });
      seen.set(x.id, i);
    });
  };
  dup(cfg.buses, 'buses');
  dup(cfg.devices, 'devices');
  dup(cfg.snmp.pdus, 'snmp.pdus');
  if (cfg.mqtt.password !== undefined && cfg.mqtt.passwordFile !== undefined)
    issues.push({ file, path: 'mqtt.passwordFile', message: 'give password or passwordFile, not both' });
  const modbusIds = new Set(cfg.devices.map((d) => d.id));
  cfg.snmp.pdus.forEach((p, i) => {
    const path = `snmp.pdus[${i}]`;
    if (modbusIds.has(p.id)) issues.push({ file, path: `${path}.id`, message: `"${p.id}" is also a Modbus device id` });
    if (p.version === '3' && !p.user) issues.push({ file, path: `${path}.user`, message: 'SNMP v3 needs a user' });
    if (p.user && p.user.level !== 'noAuthNoPriv' && !p.user.authKey)
      issues.push({ file, path: `${path}.user.authKey`, message: `level ${p.user.level} needs an authKey` });
    if (p.user?.level === 'authPriv' && !p.user.privKey)
      issues.push({ file, path: `${path}.user.privKey`, message: 'level authPriv needs a privKey' });
    if (p.energyIntervalMs > p.fullIntervalMs)
      issues.push({ file, path: `${path}.energyIntervalMs`, message: 'energy counters cannot be read less often than the full set' });
  });
  const busIds = new Set(cfg.buses.map((b) => b.id));
  const units = new Map<string, number>();
  cfg.devices.forEach((d, i) => {
    if (!busIds.has(d.bus))
      issues.push({ file, path: `devices[${i}].bus`, message: `unknown bus "${d.bus}" (buses: ${[...busIds].join(', ') || 'none'})` });
    const key = `${d.bus}/${d.unit}`;
    const prev = units.get(key);
    if (prev !== undefined)
      issues.push({ file, path: `devices[${i}].unit`, message: `unit ${d.unit} on bus ${d.bus} is already devices[${prev}]` });
    units.set(key, i);
    if (d.energyIntervalMs > d.fullIntervalMs)
      issues.push({ file, path: `devices[${i}].energyIntervalMs`, message: 'energy counters cannot be read less often than the full set' });
  });
  return [...issues, ...crossCheckTopology(cfg, file)];
}

/** Checks the devices' profiles against the loaded catalog; reported with the config's own problems. */
export function checkProfiles(
  cfg: GatewayConfig,
  file: string,
  known: { modbus: ReadonlySet<string>; snmp: ReadonlySet<string> },
): ConfigIssue[] {
  const check = (id: string, path: string, kind: 'modbus' | 'snmp'): ConfigIssue[] =>
    known[kind].has(id)
      ? []
      : [
          {
            file,
            path,
            message: `unknown ${kind === 'snmp' ? 'PDU' : 'meter'} profile "${id}" (known: ${[...known[kind]].sort().join(', ')})`,
          },
        ];
  return [
    ...cfg.devices.flatMap((d, i) => check(d.profile, `devices[${i}].profile`, 'modbus')),
    ...cfg.snmp.pdus.flatMap((p, i) => check(p.profile, `snmp.pdus[${i}].profile`, 'snmp')),
  ];
}
