// `joulebook gateway ...`: run a room's gateway, scan a bus.
import { Command, InvalidArgumentError } from 'commander';
import type { Reading } from '../protocol/reading.js';
import { ConfigError } from '../common/issues.js';
import { hostPort, intIn, oneOf } from '../common/cli-args.js';
import { systemClock } from '../common/clock.js';
import { readGatewayConfig } from './config/load.js';
import type { Bus } from './config/schema.js';
import { Bus as BusSchema } from './config/schema.js';
import { ModbusBus } from './drivers/modbus/bus.js';
import { busKinds } from './drivers/modbus/bus-kinds.js';
import { parseUnitList } from './drivers/modbus/identify.js';
import { scanBus, type ScanHit } from './drivers/modbus/scan.js';
import { createLogger } from '../common/log.js';
import { loadCatalogFor } from './config/catalogs.js';
import { startGateway } from './main.js';
import { stopOnSignal } from './shutdown.js';
import { loadCatalogs, loadProfiles } from './profiles/load.js';
import { scanSnmp, type SnmpScanHit } from './drivers/snmp/scan.js';
import { parseTargets, resolveTargets, type ScanTargets } from './drivers/snmp/targets.js';
import type { SnmpV3User } from './drivers/snmp/session.js';
import { BUILTIN_PROFILES_DIR, PACKAGE_VERSION } from './paths.js';
import { fmt, renderTable } from './status/table.js';
import { checkTable, headline as headlineOf } from './check/report.js';
import { runCheck } from './check/run-check.js';
import { intervalTimer, SystemdNotifier, systemdNotifyProgram } from './systemd/notify.js';

/** Exit code for configuration errors, distinct from runtime failures. */
export const EXIT_CONFIG = 2;

export function gatewayCommand(): Command {
  const cmd = new Command('gateway').description("a room's gateway: read meters and PDUs, check counters, publish");

  cmd
    .command('run')
    .description('poll every configured device')
    .requiredOption('-c, --config <file>', 'gateway.yaml')
    .option('--readings', 'print every reading as a JSON line on stdout')
    .action(async (o: { config: string; readings?: boolean }) => {
      // Listening from the start: a SIGTERM while the gateway starts stops it as soon as it has started.
      const stopWhenSignalled = stopOnSignal({ monotonicMs: () => systemClock.monotonicMs(), exit: (code) => process.exit(code) });
      const config = await readGatewayConfig(o.config);
      const profiles = await loadCatalogFor(config, o.config);
      const log = createLogger(config.log.level);
      const gw = await startGateway({
        config,
        configFile: o.config,
        profiles,
        clock: systemClock,
        log,
        version: PACKAGE_VERSION,
        onReadings: (rs) => {
          if (o.readings) for (const r of rs) process.stdout.write(`${JSON.stringify(r)}\n`);
        },
      });
      log.info(
        { gateway: config.gateway.id, buses: config.buses.length, devices: config.devices.length, pdus: config.snmp.pdus.length },
        'gateway running',
      );
      // Under systemd (Type=notify, WatchdogSec): ready once started, then the watchdog fed while the event loop turns.
      const systemd = new SystemdNotifier({
        env: process.env,
        pid: process.pid,
        send: systemdNotifyProgram(),
        every: intervalTimer,
        healthy: () => true,
        log: log.child({ area: 'systemd' }),
      });
      await systemd.ready();
      await stopWhenSignalled(gw, {
        log: log.child({ area: 'stop' }),
        alongside: () => gw.stopSteps.run('systemd', () => systemd.stopping()),
      });
    });

  cmd
    .command('check')
    .description('validate gateway.yaml, try every device once, print what each answered; exit 1 if anything is wrong')
    .requiredOption('-c, --config <file>', 'gateway.yaml')
    .option('--deadline-ms <ms>', 'the most one device may take', intIn(100, 300_000), 15_000)
    .option('--no-broker', 'do not try the MQTT broker')
    .option('--broker-timeout-ms <ms>', 'time allowed to connect to the broker', intIn(100, 120_000), 10_000)
    .option('--json', 'print JSON instead of a table')
    .action(async (o: { config: string; deadlineMs: number; broker: boolean; brokerTimeoutMs: number; json?: boolean }) => {
      const config = await readGatewayConfig(o.config);
      const profiles = await loadCatalogFor(config, o.config);
      const log = createLogger(process.env.JB_LOG_LEVEL ?? 'error');
      const report = await runCheck({
        config,
        configFile: o.config,
        profiles,
        clock: systemClock,
        log,
        deviceDeadlineMs: o.deadlineMs,
        broker: o.broker,
        brokerTimeoutMs: o.brokerTimeoutMs,
      });
      process.stdout.write(o.json ? `${JSON.stringify(report)}\n` : `${checkTable(report)}\n`);
      if (!report.ok) process.exitCode = 1;
    });

  cmd
    .command('scan')
    .description('find the meters on a bus and identify their profiles')
    .option('--serial <path>', 'serial port of an RS-485 adapter')
    .option('--baud <n>', 'baud rate', intIn(1200, 115200), 9600)
    .option('--parity <p>', 'none, even or odd', oneOf(['none', 'even', 'odd'] as const), 'none')
    .option('--stop-bits <n>', '1 or 2', intIn(1, 2), 1)
    .option('--tcp <host:port>', 'Modbus TCP endpoint', hostPort())
    .option('--rtu-tcp <host:port>', 'serial device server (RTU over TCP)', hostPort())
    .option('--units <list>', 'unit ids, e.g. 1-10,20', '1-247')
    .option('--timeout-ms <ms>', 'answer timeout per request', intIn(20, 30000), 300)
    .option('--snmp <host|cidr>', 'scan for PDUs over SNMP: one host or an IPv4 block such as 10.1.2.0/24 (/20 to /32)', snmpTargets)
    .option('--port <n>', 'SNMP port', intIn(1, 65535), 161)
    .option('--community <c>', 'SNMP v2c community', 'public')
    .option('--v3-user <name>', 'SNMP v3 user (authPriv)')
    .option(
      '--auth-protocol <p>',
      'v3 authentication: sha, sha256, sha512, md5',
      oneOf(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const),
      'sha256',
    )
    .option('--auth-key <key>', 'v3 authentication key')
    .option('--priv-protocol <p>', 'v3 privacy: aes, aes256b, aes256r, des', oneOf(['des', 'aes', 'aes256b', 'aes256r'] as const), 'aes')
    .option('--priv-key <key>', 'v3 privacy key')
    .option('--json', 'print JSON instead of a table')
    .action(async (o: ScanOptions) => {
      if (o.snmp) return scanPdus(o);
      const bus = scanBusConfig(o);
      const units = parseUnitList(o.units);
      const log = createLogger(process.env.JB_LOG_LEVEL ?? 'warn');
      const profiles = await loadProfiles([BUILTIN_PROFILES_DIR]);
      const kind = busKinds.get(bus.type);
      const modbus = new ModbusBus({ options: kind.options(bus), link: kind.link(bus), clock: systemClock, log });
      await modbus.open(); // a port that cannot be opened is an error, not a bus where nobody answered
      const hits = await scanBus(
        { bus: modbus, profiles, clock: systemClock, log },
        units,
        o.timeoutMs,
        o.json ? undefined : (u) => process.stderr.write(`\rscanning unit ${u} of ${units[units.length - 1]}`),
      );
      await modbus.close();
      if (!o.json) process.stderr.write('\n');
      // The bus settings go along, so `joulebook provision --scan` can write the bus as it was scanned.
      process.stdout.write(o.json ? `${JSON.stringify({ bus: bus.id, line: bus, hits })}\n` : `${scanTable(hits)}\n`);
    });

  return cmd;
}

interface ScanOptions {
  snmp?: ScanTargets;
  port: number;
  community: string;
  v3User?: string;
  authProtocol: SnmpV3User['authProtocol'];
  authKey?: string;
  privProtocol: SnmpV3User['privProtocol'];
  privKey?: string;
  serial?: string;
  baud: number;
  parity: 'none' | 'even' | 'odd';
  stopBits: number;
  tcp?: { host: string; port: number };
  rtuTcp?: { host: string; port: number };
  units: string;
  timeoutMs: number;
  json?: boolean;
}

function snmpTargets(v: string): ScanTargets {
  try {
    return parseTargets(v);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
}

function scanBusConfig(o: ScanOptions): Bus {
  const given = [o.serial, o.tcp, o.rtuTcp].filter((x) => x !== undefined).length;
  if (given !== 1)
    throw new ConfigError([{ file: '(command line)', path: 'scan', message: 'give exactly one of --serial, --tcp, --rtu-tcp' }]);
  const raw = o.serial
    ? { id: 'scan', type: 'rtu', path: o.serial, baudRate: o.baud, parity: o.parity, stopBits: o.stopBits }
    : o.tcp
      ? { id: 'scan', type: 'tcp', ...o.tcp }
      : { id: 'scan', type: 'rtu-over-tcp', ...o.rtuTcp };
  return BusSchema.parse(raw);
}

function headline(rs: readonly Reading[]): string {
  const h = headlineOf(rs);
  return `${fmt(h.energyKwh, 2)} kWh, ${fmt(h.powerW, 0)} W`;
}

export function scanTable(hits: readonly ScanHit[]): string {
  if (hits.length === 0) return 'no device answered';
  return renderTable(
    ['unit', 'profile', 'model', 'serial', 'first reading', 'latency'],
    hits.map((h) => [
      String(h.unit),
      h.profile ?? '(unknown)',
      h.model ?? '-',
      h.serial ?? '-',
      h.profile ? headline(h.readings) : '-',
      h.latencyMs === undefined ? '-' : `${h.latencyMs} ms`,
    ]),
  );
}

async function scanPdus(o: ScanOptions): Promise<void> {
  const hosts = await resolveTargets(o.snmp!);
  const log = createLogger(process.env.JB_LOG_LEVEL ?? 'warn');
  const catalog = (await loadCatalogs([BUILTIN_PROFILES_DIR])).snmp;
  const user: SnmpV3User | undefined = o.v3User
    ? {
        name: o.v3User,
        level: o.privKey ? 'authPriv' : o.authKey ? 'authNoPriv' : 'noAuthNoPriv',
        ...(o.authKey ? { authProtocol: o.authProtocol, authKey: o.authKey } : {}),
        ...(o.privKey ? { privProtocol: o.privProtocol, privKey: o.privKey } : {}),
      }
    : undefined;
  const hits = await scanSnmp({ catalog, clock: systemClock, log }, hosts, {
    port: o.port,
    version: user ? '3' : '2c',
    community: o.community,
    user,
    timeoutMs: o.timeoutMs,
    retries: 1,
    maxRepetitions: 25,
  });
  // The SNMP settings go along (never the v3 keys), for `joulebook provision --scan`.
  const snmp = {
    port: o.port,
    version: user ? '3' : '2c',
    ...(user ? { user: { name: user.name, level: user.level } } : { community: o.community }),
  };
  process.stdout.write(o.json ? `${JSON.stringify({ hosts: hosts.length, snmp, hits })}\n` : `${pduTable(hits)}\n`);
}

export function pduTable(hits: readonly SnmpScanHit[]): string {
  if (hits.length === 0) return 'no PDU answered';
  const rows = hits.flatMap((h) =>
    h.units.length === 0
      ? [[`${h.host}:${h.port}`, '(unknown)', h.sysObjectId ?? '-', '-', '-', '-', '-', '-']]
      : h.units.map((u) => [
          `${h.host}:${h.port}`,
          h.profile ?? '-',
          u.model ?? '-',
          u.device,
          u.serial ?? '-',
          String(u.inlets),
          String(u.outlets),
          headline(u.readings),
        ]),
  );
  return renderTable(['agent', 'profile', 'model', 'device', 'serial', 'inlets', 'outlets', 'first reading'], rows);
}
