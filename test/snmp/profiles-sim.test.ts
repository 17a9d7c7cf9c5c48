// Every PDU profile, read over SNMP from its simulator: each value the poller decodes equals the simulated
// truth within the profile's resolution, daisy-chained units come out as separate devices with their serials.
import t from 'tap';
import { freeUdpPortRange } from '../../sim/wiring.js';
import type { ResolvedSnmpProfile } from '../../gateway/profiles/snmp-resolve.js';
import { startSnmpSim } from '../../sim/snmp/start.js';
import { builtinCatalogs, makeAgent } from '../helpers/snmp.js';

const FROZEN_MS = Date.UTC(2026, 10, 1, 12, 0, 0);
const OUTLETS = 6;

/** The coarsest step a profile gives each measurement (scale / 10^digits as the simulator declares them). */
function steps(p: ResolvedSnmpProfile): Map<string, number> {
  const m = new Map<string, number>();
  const add = (k: string, s: number) => m.set(k, Math.max(m.get(k) ?? 0, Math.abs(s)));
  for (const tb of p.snmp.tables) {
    for (const c of tb.columns) add(c.measurement, c.scale);
    for (const v of Object.values(tb.bySensor?.map ?? {})) add(v.measurement, v.scale);
  }
  return m;
}

t.test('every PDU profile reads back from its simulator', async (t) => {
  const profiles = [...(await builtinCatalogs()).snmp.values()];
  t.ok(profiles.length >= 6, `${profiles.length} PDU profiles`);
  for (const p of profiles) {
    await t.test(p.id, async (t) => {
      const chained = 'const' in p.snmp.identity.unit ? 1 : 2;
      const port = await freeUdpPortRange(1);
      const sim = await startSnmpSim({ profile: p, host: '127.0.0.1', port, pdus: 1, outlets: OUTLETS, chained, now: () => FROZEN_MS });
      t.teardown(() => sim.close());
      const agent = await makeAgent('pdu', p.id, { port });
      t.teardown(() => agent.client.close());
      const r = await agent.poll('full');
      t.equal(r.fault, undefined, 'no fault');
      const pdu = sim.pdus[0]!;
      const step = steps(p);
      const devices = [...pdu.units.keys()].map((u) => ({ unit: u, device: agent.deviceFor(u) }));
      t.equal(new Set(r.readings.map((x) => x.device)).size, devices.length, `${devices.length} device(s)`);
      let checked = 0;
      const wrong: string[] = [];
      for (const { unit, device } of devices) {
        const truth = pdu.unitState(unit, FROZEN_MS).truth;
        t.equal(r.identities?.find((i) => i.device === device)?.serial, pdu.units.get(unit)!.serial, `${device} serial`);
        for (const reading of r.readings.filter((x) => x.device === device)) {
          for (const [m, v] of Object.entries(reading.values)) {
            const want = truth[reading.channel]?.[m as never] as number | undefined;
            checked++;
            if (want === undefined || Math.abs(v - want) > step.get(m)! / 2 + 1e-9)
              wrong.push(`${device} ${reading.channel}.${m}: got ${v}, truth ${want}`);
          }
        }
        t.equal(
          r.readings.filter((x) => x.device === device && x.channel.startsWith('outlet:')).length,
          p.snmp.tables.some((tb) => 'template' in tb.channel && tb.channel.template.startsWith('outlet:')) ? OUTLETS : 0,
          `${device} outlets`,
        );
      }
      t.same(wrong, [], `${checked} values within resolution of the truth`);
      t.ok(checked > 10);
    });
  }
});
