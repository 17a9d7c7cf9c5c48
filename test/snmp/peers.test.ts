// Debian's Net-SNMP tools read our PDU simulator, over v2c and over v3 authPriv (SHA-256, AES);
// our poller reads the same simulator over v3.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';
import { freeUdpPortRange } from '../../sim/wiring.js';
import { startSnmpSim } from '../../sim/snmp/start.js';
import { hasNetSnmpTools, needPeer } from '../helpers/env.js';
import { builtinCatalogs, makeAgent } from '../helpers/snmp.js';

const run = promisify(execFile);
const FROZEN_MS = Date.UTC(2026, 10, 1, 12, 0, 0);
const USER = {
  name: 'jb-gw',
  level: 'authPriv',
  authProtocol: 'sha256',
  authKey: 'auth-secret-1',
  privProtocol: 'aes',
  privKey: 'priv-secret-1',
} as const;
const V3 = ['-v3', '-l', 'authPriv', '-u', USER.name, '-a', 'SHA-256', '-A', USER.authKey, '-x', 'AES', '-X', USER.privKey];
const OUTLET_ENERGY = '1.3.6.1.4.1.318.1.1.26.9.4.3.1.11';

t.test('Net-SNMP tools and our v3 poller against the PDU simulator', async (t) => {
  if (!needPeer(t, hasNetSnmpTools(), 'snmp (Net-SNMP tools)')) return;
  const port = await freeUdpPortRange(2);
  const profile = (await builtinCatalogs()).snmp.get('apc-rpdu2')!;
  const sim = await startSnmpSim({ profile, host: '127.0.0.1', port, pdus: 2, outlets: 12, user: USER, now: () => FROZEN_MS });
  t.teardown(() => sim.close());
  const pdu = sim.pdus[1]!;
  const truth = pdu.unitState(1, FROZEN_MS).truth;
  const target = `127.0.0.1:${port + 1}`;

  const get = await run('snmpget', [
    '-v2c',
    '-c',
    'public',
    '-On',
    target,
    '1.3.6.1.4.1.318.1.1.26.2.1.9.1',
    '1.3.6.1.4.1.318.1.1.26.4.3.1.9.1',
    '1.3.6.1.2.1.1.2.0',
  ]);
  t.match(get.stdout, `STRING: "${pdu.units.get(1)!.serial}"`, 'snmpget: serial of the second PDU on the next port');
  t.match(get.stdout, `: ${Math.round(truth.total!.energy_import_kwh! / 0.1)}`, 'snmpget: device energy in tenths of kWh');
  t.match(get.stdout, 'OID: .1.3.6.1.4.1.318.1.3.4.5', 'sysObjectID of the family');

  const walk = await run('snmpbulkwalk', ['-v2c', '-c', 'public', '-On', '-Cr24', target, OUTLET_ENERGY]);
  const rows = walk.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith(`.${OUTLET_ENERGY}.`) && l.includes('Gauge32'));
  t.equal(rows.length, 12, `snmpbulkwalk: one energy value per outlet (${walk.stdout.split('\n').length} lines)`);
  t.match(rows[0], `.${OUTLET_ENERGY}.1 = Gauge32: ${Math.round(truth['outlet:1']!.energy_import_kwh! / 0.1)}`);

  const v3 = await run('snmpwalk', [...V3, '-On', target, '1.3.6.1.4.1.318.1.1.26.2.1.9']);
  t.match(v3.stdout, pdu.units.get(1)!.serial, 'snmpwalk over v3 authPriv SHA-256/AES');
  const wrongKey = await run('snmpget', [
    '-v3',
    '-l',
    'authPriv',
    '-u',
    USER.name,
    '-a',
    'SHA-256',
    '-A',
    'not-the-key',
    '-x',
    'AES',
    '-X',
    USER.privKey,
    '-t',
    '0.5',
    '-r',
    '0',
    target,
    '1.3.6.1.2.1.1.3.0',
  ]).catch((e: { stderr: string }) => e);
  t.ok('stderr' in wrongKey && /Authentication failure|Timeout|No Response/i.test(wrongKey.stderr), 'a wrong key gets nothing');

  const agent = await makeAgent('pdu-v3', 'apc-rpdu2', { port: port + 1, version: '3', user: USER });
  t.teardown(() => agent.client.close());
  const r = await agent.poll('full');
  t.equal(r.fault, undefined, 'our poller over v3 authPriv');
  t.equal(r.identities?.[0]?.serial, pdu.units.get(1)!.serial);
  t.equal(r.readings.filter((x) => x.channel.startsWith('outlet:')).length, 12);
});
