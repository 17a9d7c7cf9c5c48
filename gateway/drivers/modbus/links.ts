// Byte links under a Modbus bus: a serial port (RS-485 adapter) or a TCP socket (Modbus TCP gateway or
// serial device server). Opening and closing are bounded in time: serialport's close() on a dead port
// may never call back, and nothing here may wait forever. close() during an open abandons the open at
// once (a stopping gateway does not wait out the connect timeout).
import { Socket } from 'node:net';
import { SerialPort } from 'serialport';
import type { LineSettings } from './timing.js';

export interface Link {
  readonly name: string;
  readonly isOpen: boolean;
  open(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
  write(frame: Buffer): Promise<void>;
  /** Discard what the OS has buffered but not yet delivered. */
  flushInput(): Promise<void>;
  setHandlers(h: { data: (chunk: Buffer) => void; closed: (reason: string) => void }): void;
}

export class LinkError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LinkError';
  }
}

const CLOSE_WAIT_MS = 1000;

function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LinkError(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** An open that close() can abandon: it rejects at once, and `undo` releases what was half opened. */
class PendingOpen {
  private abandon: ((err: Error) => void) | undefined;

  run<T>(p: Promise<T>, timeoutMs: number, what: string, undo: () => void): Promise<T> {
    const abandoned = new Promise<never>((_, reject) => {
      this.abandon = (err) => {
        undo();
        reject(err);
      };
    });
    return bounded(Promise.race([p, abandoned]), timeoutMs, what).finally(() => {
      this.abandon = undefined;
    });
  }

  /** Abandons the open in progress, if any. */
  cancel(what: string): void {
    this.abandon?.(new LinkError(`${what}: closed while opening`));
  }
}

type Handlers = { data: (chunk: Buffer) => void; closed: (reason: string) => void };
const noHandlers: Handlers = { data: () => {}, closed: () => {} };

export class SerialLink implements Link {
  readonly name: string;
  private port: SerialPort | undefined;
  private handlers: Handlers = noHandlers;
  private readonly opening = new PendingOpen();

  constructor(
    private readonly path: string,
    private readonly line: LineSettings,
  ) {
    this.name = `serial:${path}`;
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  setHandlers(h: Handlers): void {
    this.handlers = h;
  }

  async open(timeoutMs: number): Promise<void> {
    const port = new SerialPort({
      path: this.path,
      baudRate: this.line.baudRate,
      dataBits: 8,
      parity: this.line.parity,
      stopBits: this.line.stopBits,
      autoOpen: false,
      lock: true,
    });
    port.on('data', (chunk: Buffer) => this.handlers.data(chunk));
    port.on('close', (err?: Error) => this.handlers.closed(err ? err.message : 'port closed'));
    port.on('error', (err: Error) => this.handlers.closed(err.message));
    let given = false; // up: an open that completes after we stopped waiting is closed again
    const release = () => {
      given = true;
      port.removeAllListeners('data');
      if (port.isOpen) port.close(() => undefined);
    };
    const opened = new Promise<void>((resolve, reject) =>
      port.open((err) => {
        // serialport says "Error: No such file or directory, cannot open /dev/ttyX": the OS error, kept whole.
        if (err) return reject(new LinkError(err.message.replace(/^Error: /, ''), { cause: err }));
        if (given) port.close(() => undefined);
        resolve();
      }),
    );
    try {
      await this.opening.run(opened, timeoutMs, `open ${this.path}`, release);
    } catch (err) {
      release();
      throw err;
    }
    this.port = port;
  }

  async close(): Promise<void> {
    this.opening.cancel(this.path);
    const port = this.port;
    this.port = undefined;
    if (!port) return;
    port.removeAllListeners('data');
    if (!port.isOpen) return;
    await bounded(new Promise<void>((resolve) => port.close(() => resolve())), CLOSE_WAIT_MS, `close ${this.path}`).catch(() =>
      port.destroy(),
    );
  }

  write(frame: Buffer): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return Promise.reject(new LinkError(`${this.path} is not open`));
    return new Promise((resolve, reject) => {
      port.write(frame, (err) => (err ? reject(new LinkError(err.message, { cause: err })) : resolve()));
    });
  }

  flushInput(): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return Promise.resolve();
    return bounded(new Promise<void>((resolve) => port.flush(() => resolve())), CLOSE_WAIT_MS, `flush ${this.path}`).catch(() => undefined);
  }
}

export class TcpLink implements Link {
  readonly name: string;
  private socket: Socket | undefined;
  private handlers: Handlers = noHandlers;
  private readonly opening = new PendingOpen();

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.name = `tcp:${host}:${port}`;
  }

  get isOpen(): boolean {
    return this.socket !== undefined && !this.socket.destroyed && this.socket.readyState === 'open';
  }

  setHandlers(h: Handlers): void {
    this.handlers = h;
  }

  async open(timeoutMs: number): Promise<void> {
    const socket = new Socket();
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    const connected = new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', (err) => reject(new LinkError(err.message, { cause: err })));
    });
    socket.connect({ host: this.host, port: this.port });
    try {
      await this.opening.run(connected, timeoutMs, `connect ${this.host}:${this.port}`, () => socket.destroy());
    } catch (err) {
      socket.destroy();
      throw err;
    }
    socket.on('data', (chunk) => this.handlers.data(chunk));
    socket.on('error', () => {}); // 'close' follows and reports
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      this.handlers.closed('connection closed');
    });
    this.socket = socket;
  }

  async close(): Promise<void> {
    this.opening.cancel(this.name);
    const s = this.socket;
    this.socket = undefined;
    if (!s) return;
    s.removeAllListeners('data');
    s.destroy();
  }

  write(frame: Buffer): Promise<void> {
    const s = this.socket;
    if (!s || s.destroyed) return Promise.reject(new LinkError(`${this.name} is not connected`));
    return new Promise((resolve, reject) =>
      s.write(frame, (err) => (err ? reject(new LinkError(err.message, { cause: err })) : resolve())),
    );
  }

  flushInput(): Promise<void> {
    return Promise.resolve();
  }
}
