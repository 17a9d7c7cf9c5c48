// central.yaml from disk: YAML, schema, paths made absolute; every problem at once as `file: path: message`.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, issuesFromZod } from '../../common/issues.js';
import { CentralConfig } from './central-schema.js';
import { parseYamlDoc } from '../../common/yaml.js';

export async function readCentralConfig(file: string): Promise<CentralConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, path: '(file)', message: (err as Error).message }]);
  }
  return resolvePaths(parseCentralConfig(text, file), dirname(resolve(file)));
}

export function parseCentralConfig(text: string, file: string): CentralConfig {
  const doc = parseYamlDoc(text, file);
  if (!doc.ok) throw new ConfigError(doc.issues);
  const parsed = CentralConfig.safeParse(doc.value ?? {});
  if (!parsed.success) throw new ConfigError(issuesFromZod(file, parsed.error));
  if (parsed.data.billing && !parsed.data.inventory)
    throw new ConfigError([{ file, path: 'inventory', message: 'billing needs an inventory' }]);
  return parsed.data;
}

/** Relative paths in the config are relative to its file (the SQLite file to dataDir). */
export function resolvePaths(c: CentralConfig, base: string): CentralConfig {
  const abs = (p: string, from = base) => (isAbsolute(p) ? p : resolve(from, p));
  const dataDir = abs(c.dataDir);
  const broker =
    'embedded' in c.broker
      ? {
          embedded: {
            ...c.broker.embedded,
            credentials: abs(c.broker.embedded.credentials),
            ...(c.broker.embedded.tls
              ? {
                  tls: {
                    ...c.broker.embedded.tls,
                    cert: abs(c.broker.embedded.tls.cert),
                    key: abs(c.broker.embedded.tls.key),
                    ...(c.broker.embedded.tls.ca ? { ca: abs(c.broker.embedded.tls.ca) } : {}),
                  },
                }
              : {}),
          },
        }
      : c.broker;
  const storage = 'sqlite' in c.storage ? { sqlite: { ...c.storage.sqlite, file: abs(c.storage.sqlite.file, dataDir) } } : c.storage;
  const billing = c.billing ? { ...c.billing, tariffs: abs(c.billing.tariffs), outputDir: abs(c.billing.outputDir, dataDir) } : undefined;
  const api = c.api.tls ? { ...c.api, tls: { cert: abs(c.api.tls.cert), key: abs(c.api.tls.key) } } : c.api;
  return { ...c, dataDir, broker, storage, api, ...(c.inventory ? { inventory: abs(c.inventory) } : {}), ...(billing ? { billing } : {}) };
}
