import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { ConfigError } from '../../common/issues.js';
import { makeTlsFiles } from '../../test/helpers/tls.js';
import { hostnameOf, metaData, userData } from './cloud-init.js';
import { fromScans, fromTemplate } from './devices.js';
import { gatewayYaml } from './gateway-yaml.js';
import { systemdUnit } from './systemd-unit.js';
import { chooseCa } from './tls.js';

const rtuScan = {
  bus: 'scan',
  line: { id: 'scan', type: 'rtu', path: '/dev/ttyUSB0', baudRate: 9600, parity: 'even', stopBits: 1 },
  hits: [
    { unit: 1, profile: 'eastron-sdm630', serial: '1' },
    { unit: 4, readings: [] },
    { unit: 7, profile: 'abb-b23' },
  ],
};
const tcpScan = { bus: 'scan', line: { id: 'scan', type: 'tcp', host: '10.0.0.5', port: 502 }, hits: [] };
const snmpScan = {
  hosts: 254,
  snmp: { port: 161, version: '2c', community: 'metering' },
  hits: [
    { host: '10.0.2.12', port: 161, profile: 'apc-rpdu2', units: [] },
    { host: '10.0.2.13', port: 1161, profile: 'raritan-px', units: [] },
    { host: '10.0.2.14', port: 161, units: [] },
  ],
};

t.test('scan results become buses, meters and PDUs with stable names', async (t) => {
  const d = fromScans([
    { file: 'a.json', json: rtuScan },
    { file: 'b.json', json: tcpScan },
    { file: 'c.json', json: snmpScan },
  ]);
  t.same(d.buses, [
    { ...rtuScan.line, id: 'rs485-1' },
    { ...tcpScan.line, id: 'tcp-1' },
  ]);
  t.same(d.devices, [
    { id: 'rs485-1-u1', bus: 'rs485-1', unit: 1, profile: 'eastron-sdm630' },
    { id: 'rs485-1-u7', bus: 'rs485-1', unit: 7, profile: 'abb-b23' },
  ]);
  t.same(d.pdus, [
    { id: 'pdu-10.0.2.12', host: '10.0.2.12', profile: 'apc-rpdu2', community: 'metering' },
    { id: 'pdu-10.0.2.13-1161', host: '10.0.2.13', port: 1161, profile: 'raritan-px', community: 'metering' },
  ]);
  t.same(d.notes, [
    'rs485-1 unit 4 answered but matches no profile: left out (add a profile, docs/profiles.md)',
    'tcp-1: the scan found no meter on this bus',
    '10.0.2.14 answered SNMP but matches no PDU profile: left out',
  ]);
  t.same(fromScans([{ file: 'a.json', json: rtuScan }]), fromScans([{ file: 'a.json', json: rtuScan }]), 'the same scan, the same result');
  const rtuTcp = fromScans([{ file: 'x', json: { ...tcpScan, line: { type: 'rtu-over-tcp', host: 'h', port: 4001 } } }]);
  t.equal(rtuTcp.buses[0]!.id, 'rtu-tcp-1');
  t.same(
    fromScans([{ file: 'p', json: { ...snmpScan, snmp: { port: 161, version: '2c', community: 'public' } } }]).pdus[0],
    { id: 'pdu-10.0.2.12', host: '10.0.2.12', profile: 'apc-rpdu2' },
    'the default community is not written',
  );
});

t.test('scan results that cannot be provisioned are refused with file and path', async (t) => {
  const issues = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      t.type(err, ConfigError);
      return (err as ConfigError).issues.map((i) => `${i.file}: ${i.path}: ${i.message}`);
    }
    return [];
  };
  t.match(
    issues(() => fromScans([{ file: 'old.json', json: { bus: 'scan', hits: [] } }])),
    [/^old\.json: line: /],
  );
  t.match(
    issues(() => fromScans([{ file: 'v3.json', json: { ...snmpScan, snmp: { port: 161, version: '3', user: { name: 'u' } } } }])),
    [/v3\.json: snmp\.version: SNMP v3 scans are not provisioned/],
  );
  t.match(
    issues(() => fromScans([{ file: 'n.json', json: 42 }])),
    [/^n\.json: /],
  );
});

t.test('templates', async (t) => {
  const text = readFileSync(new URL('../../config/rooms/rs485-sdm630x4.yaml', import.meta.url), 'utf8');
  const d = fromTemplate('rs485-sdm630x4.yaml', parse(text));
  t.equal(d.devices.length, 4);
  t.match(d.description, /RS-485/);
  t.throws(() => fromTemplate('bad.yaml', { buses: [] }), /bad\.yaml: description/);
});

t.test('the broker CA: the signer of the server certificate, or the certificate itself when self-signed', async (t) => {
  const tls = makeTlsFiles();
  const read = (file: string) => ({ file, text: readFileSync(file, 'utf8') });
  const signed = chooseCa(read(tls.serverCert), [read(tls.ca)]);
  t.match(signed, { ok: true, subject: /joulebook test CA/, from: tls.ca });
  const wrong = chooseCa(read(tls.serverCert), [read(tls.clientCert)]);
  t.match(wrong, { ok: false, message: /no CA found that signed the broker certificate .*give it with --ca/ });
  t.match(chooseCa(read(tls.ca), []), { ok: true, from: /self-signed/ });
  const chain = { file: 'chain.pem', text: readFileSync(tls.serverCert, 'utf8') + readFileSync(tls.ca, 'utf8') };
  t.match(chooseCa(chain, []), { ok: true, from: /top of its chain/ });
  t.match(chooseCa({ file: 'k', text: 'nothing' }, []), { ok: false, message: /k: no PEM certificate/ });
  const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
  t.match(chooseCa({ file: 'b', text: broken }, []), { ok: false, message: /b: not a PEM certificate/ });
  t.match(chooseCa(read(tls.serverCert), [{ file: 'c', text: broken }]), { ok: false, message: /c: not a PEM certificate/ });
});

t.test('gateway.yaml keeps what an installer edited and rewrites what provisioning owns', async (t) => {
  const id = { site: 'ams1', room: 'r1', gateway: 'ams1-r1' };
  const previous = {
    gateway: { id: 'old', site: 'x', room: 'y' },
    dataDir: '/old',
    log: { level: 'debug' },
    mqtt: { url: 'mqtt://old:1883', password: 'plain', inFlight: 4 },
    buses: [{ id: 'b', type: 'tcp', host: 'h' }],
    devices: [{ id: 'busbar-a', bus: 'b', unit: 1, profile: 'eastron-sdm630' }],
    snmp: { concurrency: 4, pdus: [] },
    topology: { circuits: [] },
  };
  const text = gatewayYaml({
    id,
    broker: { url: 'mqtts://c:8883', username: 'ams1-r1', tls: true },
    dataDir: '/var/lib/joulebook',
    previous,
  });
  const doc = parse(text) as Record<string, Record<string, unknown>>;
  t.same(doc.gateway, { id: 'ams1-r1', site: 'ams1', room: 'r1' });
  t.same(
    doc.mqtt,
    { url: 'mqtts://c:8883', username: 'ams1-r1', passwordFile: 'mqtt-password', tls: { ca: 'ca.crt' }, inFlight: 4 },
    'no plaintext password; tuning kept',
  );
  t.same(doc.devices, previous.devices, 'renamed devices kept');
  t.same(doc.log, { level: 'debug' });
  t.same(Object.keys(doc).slice(0, 4), ['gateway', 'dataDir', 'log', 'mqtt']);
  const rescanned = parse(
    gatewayYaml({
      id,
      broker: { url: 'mqtt://c:1883', username: 'u', tls: false },
      dataDir: '/d',
      previous,
      devices: { buses: [], devices: [], pdus: [{ id: 'p' }], notes: [] },
    }),
  ) as Record<string, Record<string, unknown>>;
  t.same(rescanned.snmp, { concurrency: 4, pdus: [{ id: 'p' }] }, 'a new scan replaces the devices, keeps snmp tuning');
  t.equal((rescanned.mqtt as Record<string, unknown>).tls, undefined);
});

t.test('host names, meta-data, user-data and the unit', async (t) => {
  t.equal(hostnameOf('AMS1_r101.gw'), 'ams1-r101-gw');
  t.equal(hostnameOf('___'), 'joulebook-gateway');
  const files = [{ name: 'mqtt-password', path: '/etc/joulebook/mqtt-password', content: 'pw\n', mode: '0600', ownedByService: true }];
  const ud = userData({
    hostname: 'h',
    user: 'joulebook',
    files,
    packageSpec: 'joulebook@1.0.0',
    nodeMajor: 22,
    sshKeys: ['ssh-ed25519 AAAA x'],
    unitName: 'u.service',
  });
  t.match(ud, /^#cloud-config\n/);
  const doc = parse(ud) as { ssh_authorized_keys: string[]; runcmd: string[][]; write_files: { path: string; content: string }[] };
  t.same(doc.ssh_authorized_keys, ['ssh-ed25519 AAAA x']);
  t.same(
    doc.runcmd.find((c) => c[0] === 'chown'),
    ['chown', 'joulebook:joulebook', '/etc/joulebook/mqtt-password'],
  );
  t.same(doc.runcmd.at(-1), ['systemctl', 'enable', '--now', 'u.service']);
  t.not(metaData('h', ud), metaData('h', `${ud}x`), 'a new user-data is a new instance');
  t.equal(metaData('h', ud), metaData('h', ud));
  const unit = systemdUnit({ gateway: 'g', site: 's', room: 'r', command: '/usr/bin/joulebook', user: 'joulebook', watchdogS: 60 });
  for (const line of [
    'Type=notify',
    'NotifyAccess=all',
    'Restart=on-failure',
    'WatchdogSec=60',
    'SupplementaryGroups=dialout',
    'ProtectSystem=strict',
    'StateDirectory=joulebook',
    'DeviceAllow=char-ttyUSB rw',
    'ExecStart=/usr/bin/joulebook gateway run -c /etc/joulebook/gateway.yaml',
  ]) {
    t.ok(unit.split('\n').includes(line), line);
  }
});
