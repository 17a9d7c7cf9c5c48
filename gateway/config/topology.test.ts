// The topology section of gateway.yaml: references to devices and phases that do not exist, loads counted
// twice and channels a meter does not read are all reported at once, by file and path.
import t, { type Test } from 'tap';
import { ConfigError, type ConfigIssue } from '../../common/issues.js';
import { builtinCatalogs } from '../../test/helpers/snmp.js';
import { parseGatewayConfig } from './load.js';
import { checkTopologyChannels, configuredDevice } from './topology-check.js';

const FILE = '/etc/joulebook/gateway.yaml';
const ROOM = `
gateway: { id: gw1, site: ams1, room: r101 }
buses: [{ id: rs485, type: rtu, path: /dev/ttyUSB0 }]
devices:
  - { id: busbar-b2, bus: rs485, unit: 1, profile: eastron-sdm630 }
  - { id: branch-7, bus: rs485, unit: 2, profile: abb-b23 }
snmp:
  pdus:
    - { id: pdu-r12-a, host: 10.0.0.12, profile: apc-rpdu2 }
    - { id: pdu-r12-b, host: 10.0.0.13, profile: apc-rpdu2 }
`;

function issuesOf(t: Test, text: string): ConfigIssue[] {
  try {
    parseGatewayConfig(text, FILE);
  } catch (err) {
    t.type(err, ConfigError);
    return [...(err as ConfigError).issues];
  }
  t.fail('config was accepted');
  return [];
}

t.test('a valid topology with its defaults', async (t) => {
  const cfg = parseGatewayConfig(
    `${ROOM}
topology:
  circuits:
    - id: busbar-b2
      meter: busbar-b2
      ratingA: 250
      phases:
        L1: [{ device: pdu-r12-a, ratingA: 32 }, { device: pdu-r12-b.u2, channel: 'inlet:1' }]
        L2: [{ device: branch-7, channel: l2 }]
`,
    FILE,
  );
  t.same(cfg.topology.circuits[0]!.phases.L1[0], { device: 'pdu-r12-a', channel: 'total', ratingA: 32 });
  t.same(cfg.topology.circuits[0]!.phases.L3, []);
  t.equal(cfg.topology.circuits[0]!.voltageV, 230);
  t.match(cfg.checks, { windowMs: 60_000, tolerancePct: 5, toleranceFloorW: 150, raiseAfterWindows: 3, clearAfterWindows: 3 });
  t.same(configuredDevice(cfg, 'pdu-r12-b.u2'), { kind: 'snmp', id: 'pdu-r12-b' }, 'a chained unit belongs to its PDU');
  t.equal(configuredDevice(cfg, 'pdu-r12-bx'), undefined);
  t.same(parseGatewayConfig(ROOM, FILE).topology, { circuits: [] }, 'no topology: no circuit checks');
});

t.test('devices and phases that do not exist, and loads counted twice', async (t) => {
  const issues = issuesOf(
    t,
    `${ROOM}
topology:
  circuits:
    - id: busbar-b2
      meter: busbar-b9
      ratingA: 250
      phases:
        L1: [{ device: pdu-r12-a }, { device: pdu-r99 }]
        L2: [{ device: pdu-r12-a }, { device: busbar-b2 }]
        L4: [{ device: pdu-r12-b }]
    - id: busbar-b2
      meter: branch-7
      ratingA: -3
      phases: {}
`,
  );
  t.same(
    issues.map((i) => `${i.path}: ${i.message}`),
    ['topology.circuits[0].phases: Unrecognized key: "L4"', 'topology.circuits[1].ratingA: Too small: expected number to be >0'],
    'the schema first',
  );
  const refs = issuesOf(
    t,
    `${ROOM}
topology:
  circuits:
    - id: busbar-b2
      meter: busbar-b9
      ratingA: 250
      phases:
        L1: [{ device: pdu-r12-a }, { device: pdu-r99 }]
        L2: [{ device: pdu-r12-a }]
    - { id: busbar-b2, meter: branch-7, ratingA: 63, phases: { L3: [{ device: branch-7 }] } }
    - { id: panel-3, meter: branch-7, ratingA: 63, phases: {} }
`,
  );
  t.same(
    refs.map((i) => `${i.file}: ${i.path}: ${i.message}`),
    [
      `${FILE}: topology.circuits[0].meter: unknown device "busbar-b9" (devices: busbar-b2, branch-7, pdu-r12-a, pdu-r12-b)`,
      `${FILE}: topology.circuits[0].phases.L1[1].device: unknown device "pdu-r99" (devices: busbar-b2, branch-7, pdu-r12-a, pdu-r12-b)`,
      `${FILE}: topology.circuits[0].phases.L2[0]: pdu-r12-a total is already a load at topology.circuits[0].phases.L1[0]: it would be counted twice`,
      `${FILE}: topology.circuits[1].id: duplicate circuit id "busbar-b2" (also topology.circuits[0])`,
      `${FILE}: topology.circuits[1].phases.L3[0].device: "branch-7" is the circuit's own meter`,
      `${FILE}: topology.circuits[2].phases: no loads on any phase`,
    ],
  );
});

t.test('channels the profiles do not read', async (t) => {
  const cfg = parseGatewayConfig(
    `${ROOM}
topology:
  circuits:
    - id: branch-7
      meter: branch-7
      ratingA: 32
      phases:
        L1: [{ device: pdu-r12-a }]
    - id: busbar-b2
      meter: busbar-b2
      ratingA: 250
      phases:
        L2: [{ device: branch-7, channel: 'outlet:4' }]
        L3: [{ device: pdu-r12-b, channel: 'outlet:4' }]
`,
    FILE,
  );
  const catalogs = await builtinCatalogs();
  const issues = checkTopologyChannels(cfg, FILE, catalogs);
  t.same(
    issues.map((i) => i.path),
    ['topology.circuits[1].phases.L2[0].channel'],
    'the B23 has no outlets; PDU outlets are known only at run time',
  );
  t.match(issues[0]!.message, /^branch-7 does not read power on channel outlet:4 \(its profile has .*l2/);
  const sdmOk = checkTopologyChannels(
    parseGatewayConfig(
      `${ROOM}
topology: { circuits: [{ id: c, meter: busbar-b2, ratingA: 63, phases: { L1: [{ device: branch-7 }] } }] }
`,
      FILE,
    ),
    FILE,
    catalogs,
  );
  t.same(sdmOk, [], 'the SDM630 reads l1..l3 and the B23 its total');
});
