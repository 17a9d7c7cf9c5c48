// modbus-serial (npm, 8.0.25) as the independent second Modbus implementation of the interoperability tests:
// its client, and its ServerTCP answering as an ABB B23. Nothing here comes from our own Modbus code, so the
// register words below are written from the datasheet table by hand, not by sim/modbus/encode.ts.
// Pitfalls measured in reference/libraries.md: the NodeNext default import needs `.default`; there is no
// default timeout; port 0 means 502; close() may never call back, so every shutdown here is bounded.
import ModbusPkg, { ServerTCP, type IServiceVector } from 'modbus-serial';
import type { Measurement } from '../../protocol/measurements.js';

export const ModbusRTU = ModbusPkg.default;
export type ModbusClient = InstanceType<typeof ModbusRTU>;

/** Long enough for a loaded CI machine, short enough that a hang fails the test instead of stalling it. */
export const CLIENT_TIMEOUT_MS = 2000;
const SHUTDOWN_WAIT_MS = 1000;

/** Resolves when `start` calls back or after `waitMs`, whichever comes first; true if it called back. */
function boundedCallback(start: (done: () => void) => void, waitMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), waitMs); // not unref'd: the wait must end even if nothing else is alive
    try {
      start(() => {
        clearTimeout(timer);
        resolve(true);
      });
    } catch {
      clearTimeout(timer);
      resolve(false);
    }
  });
}

/** close(), and destroy() if close never calls back (it does not on a dead port): the socket or fd goes either way. */
export async function shutClient(client: ModbusClient): Promise<void> {
  if (await boundedCallback((done) => client.close(done), SHUTDOWN_WAIT_MS)) return;
  await boundedCallback((done) => client.destroy(done), SHUTDOWN_WAIT_MS);
}

/** The Modbus exception code a modbus-serial request rejected with, or a text saying what happened instead. */
export async function exceptionOf(request: Promise<unknown>): Promise<number | string> {
  try {
    await request;
    return 'answered with data';
  } catch (err) {
    const e = err as { modbusCode?: number; message?: string };
    return e.modbusCode ?? `no exception code: ${e.message ?? String(err)}`;
  }
}

export interface B23Value {
  measurement: Measurement;
  channel: string;
  address: number;
  type: 'u16' | 'i16' | 'u32' | 'i32' | 'u64';
  /** Datasheet scaling: register units per canonical unit (0.1 V, 0.01 A, 0.01 W, 0.01 Hz, 0.001, 0.01 kWh). */
  scale: number;
  /** What the meter holds, in the canonical unit; the registers hold value / scale. */
  value: number;
}

// ABB B-series integer map (FC03, most significant word first), as mbmd meters/rs485/abb.go and Victron's abb.py
// give it. Energy above 2^32 x 0.01 kWh proves the four words are joined as a u64; L3 exports (negative power)
// and L2 leads (negative PF) to prove the signed types.
export const B23_VALUES: readonly B23Value[] = [
  { measurement: 'voltage_v', channel: 'l1', address: 0x5b00, type: 'u32', scale: 0.1, value: 230.1 },
  { measurement: 'voltage_v', channel: 'l2', address: 0x5b02, type: 'u32', scale: 0.1, value: 231.2 },
  { measurement: 'voltage_v', channel: 'l3', address: 0x5b04, type: 'u32', scale: 0.1, value: 229.8 },
  { measurement: 'current_a', channel: 'l1', address: 0x5b0c, type: 'u32', scale: 0.01, value: 5.01 },
  { measurement: 'current_a', channel: 'l2', address: 0x5b0e, type: 'u32', scale: 0.01, value: 6.02 },
  { measurement: 'current_a', channel: 'l3', address: 0x5b10, type: 'u32', scale: 0.01, value: 7.03 },
  { measurement: 'power_w', channel: 'total', address: 0x5b14, type: 'i32', scale: 0.01, value: 920.55 },
  { measurement: 'power_w', channel: 'l1', address: 0x5b16, type: 'i32', scale: 0.01, value: 1150.25 },
  { measurement: 'power_w', channel: 'l2', address: 0x5b18, type: 'i32', scale: 0.01, value: 1380.5 },
  { measurement: 'power_w', channel: 'l3', address: 0x5b1a, type: 'i32', scale: 0.01, value: -1610.2 },
  { measurement: 'frequency_hz', channel: 'total', address: 0x5b2c, type: 'u16', scale: 0.01, value: 49.98 },
  { measurement: 'power_factor', channel: 'total', address: 0x5b3a, type: 'i16', scale: 0.001, value: 0.95 },
  { measurement: 'power_factor', channel: 'l1', address: 0x5b3b, type: 'i16', scale: 0.001, value: 0.951 },
  { measurement: 'power_factor', channel: 'l2', address: 0x5b3c, type: 'i16', scale: 0.001, value: -0.982 },
  { measurement: 'power_factor', channel: 'l3', address: 0x5b3d, type: 'i16', scale: 0.001, value: 0.93 },
  { measurement: 'energy_import_kwh', channel: 'total', address: 0x5000, type: 'u64', scale: 0.01, value: 42_949_796.41 },
  { measurement: 'energy_export_kwh', channel: 'total', address: 0x5004, type: 'u64', scale: 0.01, value: 1.25 },
  { measurement: 'energy_import_kwh', channel: 'l1', address: 0x5460, type: 'u64', scale: 0.01, value: 14_316_598.8 },
  { measurement: 'energy_import_kwh', channel: 'l2', address: 0x5464, type: 'u64', scale: 0.01, value: 14_316_599.11 },
  { measurement: 'energy_import_kwh', channel: 'l3', address: 0x5468, type: 'u64', scale: 0.01, value: 14_316_598.5 },
  { measurement: 'energy_export_kwh', channel: 'l1', address: 0x546c, type: 'u64', scale: 0.01, value: 0.5 },
  { measurement: 'energy_export_kwh', channel: 'l2', address: 0x5470, type: 'u64', scale: 0.01, value: 0.25 },
  { measurement: 'energy_export_kwh', channel: 'l3', address: 0x5474, type: 'u64', scale: 0.01, value: 0.5 },
];
export const B23_SERIAL = 23_456_789;
const SERIAL_ADDRESS = 0x8900;
const MODEL_ADDRESS = 0x8960;
/** Our B23 profile's maxGapRegisters: a merged read may span this many unused registers, which read 0. */
const MAX_GAP_REGISTERS = 8;

const WIDTH_BYTES = { u16: 2, i16: 2, u32: 4, i32: 4, u64: 8 } as const;

function words(v: B23Value): number[] {
  const raw = BigInt(Math.round(v.value / v.scale));
  const b = Buffer.alloc(WIDTH_BYTES[v.type]);
  if (v.type === 'u64') b.writeBigUInt64BE(raw);
  else if (v.type === 'i16') b.writeInt16BE(Number(raw));
  else if (v.type === 'u16') b.writeUInt16BE(Number(raw));
  else if (v.type === 'i32') b.writeInt32BE(Number(raw));
  else b.writeUInt32BE(Number(raw));
  return Array.from({ length: b.length / 2 }, (_, i) => b.readUInt16BE(i * 2));
}

/** Holding registers of the B23: values, serial (u32 at 0x8900), model text "B23 " at 0x8960, short gaps as 0. */
export function b23Registers(): Map<number, number> {
  const regs = new Map<number, number>();
  const put = (address: number, ws: number[]) => ws.forEach((w, i) => regs.set(address + i, w));
  for (const v of B23_VALUES) put(v.address, words(v));
  put(SERIAL_ADDRESS, [B23_SERIAL >>> 16, B23_SERIAL & 0xffff]);
  put(MODEL_ADDRESS, [0x4232, 0x3320]); // "B23 "
  const used = [...regs.keys()].sort((a, b) => a - b);
  for (let i = 1; i < used.length; i++) {
    const [a, b] = [used[i - 1]!, used[i]!];
    if (b - a > 1 && b - a - 1 <= MAX_GAP_REGISTERS) for (let g = a + 1; g < b; g++) regs.set(g, 0);
  }
  return regs;
}

export interface RunningServerTcp {
  server: ServerTCP;
  close(): Promise<void>;
}

/** modbus-serial's ServerTCP answering as one B23 at `unit`; other units get no answer, unmapped registers exception 2. */
export async function serveB23(port: number, unit: number): Promise<RunningServerTcp> {
  const regs = b23Registers();
  const illegalAddress = (addr: number) => Object.assign(new Error(`no register at ${addr}`), { modbusErrorCode: 2 });
  // Single-register handlers only: multi-register reads call them per address, and the first throw answers.
  const vector: IServiceVector = {
    getHoldingRegister: (addr: number) => {
      const w = regs.get(addr);
      if (w === undefined) throw illegalAddress(addr);
      return w;
    },
    getInputRegister: (addr: number) => {
      throw illegalAddress(addr);
    },
  };
  const server = new ServerTCP(vector, { host: '127.0.0.1', port, unitID: unit });
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', reject);
  });
  return {
    server,
    close: async () => {
      await boundedCallback((done) => server.close(() => done()), SHUTDOWN_WAIT_MS);
    },
  };
}
