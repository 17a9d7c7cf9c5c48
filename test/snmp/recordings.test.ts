// Our poller reads real APC PDU recordings served by Debian's snmpsimd and gets what the recordings hold.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { hasSnmpsim, needPeer } from '../helpers/env.js';
import { makeAgent } from '../helpers/snmp.js';
import { startSnmpsim } from '../helpers/snmpsim.js';

t.test('APC recordings through snmpsimd', async (t) => {
  if (!needPeer(t, hasSnmpsim(), 'snmpsim (snmpsimd)')) return;
  const sim = await startSnmpsim();
  t.teardown(() => sim.stop());

  await t.test('AP8641 metered-by-outlet', async (t) => {
    const agent = await makeAgent('pdu-r01', 'apc-rpdu2', { port: sim.port, community: 'apc-8641' });
    t.teardown(() => agent.client.close());
    const r = await agent.poll('full');
    t.equal(r.fault, undefined, 'no fault');
    t.same(
      r.identities,
      [{ device: 'pdu-r01', serial: '3F3452A52295', model: 'AP8641', uptimeS: 1655281.5, resetTime: '04/16/2019 14:43:21' }],
      'the PDU serial, not the NMC card or sysDescr',
    );
    const ch = (c: string) => r.readings.find((x) => x.channel === c)!;
    t.same(ch('total').values, { power_w: 1210, energy_import_kwh: 1951.6, apparent_power_va: 1310, power_factor: 0.94 });
    t.same(ch('outlet:1').values, { current_a: 0.9, power_w: 163, energy_import_kwh: 304.6 });
    t.same(ch('phase:1').values, { current_a: 6.5, voltage_v: 201, power_w: 1220, apparent_power_va: 1310, power_factor: 0.94 });
    t.equal(r.readings.filter((x) => x.channel.startsWith('outlet:')).length, 24, '24 outlets');
    t.ok(r.readings.every((x) => x.quality === 'good' && x.device === 'pdu-r01'));
    const energy = await agent.poll('energy');
    t.same(
      energy.readings
        .map((x) => Object.keys(x.values))
        .flat()
        .filter((k) => k !== 'energy_import_kwh'),
      [],
      'an energy poll reads only energy',
    );
    t.equal(energy.readings.length, 25, 'device total and 24 outlets');
    t.ok(agent.client.counters.get('requests') <= 12, `${agent.client.counters.get('requests')} requests for two polls`);
  });

  await t.test('AP8932', async (t) => {
    const agent = await makeAgent('pdu-r02', 'apc-rpdu2', { port: sim.port, community: 'apc-8932' });
    t.teardown(() => agent.client.close());
    const r = await agent.poll('full');
    t.equal(r.identities?.[0]?.serial, '3F503A169043');
    t.equal(r.readings.find((x) => x.channel === 'total')?.values.energy_import_kwh, 642.6);
  });

  await t.test('AP7902B switched PDU: -1 means unsupported, flagged', async (t) => {
    const agent = await makeAgent('pdu-r03', 'apc-rpdu2', { port: sim.port, community: 'apc-7902b' });
    t.teardown(() => agent.client.close());
    const r = await agent.poll('full');
    t.equal(r.fault, undefined);
    const total = r.readings.find((x) => x.channel === 'total')!;
    t.equal(total.values.energy_import_kwh, undefined, 'no energy value');
    t.equal(total.flags?.energy_import_kwh, 'not_available');
    t.equal(total.quality, 'partial');
    t.equal(r.identities?.[0]?.serial, '5A1551F39430');
  });

  await t.test('joulebook gateway scan --snmp identifies the AP8641 recording', async (t) => {
    const bin = fileURLToPath(new URL('../../bin/joulebook.js', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [
      bin,
      'gateway',
      'scan',
      '--snmp',
      '127.0.0.1/30',
      '--port',
      String(sim.port),
      '--community',
      'apc-8641',
      '--timeout-ms',
      '500',
      '--json',
    ]);
    const out = JSON.parse(stdout) as {
      hosts: number;
      hits: {
        host: string;
        profile: string;
        units: { serial: string; model: string; outlets: number; readings: { channel: string; values: Record<string, number> }[] }[];
      }[];
    };
    t.equal(out.hosts, 2, '127.0.0.1/30 holds two hosts');
    t.equal(out.hits.length, 1, 'only 127.0.0.1 answers');
    const [hit] = out.hits;
    t.equal(hit?.profile, 'apc-rpdu2', 'identified by sysObjectID');
    t.same(
      hit?.units.map((u) => [u.serial, u.model, u.outlets]),
      [['3F3452A52295', 'AP8641', 24]],
    );
    t.equal(hit?.units[0]?.readings.find((r) => r.channel === 'outlet:1')?.values.energy_import_kwh, 304.6);
  });

  await t.test('an unknown community: no answer, a timeout within the budget, backoff', async (t) => {
    const agent = await makeAgent(
      'pdu-x',
      'apc-rpdu2',
      { port: sim.port, community: 'no-such-recording', timeoutMs: 200, retries: 0 },
      { budgetMs: 1000, backoffBaseMs: 60_000 },
    );
    t.teardown(() => agent.client.close());
    const started = performance.now();
    const r = await agent.poll('full');
    t.equal(r.fault?.kind, 'timeout');
    t.ok(performance.now() - started < 1200, 'within the budget');
    t.equal((await agent.poll('full')).skipped, 'backoff', 'backs off');
  });
});
