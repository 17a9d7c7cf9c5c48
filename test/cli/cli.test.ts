// The installed command, as a user runs it: config errors stop the gateway with every problem named;
// the simulator and scan talk to each other as separate processes; the gateway polls and prints readings.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { Reading } from '../../protocol/reading.js';
import { freePort } from '../helpers/env.js';
import { runCli as run, startSimProcess } from '../helpers/cli.js';

t.test('a config with several mistakes names file, path and problem for each, and does not start', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-cli-'));
  const file = join(dir, 'gateway.yaml');
  writeFileSync(
    file,
    [
      'gateway: { id: gw1, site: ams1, room: r1 }',
      'buses:',
      '  - { id: line1, type: rtu, path: /dev/ttyUSB0, baudRate: 250000 }',
      'devices:',
      '  - { id: m1, bus: line2, unit: 1, profile: eastron-sdm630 }',
      '  - { id: m2, bus: line1, unit: 300, profile: eastron-sdm630 }',
      '',
    ].join('\n'),
  );
  const r = await run(['gateway', 'run', '-c', file]);
  t.equal(r.code, 2, 'exit code 2 for configuration errors');
  t.match(r.stderr, `${file}: buses[0].baudRate:`, 'baud rate out of range');
  t.match(r.stderr, `${file}: devices[1].unit:`, 'unit id out of range');

  writeFileSync(
    file,
    [
      'gateway: { id: gw1, site: ams1, room: r1 }',
      'buses: [{ id: line1, type: tcp, host: 127.0.0.1 }]',
      'devices:',
      '  - { id: m1, bus: line2, unit: 1, profile: eastron-sdm630 }',
      '  - { id: m2, bus: line1, unit: 1, profile: no-such-meter }',
      '',
    ].join('\n'),
  );
  const r2 = await run(['gateway', 'run', '-c', file]);
  t.equal(r2.code, 2);
  t.match(r2.stderr, `${file}: devices[0].bus: unknown bus "line2"`);
  const r3 = await run(['gateway', 'run', '-c', join(dir, 'missing.yaml')]);
  t.equal(r3.code, 2, 'a missing file is a configuration error too');
  t.match(r3.stderr, 'missing.yaml: (file):');
});

t.test('the shipped example config is valid', async (t) => {
  const example = fileURLToPath(new URL('../../config/gateway.example.yaml', import.meta.url));
  const { readGatewayConfig } = await import('../../gateway/config/load.js');
  const { loadCatalogFor } = await import('../../gateway/config/catalogs.js');
  const cfg = await readGatewayConfig(example);
  const catalog = await loadCatalogFor(cfg, example);
  t.equal(cfg.devices.length, 8);
  t.ok(cfg.devices.every((d) => catalog.modbus.has(d.profile)));
  t.equal(cfg.topology.circuits[0]!.phases.L3.length, 2, 'with its topology');
});

t.test('sim, scan --json and gateway run as separate processes', async (t) => {
  const port = await freePort();
  const controlPort = await freePort();
  const sim = await startSimProcess([
    'modbus',
    '--profile',
    'abb-b23',
    '--tcp',
    `127.0.0.1:${port}`,
    '--units',
    '2,4',
    '--control',
    `127.0.0.1:${controlPort}`,
  ]);
  t.teardown(() => sim.stop());

  const scan = await run(['gateway', 'scan', '--tcp', `127.0.0.1:${port}`, '--units', '1-5', '--timeout-ms', '200', '--json']);
  t.equal(scan.code, 0, scan.stderr);
  const result = JSON.parse(scan.stdout.trim().split('\n').pop()!) as { hits: { unit: number; profile: string; serial: string }[] };
  t.same(
    result.hits.map((h) => [h.unit, h.profile]),
    [
      [2, 'abb-b23'],
      [4, 'abb-b23'],
    ],
  );

  // Swap meter 4 through the control API: scan shows the new serial.
  const before = result.hits.find((h) => h.unit === 4)!.serial;
  const swapped = (await fetch(`http://127.0.0.1:${controlPort}/units/4/swap`, { method: 'POST' }).then((r) => r.json())) as {
    serial: string;
  };
  t.not(swapped.serial, before, 'control API swapped the meter');
  const rescan = await run(['gateway', 'scan', '--tcp', `127.0.0.1:${port}`, '--units', '4', '--json']);
  t.equal((JSON.parse(rescan.stdout) as typeof result).hits[0]?.serial, swapped.serial);
  const badFault = await fetch(`http://127.0.0.1:${controlPort}/units/4/fault`, { method: 'PUT', body: '{"mode":"melted"}' });
  t.equal(badFault.status, 400, 'an unknown fault is refused');

  const dir = mkdtempSync(join(tmpdir(), 'jb-cli-'));
  const file = join(dir, 'gateway.yaml');
  writeFileSync(
    file,
    [
      'gateway: { id: gw1, site: ams1, room: r1 }',
      'log: { level: warn }',
      `mqtt: { url: "mqtt://127.0.0.1:${await freePort()}" }`,
      `buses: [{ id: gw, type: tcp, host: 127.0.0.1, port: ${port} }]`,
      'devices: [{ id: b23, bus: gw, unit: 2, profile: abb-b23, energyIntervalMs: 200, fullIntervalMs: 400 }]',
      '',
    ].join('\n'),
  );
  const gw = await run(['gateway', 'run', '-c', file, '--readings'], {
    until: /energy_import_kwh[\s\S]*energy_import_kwh[\s\S]*energy_import_kwh/,
  });
  const readings = gw.stdout
    .trim()
    .split('\n')
    .map((l) => Reading.parse(JSON.parse(l)));
  t.ok(readings.length >= 3, `${readings.length} readings printed`);
  t.ok(
    readings.every((r) => r.device === 'b23' && r.ts > 0),
    'each reading names the device and its request time',
  );
  t.ok(
    readings.some((r) => r.channel === 'l1' && r.values.voltage_v !== undefined),
    'per-phase values',
  );
});
