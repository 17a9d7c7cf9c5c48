// `joulebook sim modbus ...`: serve any meter profile over Modbus TCP, RTU over TCP, or RTU on a serial port.
import { Command } from 'commander';
import { hostPort, intIn, oneOf } from '../common/cli-args.js';
import { parseUnitList } from '../gateway/drivers/modbus/identify.js';
import { untilSignal } from '../common/cli-args.js';
import { loadCatalogs, loadProfiles } from '../gateway/profiles/load.js';
import { BUILTIN_PROFILES_DIR } from '../gateway/paths.js';
import { startModbusSim, type SimWire } from './modbus/start.js';
import { startSnmpSim } from './snmp/start.js';

interface ModbusSimArgs {
  profile: string;
  tcp?: { host: string; port: number };
  rtuTcp?: { host: string; port: number };
  serial?: string;
  baud: number;
  parity: 'none' | 'even' | 'odd';
  stopBits: number;
  units: string;
  lineTiming?: boolean;
  turnaroundMs: number;
  control?: { host: string; port: number };
  speed: number;
  strict?: boolean;
  profilesDir?: string;
}

export function simCommand(): Command {
  const cmd = new Command('sim').description('device simulators for tests, demos and installers');
  cmd
    .command('modbus')
    .description('serve a meter profile; several unit ids per bus')
    .requiredOption('--profile <id>', 'profile id from config/profiles')
    .option('--tcp <host:port>', 'listen for Modbus TCP', hostPort())
    .option('--rtu-tcp <host:port>', 'listen for RTU frames over TCP (serial device server)', hostPort())
    .option('--serial <path>', 'serve RTU on a serial port (e.g. one end of a socat pty pair)')
    .option('--baud <n>', 'baud rate', intIn(1200, 115200), 9600)
    .option('--parity <p>', 'none, even or odd', oneOf(['none', 'even', 'odd'] as const), 'none')
    .option('--stop-bits <n>', '1 or 2', intIn(1, 2), 1)
    .option('--units <list>', 'unit ids served, e.g. 1,2,5-8', '1')
    .option('--line-timing', 'hold each RTU answer back by the wire time of its frames at the baud rate')
    .option('--turnaround-ms <ms>', "meter's processing time before answering", intIn(0, 60000), 0)
    .option('--control <host:port>', 'HTTP control API for faults (docs/simulators.md)', hostPort())
    .option('--speed <x>', 'simulated seconds per real second', intIn(1, 10_000_000), 1)
    .option('--strict', 'answer only mapped registers (merged reads across gaps get exception 2)')
    .option('--profiles-dir <dir>', 'read profiles from this folder too')
    .action(async (o: ModbusSimArgs) => {
      const catalog = await loadProfiles([BUILTIN_PROFILES_DIR, ...(o.profilesDir ? [o.profilesDir] : [])]);
      const profile = catalog.get(o.profile);
      if (!profile) throw new Error(`unknown profile "${o.profile}" (known: ${[...catalog.keys()].sort().join(', ')})`);
      const line = { baudRate: o.baud, parity: o.parity, stopBits: o.stopBits as 1 | 2 };
      const wires = [o.tcp, o.rtuTcp, o.serial].filter((x) => x !== undefined).length;
      if (wires !== 1) throw new Error('give exactly one of --tcp, --rtu-tcp, --serial');
      const wire: SimWire = o.tcp
        ? { kind: 'tcp', ...o.tcp }
        : o.rtuTcp
          ? { kind: 'rtu-over-tcp', ...o.rtuTcp, line, lineTiming: o.lineTiming ?? false }
          : { kind: 'serial', path: o.serial!, line, lineTiming: o.lineTiming ?? false };
      const signalled = untilSignal();
      const sim = await startModbusSim({
        wire,
        meters: parseUnitList(o.units).map((unit) => ({ unit, profile })),
        turnaroundMs: o.turnaroundMs,
        speed: o.speed,
        strictAddresses: o.strict,
        control: o.control,
      });
      process.stdout.write(
        `simulating ${profile.id} units ${[...sim.bank.meters.keys()].join(',')} on ${sim.wire.address}${sim.control ? `; control http://${sim.control.address}` : ''}\n`,
      );
      await signalled;
      await sim.close();
    });
  cmd
    .command('snmp')
    .description('serve a PDU profile: many PDUs on consecutive UDP ports, v2c and v3')
    .requiredOption('--profile <id>', 'PDU profile id from config/profiles')
    .requiredOption('--listen <host:port>', 'address of the first PDU; PDU n listens on port + n - 1', hostPort())
    .option('--pdus <n>', 'number of PDUs', intIn(1, 2000), 1)
    .option('--outlets <n>', 'outlets per PDU', intIn(1, 128), 24)
    .option('--chained <n>', 'daisy-chained units per PDU', intIn(1, 8), 1)
    .option('--community <c>', 'v2c community', 'public')
    .option('--v3-user <name>', 'also answer SNMP v3 as this user (authPriv)')
    .option('--auth-key <key>', 'v3 authentication key (SHA-256)')
    .option('--priv-key <key>', 'v3 privacy key (AES-128)')
    .option('--speed <x>', 'simulated seconds per real second', intIn(1, 10_000_000), 1)
    .option('--control <host:port>', 'HTTP control API for faults (docs/simulators.md)', hostPort())
    .action(async (o: SnmpSimArgs) => {
      const catalog = await loadCatalogs([BUILTIN_PROFILES_DIR]);
      const profile = catalog.snmp.get(o.profile);
      if (!profile) throw new Error(`unknown PDU profile "${o.profile}" (known: ${[...catalog.snmp.keys()].sort().join(', ')})`);
      if (o.v3User && (!o.authKey || !o.privKey)) throw new Error('--v3-user needs --auth-key and --priv-key (8 characters or more)');
      const signalled = untilSignal();
      const sim = await startSnmpSim({
        profile,
        host: o.listen.host,
        port: o.listen.port,
        pdus: o.pdus,
        outlets: o.outlets,
        chained: o.chained,
        community: o.community,
        speed: o.speed,
        ...(o.v3User
          ? {
              user: {
                name: o.v3User,
                level: 'authPriv' as const,
                authProtocol: 'sha256' as const,
                authKey: o.authKey!,
                privProtocol: 'aes' as const,
                privKey: o.privKey!,
              },
            }
          : {}),
        control: o.control,
      });
      const last = o.listen.port + o.pdus - 1;
      process.stdout.write(
        `simulating ${o.pdus} ${profile.id} PDU(s) with ${o.outlets} outlets on ${o.listen.host}:${o.listen.port}${o.pdus > 1 ? `-${last}` : ''}${sim.control ? `; control http://${sim.control.address}` : ''}\n`,
      );
      await signalled;
      await sim.close();
    });
  return cmd;
}

interface SnmpSimArgs {
  profile: string;
  listen: { host: string; port: number };
  pdus: number;
  outlets: number;
  chained: number;
  community: string;
  v3User?: string;
  authKey?: string;
  privKey?: string;
  speed: number;
  control?: { host: string; port: number };
}
