import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ConfigError } from '../../common/issues.js';
import { parseCentralConfig, readCentralConfig } from './central-load.js';

t.test('embedded defaults, paths relative to the file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-cc-'));
  writeFileSync(join(dir, 'central.yaml'), 'inventory: inv.yaml\n');
  const c = await readCentralConfig(join(dir, 'central.yaml'));
  t.same(c.broker, {
    embedded: {
      host: '0.0.0.0',
      port: 1883,
      credentials: join(dir, 'credentials.yaml'),
      maxPacketBytes: 135_168,
      connectTimeoutS: 10,
      signInThrottle: { windowS: 300, maxFailuresPerUserAddress: 5, maxFailuresPerAddress: 30, maxFailuresPerUser: 100 },
    },
  });
  t.same(c.storage, { sqlite: { file: join(dir, 'data', 'joulebook.db'), writerThread: true, create: 'if-missing' } });
  t.equal(c.inventory, join(dir, 'inv.yaml'));
  t.same(c.alerts.webhooks, []);
});

t.test('a SQLite file of its own keeps its other options', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-cc-'));
  writeFileSync(join(dir, 'central.yaml'), 'storage: { sqlite: { file: meters.db, writerThread: false, create: never } }\n');
  const c = await readCentralConfig(join(dir, 'central.yaml'));
  t.same(c.storage, { sqlite: { file: join(dir, 'data', 'meters.db'), writerThread: false, create: 'never' } });
  t.same(parseCentralConfig('storage: { postgres: { url: "postgres://db/x" } }\n', '/etc/c.yaml').storage, {
    postgres: { url: 'postgres://db/x', schema: 'joulebook', create: 'if-missing' },
  });
  t.throws(
    () => parseCentralConfig('storage: { sqlite: { create: always } }\n', '/etc/c.yaml'),
    ConfigError,
    'create is if-missing or never',
  );
});

t.test('the shipped example loads', async (t) => {
  const c = await readCentralConfig(fileURLToPath(new URL('../../config/central.example.yaml', import.meta.url)));
  t.equal(c.central.id, 'central-1');
  t.match(c.inventory, /config\/inventory\.example\.yaml$/);
});

t.test('every problem at once, by file and path', async (t) => {
  const text =
    'broker: { external: { url: "http://x" } }\nstorage: { postgres: { url: "mysql://x" } }\ningest: { maxDelayMs: -1 }\nfoo: 1\n';
  try {
    parseCentralConfig(text, '/etc/central.yaml');
    t.fail('accepted');
  } catch (err) {
    t.type(err, ConfigError);
    const lines = (err as ConfigError).issues.map((i) => `${i.file}: ${i.path}`);
    t.ok(lines.includes('/etc/central.yaml: (root)') || lines.some((l) => l.endsWith('foo')), lines.join('\n'));
    t.ok(
      lines.some((l) => l.includes('ingest.maxDelayMs')),
      'names ingest.maxDelayMs',
    );
    t.ok(
      lines.some((l) => l.includes('broker')),
      'names the broker',
    );
    t.ok(
      lines.some((l) => l.includes('storage')),
      'names the storage',
    );
  }
  t.throws(() => parseCentralConfig('broker: [', 'c.yaml'), ConfigError, 'YAML syntax');
});

t.test('api: trusted proxies by address or network, sign-in limits, metrics exposure', async (t) => {
  const c = parseCentralConfig('api: { trustProxy: [10.0.0.5, "fd00::/8", loopback] }\n', '/etc/central.yaml');
  t.same(c.api.trustProxy, ['10.0.0.5', 'fd00::/8', 'loopback']);
  t.same(c.api.signIn, { maxFailuresPerUsername: 5, maxFailuresPerAddress: 50, windowMinutes: 15 });
  t.equal(c.api.metrics, 'staff', 'metrics for staff unless told otherwise');
  t.equal(parseCentralConfig('{}', 'c.yaml').api.trustProxy, undefined, 'no proxy trusted by default');
  try {
    parseCentralConfig('api: { trustProxy: [nginx, 10.0.0.0/33], metrics: everyone }\n', '/etc/central.yaml');
    t.fail('accepted');
  } catch (err) {
    const lines = (err as ConfigError).issues.map((i) => `${i.file}: ${i.path}: ${i.message}`);
    t.match(lines.join('\n'), /\/etc\/central\.yaml: api\.trustProxy\[0\]: an IP address, a network in CIDR form/);
    t.match(lines.join('\n'), /api\.trustProxy\[1\]: an IP address/);
    t.match(lines.join('\n'), /api\.metrics: .*staff/);
  }
});
