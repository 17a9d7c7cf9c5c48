// Starts a simulated Modbus bus: meters, one wire (TCP, RTU over TCP or serial) and optionally the control API.
import type { ResolvedProfile } from '../../gateway/profiles/resolve.js';
import type { LineSettings } from '../../gateway/drivers/modbus/timing.js';
import { MeterBank } from './bank.js';
import { serveControl } from './control.js';
import { SimMeter } from './meter.js';
import { serveSerial, serveTcp, type RunningServer } from './servers.js';

export type SimWire =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'rtu-over-tcp'; host: string; port: number; line?: LineSettings; lineTiming?: boolean }
  | { kind: 'serial'; path: string; line: LineSettings; lineTiming?: boolean };

export interface ModbusSimOptions {
  wire: SimWire;
  meters: readonly { unit: number; profile: ResolvedProfile; seed?: number; basePowerW?: number }[];
  turnaroundMs?: number;
  speed?: number;
  strictAddresses?: boolean;
  control?: { host: string; port: number };
  /** The simulator's clock (epoch ms); tests freeze it to compare decoded values with the truth exactly. */
  now?: () => number;
}

export interface ModbusSim {
  bank: MeterBank;
  wire: RunningServer;
  control?: RunningServer;
  close(): Promise<void>;
}

export async function startModbusSim(opt: ModbusSimOptions): Promise<ModbusSim> {
  const clock = opt.now ?? Date.now;
  const now = clock();
  const meters = opt.meters.map(
    (m) =>
      new SimMeter(
        {
          unit: m.unit,
          profile: m.profile,
          seed: m.seed ?? m.unit,
          speed: opt.speed ?? 1,
          basePowerW: m.basePowerW,
          strictAddresses: opt.strictAddresses,
        },
        now,
      ),
  );
  const bank = new MeterBank(meters, clock);
  const turnaroundMs = opt.turnaroundMs ?? 0;
  const w = opt.wire;
  const wire =
    w.kind === 'serial'
      ? await serveSerial(bank, { path: w.path, line: w.line, lineTiming: w.lineTiming ?? false, turnaroundMs })
      : await serveTcp(bank, {
          host: w.host,
          port: w.port,
          framing: w.kind === 'tcp' ? 'mbap' : 'rtu',
          turnaroundMs,
          line: w.kind === 'rtu-over-tcp' && w.lineTiming ? w.line : undefined,
        });
  const control = opt.control ? await serveControl(bank, opt.control.host, opt.control.port, clock) : undefined;
  return {
    bank,
    wire,
    control,
    close: async () => {
      await wire.close();
      await control?.close();
    },
  };
}
