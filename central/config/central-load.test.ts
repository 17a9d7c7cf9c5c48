import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ConfigError } from '../../protocol/issues.js';
import { parseCentralConfig, readCentralConfig } from './central-load.js';

t.test('embedded defaults, paths relative to the file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-cc-'));
  writeFileSync(join(dir, 'central.yaml'), 'inventory: inv.yaml\n');
  const c = await readCentralConfig(join(dir, 'central.yaml'));
  t.same(c.broker, { embedded: {
    host: '0.0.0.0', port: 1883, credentials: join(dir, 'credentials.yaml'), maxPacketBytes: 135_168, connectTimeoutS: 10,
    signInThrottle: { windowS: 300, maxFailuresPerUserAddress: 5, maxFailuresPerAddress: 30, maxFailuresPerUser: 100 },
  } });
  t.same(c.storage, { sqlite: { file: join(dir, 'data', 'joulebook.db'), writerThread: true } });
  t.equal(c.inventory, join(dir, 'inv.yaml'));
  t.same(c.alerts.webhooks, []);
});

t.test('a SQLite file of its own keeps its other options', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-cc-'));
  writeFileSync(join(dir, 'central.yaml'), 'storage: { sqlite: { file: meters.db, writerThread: false } }\n');
  const c = await readCentralConfig(join(dir, 'central.yaml'));
  t.same(c.storage, { sqlite: { file: join(dir, 'data', 'meters.db'), writerThread: false } });
});

t.test('the shipped example loads', async (t) => {
  const c = await readCentralConfig(fileURLToPath(new URL('../../config/central.example.yaml', import.meta.url)));
  t.equal(c.central.id, 'central-1');
  t.match(c.inventory, /config\/inventory\.example\.yaml$/);
});

t.test('every problem at once, by file and path', async (t) => {
  const text = 'broker: { external: { url: "http://x" } }\nstorage: { postgres: { url: "mysql://x" } }\ningest: { maxDelayMs: -1 }\nfoo: 1\n';
  try {
    parseCentralConfig(text, '/etc/central.yaml');
    t.fail('accepted');
  } catch (err) {
    t.type(err, ConfigError);
    const lines = (err as ConfigError).issues.map((i) => `${i.file}: ${i.path}`);
    t.ok(lines.includes('/etc/central.yaml: (root)') || lines.some((l) => l.endsWith('foo')), lines.join('\n'));
    t.ok(lines.some((l) => l.includes('ingest.maxDelayMs')), 'names ingest.maxDelayMs');
    t.ok(lines.some((l) => l.includes('broker')), 'names the broker');
    t.ok(lines.some((l) => l.includes('storage')), 'names the storage');
  }
  t.throws(() => parseCentralConfig('broker: [', 'c.yaml'), ConfigError, 'YAML syntax');
});
