// Counter widths from the profiles, and rated powers from the topology.
import t from 'tap';
import { builtinCatalogs } from '../../test/helpers/snmp.js';
import { GatewayConfig } from '../config/schema.js';
import { counterSpecs, ratedPowers } from './specs.js';

const config = GatewayConfig.parse({
  gateway: { id: 'gw1', site: 's', room: 'r' },
  buses: [{ id: 'b', type: 'tcp', host: '127.0.0.1' }],
  devices: [{ id: 'bb', bus: 'b', unit: 1, profile: 'eastron-sdm630' }],
  snmp: {
    pdus: [
      { id: 'st', host: 'h', profile: 'servertech-sentry4' },
      { id: 'apc', host: 'h', profile: 'apc-rpdu2' },
    ],
  },
  topology: {
    circuits: [
      {
        id: 'c',
        meter: 'bb',
        ratingA: 63,
        phases: {
          L1: [{ device: 'apc', ratingA: 16 }],
          L2: [{ device: 'st', channel: 'phase:2', ratingA: 32 }],
          L3: [{ device: 'st', channel: 'phase:3', ratingA: 32 }],
        },
      },
    ],
  },
});

t.test('counter widths: Integer32 Sentry counters wrap at 2^31, Gauge32 APC ones at 2^32', async (t) => {
  const spec = counterSpecs(config, await builtinCatalogs());
  t.same(spec('st', 'inlet:1', 'energy_import_kwh'), { resolutionKwh: 0.1, rolloverKwh: 2 ** 31 * 0.1 });
  t.same(spec('st.u2', 'outlet:3', 'energy_import_kwh'), { resolutionKwh: 0.001, rolloverKwh: 2 ** 31 * 0.001 }, 'a chained unit too');
  t.equal(spec('apc', 'total', 'energy_import_kwh')!.rolloverKwh, 2 ** 32 * 0.1);
  t.equal(spec('nobody', 'total', 'energy_import_kwh'), undefined);
});

t.test('rated powers from the topology', async (t) => {
  const rated = ratedPowers(config);
  t.equal(rated('bb', 'l1'), 63 * 230);
  t.equal(rated('bb', 'total'), 3 * 63 * 230);
  t.equal(rated('apc', 'total'), 16 * 230);
  t.equal(rated('st', 'phase:2'), 32 * 230);
  t.equal(rated('st', 'total'), 2 * 32 * 230, 'a PDU listed per phase: the sum of its phases');
  t.equal(rated('st', 'outlet:1'), undefined, 'outlets have no rating here');
});
