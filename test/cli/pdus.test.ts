// PDUs end to end as separate processes: `sim snmp` with its control API, `gateway run` polling them with
// chained units, and a PDU swap through the control API showing up as a new serial in `scan --snmp`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { freeUdpPortRange } from '../../sim/wiring.js';
import { Reading } from '../../protocol/reading.js';
import { freePort } from '../helpers/env.js';
import { runCli as run, startSimProcess } from '../helpers/cli.js';

t.test('sim snmp, gateway run with PDUs, control API', async (t) => {
  const port = await freeUdpPortRange(2);
  const control = await freePort();
  const sim = await startSimProcess([
    'snmp',
    '--profile',
    'raritan-px',
    '--listen',
    `127.0.0.1:${port}`,
    '--pdus',
    '2',
    '--outlets',
    '4',
    '--chained',
    '2',
    '--control',
    `127.0.0.1:${control}`,
  ]);
  t.teardown(() => sim.stop());

  const dir = mkdtempSync(join(tmpdir(), 'jb-pdus-'));
  const file = join(dir, 'gateway.yaml');
  writeFileSync(
    file,
    [
      'gateway: { id: gw1, site: ams1, room: r1 }',
      'log: { level: warn }',
      `mqtt: { url: "mqtt://127.0.0.1:${await freePort()}" }`,
      'snmp:',
      '  pdus:',
      `    - { id: pdu-a, host: 127.0.0.1, port: ${port}, profile: raritan-px, energyIntervalMs: 300, fullIntervalMs: 600 }`,
      `    - { id: pdu-b, host: 127.0.0.1, port: ${port + 1}, profile: raritan-px, energyIntervalMs: 300, fullIntervalMs: 600 }`,
      '',
    ].join('\n'),
  );
  // Until both PDUs have answered a few polls: one agent may be slower to answer first on a busy machine.
  const gw = await run(['gateway', 'run', '-c', file, '--readings'], {
    until: /^(?=([\s\S]*"device":"pdu-a\.u2"){4})(?=([\s\S]*"device":"pdu-b\.u2"){4})/,
  });
  const readings = gw.stdout
    .trim()
    .split('\n')
    .map((l) => Reading.parse(JSON.parse(l)));
  const devices = new Set(readings.map((r) => r.device));
  t.same([...devices].sort(), ['pdu-a', 'pdu-a.u2', 'pdu-b', 'pdu-b.u2'], 'two PDUs with two chained units each, four devices');
  t.ok(
    readings.some((r) => r.device === 'pdu-a' && r.channel === 'outlet:4' && r.values.energy_import_kwh !== undefined),
    'outlet energy',
  );
  t.ok(
    readings.some((r) => r.channel === 'inlet:1' && r.values.frequency_hz !== undefined),
    'inlet values',
  );

  const before = (await fetch(`http://127.0.0.1:${control}/pdus/2`).then((r) => r.json())) as {
    units: { serial: string; truth: Record<string, unknown> }[];
  };
  t.ok(before.units[0]?.truth['outlet:1'], 'the control API shows the true values');
  const swapped = (await fetch(`http://127.0.0.1:${control}/pdus/2/swap`, { method: 'POST' }).then((r) => r.json())) as {
    units: { serial: string }[];
  };
  t.not(swapped.units[0]?.serial, before.units[0]?.serial, 'swap gives a new serial');
  t.equal(
    (await fetch(`http://127.0.0.1:${control}/pdus/2/fault`, { method: 'PUT', body: '{"mode":"on-fire"}' })).status,
    400,
    'an unknown fault is refused',
  );
  t.equal((await fetch(`http://127.0.0.1:${control}/pdus/9`)).status, 404);
  const scan = await run(['gateway', 'scan', '--snmp', '127.0.0.1', '--port', String(port + 1), '--json']);
  const hit = (JSON.parse(scan.stdout) as { hits: { profile: string; units: { device: string; serial: string; outlets: number }[] }[] })
    .hits[0]!;
  t.equal(hit.profile, 'raritan-px');
  t.same(
    hit.units.map((u) => u.serial),
    swapped.units.map((u) => u.serial),
    'scan sees the new serials',
  );
  t.same(
    hit.units.map((u) => u.outlets),
    [4, 4],
  );
  const table = await run(['gateway', 'scan', '--snmp', '127.0.0.1', '--port', String(port)]);
  t.match(table.stdout, /raritan-px/, 'human-readable table');
});
