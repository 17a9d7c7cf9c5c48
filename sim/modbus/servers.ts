// The simulator's wire: Modbus TCP, RTU over TCP and RTU on a serial port (a socat pty in tests).
// With line timing, an RTU answer is held back for the time its frames would take on a real line.
import { createServer, type Server, type Socket } from 'node:net';
import { SerialPort } from 'serialport';
import { crc16, encodeMbap, encodeRtu, parseMbapFrame, rtuRequestLength } from '../../gateway/drivers/modbus/frames.js';
import { frameWireMs, type LineSettings } from '../../gateway/drivers/modbus/timing.js';
import type { MeterBank, Reply } from './bank.js';

export interface TimingOptions {
  /** When set, answers are delayed by the wire time of request and response at these settings. */
  line?: LineSettings;
  /** The slave's processing time between request and answer. */
  turnaroundMs: number;
}

export interface RunningServer {
  address: string;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Frames RTU requests off a byte stream and answers them one at a time, as a half-duplex slave does. */
export function rtuResponder(bank: MeterBank, timing: TimingOptions, write: (b: Buffer) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  let chain = Promise.resolve();
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const len = rtuRequestLength(buf);
      if (len === undefined) {
        if (buf.length >= 2) buf = Buffer.alloc(0); // unknown function: a real slave waits for silence and drops it
        return;
      }
      if (buf.length < len) return;
      const frame = buf.subarray(0, len);
      buf = buf.subarray(len);
      if (crc16(frame.subarray(0, len - 2)) !== frame.readUInt16LE(len - 2)) continue; // slaves ignore corrupt requests
      const unit = frame[0]!;
      const reply = bank.handle(unit, frame.subarray(1, len - 2));
      chain = chain.then(() => answer(reply, unit, len, timing, write));
    }
  };
}

async function answer(reply: Reply, unit: number, requestBytes: number, timing: TimingOptions, write: (b: Buffer) => void): Promise<void> {
  if (reply.kind === 'none') return;
  let out: Buffer;
  if (reply.kind === 'garbage') out = reply.bytes;
  else {
    out = encodeRtu(unit, reply.pdu);
    if (reply.corruptCrc) out[out.length - 1]! ^= 0x5a;
  }
  const wireMs = timing.line ? frameWireMs(requestBytes + out.length, timing.line) : 0;
  await sleep(wireMs + timing.turnaroundMs + reply.extraDelayMs);
  write(out);
}

function mbapResponder(bank: MeterBank, timing: TimingOptions, socket: Socket): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  let chain = Promise.resolve();
  let held: Buffer | undefined;
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const f = parseMbapFrame(buf);
      if (f.kind === 'incomplete') return;
      if (f.kind === 'desync') {
        socket.destroy();
        return;
      }
      buf = buf.subarray(f.length);
      const reply = bank.handle(f.unit, f.pdu);
      chain = chain.then(async () => {
        if (reply.kind === 'none') return;
        await sleep(timing.turnaroundMs + reply.extraDelayMs);
        const out = reply.kind === 'garbage' ? reply.bytes : encodeMbap(f.tid, f.unit, reply.pdu);
        if (reply.kind === 'pdu' && reply.lag) {
          // A gateway that has fallen one answer behind: each request gets the previous one's answer.
          const previous = held;
          held = out;
          if (previous && !socket.destroyed) socket.write(previous);
          return;
        }
        if (!socket.destroyed) socket.write(out);
      });
    }
  };
}

export function serveTcp(
  bank: MeterBank,
  opts: { host: string; port: number; framing: 'mbap' | 'rtu' } & TimingOptions,
): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    const onData =
      opts.framing === 'mbap'
        ? mbapResponder(bank, opts, socket)
        : rtuResponder(bank, opts, (b) => {
            if (!socket.destroyed) socket.write(b);
          });
    socket.on('data', onData);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      resolve({
        address: `${opts.host}:${opts.port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

export async function serveSerial(
  bank: MeterBank,
  opts: { path: string; line: LineSettings; lineTiming: boolean; turnaroundMs: number },
): Promise<RunningServer> {
  const port = new SerialPort({
    path: opts.path,
    baudRate: opts.line.baudRate,
    parity: opts.line.parity,
    stopBits: opts.line.stopBits,
    dataBits: 8,
    autoOpen: false,
    lock: false,
  });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const timing: TimingOptions = { turnaroundMs: opts.turnaroundMs, line: opts.lineTiming ? opts.line : undefined };
  port.on(
    'data',
    rtuResponder(bank, timing, (b) => port.write(b)),
  );
  port.on('error', () => {});
  return {
    address: opts.path,
    close: () =>
      new Promise<void>((done) => {
        const t = setTimeout(done, 1000);
        port.close(() => {
          clearTimeout(t);
          done();
        });
      }),
  };
}
