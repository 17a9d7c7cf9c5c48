// `joulebook gateway check` as an installer runs it before leaving the room: simulated meters and PDUs on
// real sockets, one meter dead and one PDU dead; the table names each device with its serial and first
// reading, the dead ones with their error, and the exit code says something is wrong. A config mistake is
// a `file: path: message` and exit code 2; a clean room exits 0.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { systemClock } from '../../common/clock.js';
import { checkTable, judge, reportOf, type CheckReport } from '../../gateway/check/report.js';
import { checkBroker, runCheck } from '../../gateway/check/run-check.js';
import { GatewayConfig } from '../../gateway/config/schema.js';
import { readGatewayConfig } from '../../gateway/config/load.js';
import { loadCatalogFor } from '../../gateway/config/catalogs.js';
import { startModbusSim } from '../../sim/modbus/start.js';
import { startSnmpSim } from '../../sim/snmp/start.js';
import { freeUdpPortRange } from '../../sim/wiring.js';
import { startEmbedded, USERS } from '../helpers/broker-users.js';
import { runCli } from '../helpers/cli.js';
import { freePort, quietLog } from '../helpers/env.js';
import { builtinProfiles } from '../helpers/modbus.js';
import { builtinCatalogs } from '../helpers/snmp.js';

async function room(t: Test) {
  const modbusPort = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const meters = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port: modbusPort },
    meters: [1, 2].map((unit) => ({ unit, profile: sdm })),
  });
  t.teardown(() => meters.close());
  const pduPort = await freeUdpPortRange(2);
  const pdus = await startSnmpSim({
    profile: (await builtinCatalogs()).snmp.get('apc-rpdu2')!,
    host: '127.0.0.1',
    port: pduPort,
    pdus: 2,
    outlets: 4,
  });
  t.teardown(() => pdus.close());
  const broker = await startEmbedded();
  t.teardown(() => broker.broker.stop());
  const dir = mkdtempSync(join(tmpdir(), 'jb-check-'));
  writeFileSync(join(dir, 'pw'), `${USERS.a1.password}\n`, { mode: 0o600 });
  const file = join(dir, 'gateway.yaml');
  writeFileSync(
    file,
    [
      `gateway: { id: ${USERS.a1.gateway}, site: ${USERS.a1.site}, room: r1 }`,
      `mqtt: { url: "${broker.url}", username: ${USERS.a1.username}, passwordFile: pw }`,
      `buses: [{ id: tcp-1, type: tcp, host: 127.0.0.1, port: ${modbusPort} }]`,
      'devices:',
      '  - { id: m1, bus: tcp-1, unit: 1, profile: eastron-sdm630, timeoutMs: 200 }',
      '  - { id: m2, bus: tcp-1, unit: 2, profile: eastron-sdm630, timeoutMs: 200 }',
      '  - { id: m9, bus: tcp-1, unit: 9, profile: eastron-sdm630, timeoutMs: 200 }',
      'snmp:',
      '  pdus:',
      `    - { id: pdu-a, host: 127.0.0.1, port: ${pduPort}, profile: apc-rpdu2, timeoutMs: 300, budgetMs: 2000 }`,
      `    - { id: pdu-b, host: 127.0.0.1, port: ${pduPort + 1}, profile: apc-rpdu2, timeoutMs: 300, budgetMs: 2000 }`,
      '',
    ].join('\n'),
  );
  return { file, dir, meters, pdus, broker };
}

t.test('a dead meter and a dead PDU: named in the table, the others read, exit code 1', async (t) => {
  const r = await room(t);
  r.pdus.pdus[1]!.fault = { mode: 'dead' };
  const config = await readGatewayConfig(r.file);
  const started = performance.now();
  const report = await runCheck({
    config,
    configFile: r.file,
    profiles: await loadCatalogFor(config, r.file),
    clock: systemClock,
    log: quietLog,
    deviceDeadlineMs: 10_000,
    broker: true,
    brokerTimeoutMs: 3000,
  });
  const elapsedMs = performance.now() - started;
  t.equal(report.ok, false);
  const by = new Map(report.devices.map((d) => [d.device, d]));
  t.same([...by.keys()], ['m1', 'm2', 'm9', 'pdu-a', 'pdu-b'], 'every configured device, in config order');
  for (const id of ['m1', 'm2', 'pdu-a']) {
    const d = by.get(id)!;
    t.same(d.errors, [], `${id} answered`);
    t.match(d.serial, /\S/, `${id} has a serial`);
    t.ok(d.energyKwh! > 0 && d.powerW! > 0, `${id} first reading: ${d.energyKwh} kWh, ${d.powerW} W`);
    t.ok(d.latencyMs! > 0, `${id} latency ${d.latencyMs} ms`);
  }
  const sim1 = r.meters.bank.meters.get(1)!;
  t.equal(by.get('m1')!.serial, String(sim1.serial), "the serial is the meter's own");
  t.same(by.get('m9')!.errors, ['no answer (timeout)'], 'the absent meter times out');
  t.equal(by.get('m9')!.latencyMs, undefined);
  t.match(by.get('pdu-b')!.errors[0], /timeout/, 'the dead PDU times out');
  t.ok(elapsedMs < 5000, `the dead devices did not stall the others: ${Math.round(elapsedMs)} ms in all`);
  t.match(report.broker, { ok: true, url: r.broker.url });

  const table = checkTable(report);
  t.match(table, /^device\s+profile\s+serial\s+first reading\s+latency\s+errors/);
  t.match(table, new RegExp(`m1\\s+eastron-sdm630\\s+${sim1.serial}\\s+[\\d.]+ kWh, \\d+ W\\s+[\\d.]+ ms\\s+ok`));
  t.match(table, /m9\s+eastron-sdm630\s+-\s+-\s+-\s+no answer \(timeout\)/);
  t.match(table, /NOT OK: 2 of 5 device\(s\) failed/);

  const cli = await runCli(['gateway', 'check', '-c', r.file, '--deadline-ms', '8000']);
  t.equal(cli.code, 1, 'exit code 1 when a device fails');
  t.match(cli.stdout, /pdu-b\s+apc-rpdu2\s+-\s+-\s+-\s+timeout/);
  t.match(cli.stdout, /broker mqtt:\/\/127\.0\.0\.1:\d+: connected/);

  r.pdus.pdus[1]!.fault = { mode: 'none' };
  const good = await runCli(['gateway', 'check', '-c', r.file, '--json']);
  const json = JSON.parse(good.stdout) as CheckReport;
  t.same(
    json.devices.filter((d) => d.errors.length > 0).map((d) => d.device),
    ['m9'],
    'JSON: only the absent meter fails now',
  );
  t.equal(good.code, 1);
});

t.test('all devices answer and the broker accepts: exit code 0; a wrong password fails the broker line', async (t) => {
  const r = await room(t);
  writeFileSync(r.file, (await import('node:fs')).readFileSync(r.file, 'utf8').replace(/ {2}- \{ id: m9.*\n/, ''));
  const ok = await runCli(['gateway', 'check', '-c', r.file]);
  t.equal(ok.code, 0, ok.stdout + ok.stderr);
  t.match(ok.stdout, /OK: 4 device\(s\) answered, broker reachable/);
  writeFileSync(join(r.dir, 'pw'), 'wrong\n');
  const bad = await runCli(['gateway', 'check', '-c', r.file]);
  t.equal(bad.code, 1);
  t.match(bad.stdout, /broker mqtt:\/\/127\.0\.0\.1:\d+: FAILED: .*(Bad username or password|Not authorized)/);
  const skipped = await runCli(['gateway', 'check', '-c', r.file, '--no-broker']);
  t.equal(skipped.code, 0, '--no-broker leaves the broker out');
  t.notMatch(skipped.stdout, /broker/);
});

t.test('config errors: file, path and problem, exit code 2, nothing tried', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-check-'));
  const file = join(dir, 'gateway.yaml');
  writeFileSync(
    file,
    [
      'gateway: { id: gw1, site: ams1, room: r1 }',
      'mqtt: { passwordFile: missing-secret }',
      'buses: [{ id: b, type: tcp, host: 127.0.0.1 }]',
      'devices: [{ id: m1, bus: nope, unit: 1, profile: eastron-sdm630 }]',
      '',
    ].join('\n'),
  );
  const r = await runCli(['gateway', 'check', '-c', file]);
  t.equal(r.code, 2);
  t.match(r.stderr, `${file}: devices[0].bus: unknown bus "nope"`);
  t.equal(r.stdout, '', 'no table');
  writeFileSync(file, 'gateway: { id: gw1, site: ams1, room: r1 }\nmqtt: { passwordFile: missing-secret }\n');
  const r2 = await runCli(['gateway', 'check', '-c', file]);
  t.equal(r2.code, 2);
  t.match(r2.stderr, `${file}: mqtt.passwordFile: ENOENT`);
  writeFileSync(join(dir, 'empty'), '');
  writeFileSync(file, 'gateway: { id: gw1, site: ams1, room: r1 }\nmqtt: { passwordFile: empty, password: x }\n');
  const r3 = await runCli(['gateway', 'check', '-c', file]);
  t.match(r3.stderr, `${file}: mqtt.passwordFile: give password or passwordFile, not both`);
  writeFileSync(file, 'gateway: { id: gw1, site: ams1, room: r1 }\nmqtt: { passwordFile: empty }\n');
  await t.rejects(readGatewayConfig(file), /mqtt\.passwordFile: .*empty is empty/);
});

t.test('judging a poll, pure', async (t) => {
  const base = { device: 'd', kind: 'modbus' as const, profile: 'p', deadlineMs: 100 };
  t.same(judge(base).errors, ['no answer within 100 ms'], 'a try past its deadline');
  const reading = (values: Record<string, number>, flags?: Record<string, 'not_available'>) => ({
    device: 'd',
    channel: 'total',
    ts: 1,
    values,
    quality: 'good' as const,
    ...(flags ? { flags } : {}),
  });
  const nothing = judge({ ...base, result: { device: 'd', kind: 'full', readings: [], durationMs: 5 } });
  t.same(nothing.errors, ['no readings']);
  const noEnergy = judge({ ...base, result: { device: 'd', kind: 'full', readings: [reading({ power_w: 5 })], durationMs: 5 } });
  t.same(noEnergy.errors, ['no energy counter read']);
  t.equal(noEnergy.latencyMs, 5, 'the poll time when no request latency is known');
  const partial = judge({
    ...base,
    unreadable: ['total.frequency_hz'],
    result: {
      device: 'd',
      kind: 'full',
      readings: [reading({ energy_import_kwh: 1 }, { power_w: 'not_available' })],
      durationMs: 5,
      fault: { kind: 'link', reason: 'ECONNREFUSED' },
    },
  });
  t.same(partial.errors, ['link: ECONNREFUSED']);
  t.same(partial.warnings, ['not available: total.power_w', 'refused registers: total.frequency_hz']);
  const many = judge({
    ...base,
    result: {
      device: 'd',
      kind: 'full',
      readings: [
        reading(
          { energy_import_kwh: 1 },
          Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((m) => [m, 'not_available' as const])),
        ),
      ],
      durationMs: 5,
    },
  });
  t.match(many.warnings[0], /and 2 more$/);
  const noCa = await checkBroker(
    GatewayConfig.parse({
      gateway: { id: 'g', site: 's', room: 'r' },
      mqtt: { url: 'mqtts://127.0.0.1:1', tls: { ca: '/nonexistent/ca.crt' } },
    }),
    1000,
    systemClock,
  );
  t.match(noCa, { ok: false, error: /ENOENT.*ca\.crt/ }, "a missing CA file is the broker line's error");
  t.match(checkTable(reportOf('gw', [])), /no devices configured[\s\S]*OK: 0 device/);
  t.match(
    checkTable(reportOf('gw', [partial], { url: 'mqtt://x', ok: false, error: 'refused' })),
    /warning: not available[\s\S]*FAILED: refused[\s\S]*broker unreachable/,
  );
});
