// Replies with a wrong request id (an old answer arriving before the right one) are dropped and counted;
// the right answers are used; a PDU swapped for another shows its new serial.
import t from 'tap';
import { freeUdpPortRange } from '../../sim/wiring.js';
import { startSnmpSim } from '../../sim/snmp/start.js';
import { builtinCatalogs, makeAgent } from '../helpers/snmp.js';

const FROZEN_MS = Date.UTC(2026, 10, 1, 12, 0, 0);

t.test('wrong request ids, counter reset and swap', async (t) => {
  const port = await freeUdpPortRange(1);
  const profile = (await builtinCatalogs()).snmp.get('apc-rpdu2')!;
  const sim = await startSnmpSim({ profile, host: '127.0.0.1', port, pdus: 1, outlets: 8, now: () => FROZEN_MS });
  t.teardown(() => sim.close());
  const pdu = sim.pdus[0]!;
  const agent = await makeAgent('pdu', 'apc-rpdu2', { port });
  t.teardown(() => agent.client.close());
  const clean = await agent.poll('full');
  pdu.fault = { mode: 'stale' };
  const r = await agent.poll('full');
  t.equal(r.fault, undefined, 'the poll succeeds');
  t.ok(
    agent.client.counters.get('stale_responses') >= 3,
    `${agent.client.counters.get('stale_responses')} stale replies dropped and counted`,
  );
  t.same(
    r.readings.map((x) => x.values),
    clean.readings.map((x) => x.values),
    'the same values as without the stale replies',
  );

  pdu.fault = { mode: 'none' };
  t.same(
    await agent.client.get(['1.3.6.1.4.1.318.1.1.99.1.0', '1.3.6.1.2.1.1.2.0']),
    [undefined, '1.3.6.1.4.1.318.1.3.4.5'],
    'noSuchObject is undefined, the rest of the GET still comes back',
  );
  const before = r.readings.find((x) => x.channel === 'total')!.values.energy_import_kwh!;
  pdu.resetCounters();
  const afterReset = await agent.poll('full');
  t.ok(afterReset.readings.find((x) => x.channel === 'total')!.values.energy_import_kwh! < before, 'energy dropped after the reset');
  t.equal(afterReset.identities?.[0]?.serial, r.identities?.[0]?.serial, 'same serial after a reset');
  pdu.swap();
  const afterSwap = await agent.poll('full');
  t.not(afterSwap.identities?.[0]?.serial, r.identities?.[0]?.serial, 'a new serial after the swap');
});
