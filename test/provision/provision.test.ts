// `joulebook provision` end to end: a real scan of simulated meters becomes the bundle; a central node
// with its embedded broker (TLS) reads the credentials provisioning registered; a gateway started from the
// bundle's gateway.yaml (its password file, its CA) connects and its readings are stored; `gateway check`
// on the bundle passes; re-provisioning changes only the credentials, the old password is refused and the
// new one works. The unit passes `systemd-analyze verify`, the cloud-init user-data carries the bundle.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { parse } from 'yaml';
import { readCentralConfig } from '../../central/config/central-load.js';
import { systemClock } from '../../common/clock.js';
import { startCentral } from '../../central/main.js';
import { readGatewayConfig } from '../../gateway/config/load.js';
import { provisionCommand } from '../../scripts/provision/cli.js';
import { startModbusSim } from '../../sim/modbus/start.js';
import { runCli } from '../helpers/cli.js';
import { freePort, hasProgram, quietLog } from '../helpers/env.js';
import { runGateway, waitFor } from '../helpers/gateway.js';
import { builtinProfiles } from '../helpers/modbus.js';
import { makeTlsFiles } from '../helpers/tls.js';

const FAST = { scrypt: { N: 1024, r: 8, p: 1 }, mosquittoIterations: 101 };

async function provisionCli(args: string[]): Promise<string> {
  let text = '';
  await provisionCommand({
    out: (s) => {
      text += s;
    },
    deps: { hash: FAST },
  }).parseAsync(args, { from: 'user' });
  return text;
}

t.test('scan, provision, central, gateway, check, re-provision', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-provision-'));
  const tls = makeTlsFiles();
  const [tcpPort, tlsPort, simPort] = [await freePort(), await freePort(), await freePort()];
  const centralYaml = join(dir, 'central.yaml');
  writeFileSync(
    centralYaml,
    [
      'dataDir: ./central-data',
      'broker:',
      '  embedded:',
      `    host: 127.0.0.1\n    port: ${tcpPort}\n    credentials: users.yaml`,
      `    tls: { host: 127.0.0.1, port: ${tlsPort}, cert: ${tls.serverCert}, key: ${tls.serverKey} }`,
      '',
    ].join('\n'),
  );
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port: simPort },
    meters: [1, 2].map((unit) => ({ unit, profile: sdm })),
  });
  t.teardown(() => sim.close());

  const scan = await runCli(['gateway', 'scan', '--tcp', `127.0.0.1:${simPort}`, '--units', '1-3', '--timeout-ms', '200', '--json']);
  t.equal(scan.code, 0, scan.stderr);
  const scanFile = join(dir, 'scan.json');
  writeFileSync(scanFile, scan.stdout);

  const bundle = join(dir, 'bundle');
  const args = [
    '--site',
    'ams1',
    '--room',
    'r101',
    '--central-config',
    centralYaml,
    '--broker-host',
    '127.0.0.1',
    '--ca',
    tls.ca,
    '--out',
    bundle,
    '--data-dir',
    join(dir, 'gw-data'),
  ];
  const first = await provisionCli([...args, '--scan', scanFile]);
  t.match(first, /credentials: ams1-r101 added to .*users\.yaml/);
  t.match(first, /broker: mqtts:\/\/127\.0\.0\.1:\d+/);
  t.match(first, /TLS: the gateway verifies the broker with .*joulebook test CA/);
  for (const f of ['gateway.yaml', 'mqtt-password', 'ca.crt', 'joulebook-gateway.service', 'user-data', 'meta-data'])
    t.match(first, new RegExp(`${f.replace('.', '\\.')}\\s+created`), `${f} created`);
  t.equal(statSync(join(bundle, 'mqtt-password')).mode & 0o777, 0o600, 'the secret is 0600');
  t.equal(statSync(join(bundle, 'user-data')).mode & 0o777, 0o600, 'so is the user-data that carries it');
  const password1 = readFileSync(join(bundle, 'mqtt-password'), 'utf8').trim();
  t.notMatch(readFileSync(join(dir, 'users.yaml'), 'utf8'), password1, 'central keeps only hashes');
  t.notMatch(readFileSync(join(bundle, 'gateway.yaml'), 'utf8'), password1, 'gateway.yaml holds no password');

  const config = await readGatewayConfig(join(bundle, 'gateway.yaml'));
  t.same(
    config.devices.map((d) => [d.id, d.unit, d.profile]),
    [
      ['tcp-1-u1', 1, 'eastron-sdm630'],
      ['tcp-1-u2', 2, 'eastron-sdm630'],
    ],
    'the scanned meters',
  );
  t.equal(config.mqtt.password, password1, 'the loader reads the password file');

  const central = await startCentral({ config: await readCentralConfig(centralYaml), clock: systemClock, log: quietLog });
  t.teardown(() => central.stop());
  // Faster polls than the defaults, so the test sees readings in seconds; the connection is the bundle's.
  const gw = await runGateway({
    ...config,
    devices: config.devices.map((d) => ({ ...d, energyIntervalMs: 200, fullIntervalMs: 400 })),
    outbox: { ...config.outbox, commitIntervalMs: 100 },
  });
  t.teardown(() => gw.stop());
  t.ok(
    await waitFor(() => central.pipeline.counters.snapshot().readingsStored >= 10, 15_000),
    `readings stored at central: ${central.pipeline.counters.snapshot().readingsStored}`,
  );
  const series = await central.store.listSeries({ site: 'ams1', gateway: 'ams1-r101' });
  t.same([...new Set(series.map((s) => s.device))].sort(), ['tcp-1-u1', 'tcp-1-u2']);

  const check = await runCli(['gateway', 'check', '-c', join(bundle, 'gateway.yaml')]);
  t.equal(check.code, 0, check.stdout + check.stderr);
  t.match(check.stdout, /broker mqtts:\/\/127\.0\.0\.1:\d+: connected/);

  const gatewayYamlBefore = readFileSync(join(bundle, 'gateway.yaml'), 'utf8');
  const second = await provisionCli(args);
  t.match(second, /password of ams1-r101 rotated in .*; the old one no longer works/);
  for (const f of ['gateway.yaml', 'ca.crt', 'joulebook-gateway.service'])
    t.match(second, new RegExp(`${f.replace('.', '\\.')}\\s+unchanged`), `${f} unchanged`);
  for (const f of ['mqtt-password', 'user-data', 'meta-data']) t.match(second, new RegExp(`${f}\\s+updated`), `${f} updated`);
  t.equal(readFileSync(join(bundle, 'gateway.yaml'), 'utf8'), gatewayYamlBefore, 'the same gateway.yaml, byte for byte');
  const password2 = readFileSync(join(bundle, 'mqtt-password'), 'utf8').trim();
  t.not(password2, password1);
  const connect = (password: string) =>
    mqtt.connectAsync(`mqtts://127.0.0.1:${tlsPort}`, {
      username: 'ams1-r101',
      password,
      clientId: `probe-${password.slice(0, 6)}`,
      ca: readFileSync(join(bundle, 'ca.crt')),
      rejectUnauthorized: true,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
  await t.rejects(connect(password1), /Bad username or password|Not authorized/, 'the old password is refused');
  const fresh = await connect(password2);
  t.ok(fresh.connected, 'the new one works');
  await fresh.endAsync(true);

  const userData = readFileSync(join(bundle, 'user-data'), 'utf8');
  t.match(userData, /^#cloud-config\n/);
  const cloud = parse(userData) as {
    write_files: { path: string; content: string; permissions: string }[];
    users: unknown[];
    runcmd: string[][];
  };
  const written = new Map(cloud.write_files.map((w) => [w.path, w]));
  const expect: [string, string, string][] = [
    ['/etc/joulebook/gateway.yaml', 'gateway.yaml', '0644'],
    ['/etc/joulebook/mqtt-password', 'mqtt-password', '0600'],
    ['/etc/joulebook/ca.crt', 'ca.crt', '0644'],
    ['/etc/systemd/system/joulebook-gateway.service', 'joulebook-gateway.service', '0644'],
  ];
  for (const [path, name, mode] of expect) {
    t.equal(written.get(path)?.content, readFileSync(join(bundle, name), 'utf8'), `user-data writes ${path} as in the bundle`);
    t.equal(written.get(path)?.permissions, mode);
  }
  t.equal(written.size, 4);
  t.match(cloud.users[1], { name: 'joulebook', system: true, groups: ['dialout'] });

  const unit = readFileSync(join(bundle, 'joulebook-gateway.service'), 'utf8');
  if (!hasProgram('systemd-analyze', ['--version'])) {
    t.comment('skipping systemd-analyze verify: systemd-analyze is not installed');
  } else {
    // verify checks that ExecStart exists; joulebook is not installed here, so node stands in for it.
    const copy = join(mkdtempSync(join(tmpdir(), 'jb-unit-')), 'joulebook-gateway.service');
    writeFileSync(
      copy,
      unit.replace('ExecStart=/usr/bin/joulebook', `ExecStart=${process.execPath} /usr/lib/node_modules/joulebook/bin/joulebook.js`),
    );
    let out = '';
    try {
      out = execFileSync('systemd-analyze', ['verify', copy], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      out = `${(err as { stderr?: string }).stderr ?? err}`;
      t.fail(`systemd-analyze verify: ${out}`);
    }
    t.equal(out.trim(), '', 'systemd-analyze verify reports nothing');
  }
});

t.test('provisioning refusals: every one names what to do, and registers nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-provision-'));
  const users = join(dir, 'users.yaml');
  const base = ['--site', 'fra1', '--room', 'r2', '--credentials', users, '--broker-url', 'mqtt://central:1883', '--out', join(dir, 'b')];
  await t.rejects(provisionCli(base), /no gateway\.yaml in .* yet: give --scan <scan\.json> or --template <name>/);
  await t.rejects(provisionCli([...base, '--template', 'nope']), /unknown template "nope" \(known: empty, rs485-sdm630x4\)/);
  await t.rejects(provisionCli([...base, '--template', 'empty', '--scan', 'x.json']), /--scan or --template, not both/);
  await t.rejects(provisionCli([...base, '--scan', join(dir, 'missing.json')]), /missing\.json: \(file\)/);
  writeFileSync(join(dir, 'bad.json'), 'no json');
  await t.rejects(provisionCli([...base, '--scan', join(dir, 'bad.json')]), /not the JSON of `joulebook gateway scan --json`/);
  await t.rejects(
    provisionCli(['--site', 'fra1', '--room', 'r2', '--out', join(dir, 'b'), '--template', 'empty']),
    /give --central-config <central\.yaml> or --credentials <file>/,
  );
  await t.rejects(
    provisionCli(['--site', 'fra1', '--room', 'r2', '--credentials', users, '--out', join(dir, 'b'), '--template', 'empty']),
    /give --broker-url/,
  );
  await t.rejects(
    provisionCli([...base.slice(0, 6), '--broker-url', 'mqtts://central:8883', '--out', join(dir, 'b'), '--template', 'empty']),
    /is TLS: give --ca <file>/,
  );
  await t.rejects(provisionCli(['--room', 'r2']), /provision needs --site, --out/);
  // A template whose devices the real loader refuses: a gateway id the schema does not take.
  await t.rejects(provisionCli([...base, '--template', 'empty', '--gateway', 'bad id!']), /gateway\.yaml: gateway\.id:/);
  t.throws(() => readFileSync(users), /ENOENT/, 'nothing was registered');

  const external = await provisionCli([...base, '--template', 'empty', '--json']);
  const r = JSON.parse(external) as { warnings: string[]; notes: string[]; credentials: { change: string } };
  t.equal(r.credentials.change, 'added');
  t.match(r.warnings, [/no TLS: mqtt:\/\/central:1883 carries the gateway's password/]);
  t.match(r.notes, [/run `joulebook central broker mosquitto-files`/]);
  await t.rejects(
    provisionCli([...base, '--gateway', 'other', '--username', 'fra1-r2']),
    /username "fra1-r2" belongs to gateway fra1\/fra1-r2: give another with --username/,
  );

  const tls = makeTlsFiles();
  const withCa = await provisionCli([...base.slice(0, 6), '--broker-url', 'mqtts://central:8883', '--ca', tls.ca, '--out', join(dir, 'b')]);
  t.match(withCa, /ca\.crt\s+created/);
  t.match(withCa, /gateway\.yaml\s+updated/, 'now with TLS');
  const plain = await provisionCli(base);
  t.match(plain, /ca\.crt\s+removed/, 'back to plain MQTT: the CA goes');
  await t.rejects(
    provisionCli([...base.slice(0, 6), '--broker-url', 'mqtts://central:8883', '--ca', users, '--out', join(dir, 'b')]),
    /not a PEM certificate/,
  );
  const centralYaml = join(dir, 'central.yaml');
  writeFileSync(
    centralYaml,
    `broker: { embedded: { port: 1884, credentials: c.yaml, tls: { port: 8884, cert: ${tls.serverCert}, key: ${tls.serverKey}, ca: ${tls.ca} } } }\n`,
  );
  const viaCentral = [
    '--site',
    'fra1',
    '--room',
    'r3',
    '--central-config',
    centralYaml,
    '--broker-host',
    'central.lan',
    '--template',
    'empty',
    '--out',
    join(dir, 'c'),
  ];
  await t.rejects(provisionCli(viaCentral), /central\.yaml: broker\.embedded\.tls\.ca: central demands client certificates/);
  writeFileSync(
    centralYaml,
    `broker: { embedded: { port: 1884, credentials: c.yaml, tls: { port: 8884, cert: ${tls.serverCert}, key: ${tls.serverKey} } } }\n`,
  );
  await t.rejects(provisionCli(viaCentral), /no CA found that signed the broker certificate/, 'a CA-signed broker certificate needs --ca');
  await t.rejects(
    provisionCli(viaCentral.filter((a) => a !== '--broker-host' && a !== 'central.lan')),
    /give --broker-url, or --central-config with an embedded broker and --broker-host/,
  );
  const selfSigned = await provisionCli([...viaCentral, '--broker-url', 'mqtt://central.lan:1884', '--json']);
  t.match(JSON.parse(selfSigned), {
    url: 'mqtt://central.lan:1884',
    warnings: [/central has a TLS listener on port 8884: use mqtts:\/\//],
  });
  writeFileSync(centralYaml, 'broker: { external: { url: "mqtt://mosquitto:1883" } }\n');
  await t.rejects(provisionCli(viaCentral), /uses an external broker: give --credentials <file>/);
  let listed = '';
  await provisionCommand({
    out: (s) => {
      listed += s;
    },
  }).parseAsync(['--list-templates'], { from: 'user' });
  t.match(listed, /^empty\s+no devices[\s\S]*rs485-sdm630x4\s+one RS-485 line/);
});
