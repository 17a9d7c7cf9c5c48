// One scheduler per physical bus (an RS-485 line, a serial device server, a Modbus TCP endpoint):
// one transaction in flight, the inter-frame silence kept, a timeout on every request, input flushed
// after a fault, stale TCP transaction ids discarded and a desynchronised connection reopened.
// Closing ends at once what is on the wire, a connect in progress and every read still queued: a stop
// never waits out a dead meter's timeouts or a connect to a host that is gone.
import type { Logger } from 'pino';
import type { Clock } from '../../../common/clock.js';
import { Counters } from '../../status/counters.js';
import { encodeMbap, encodeRtu, parseMbapFrame, parseReadResponsePdu, parseRtuResponse, readPdu, type ReadRequest } from './frames.js';
import { LinkError, type Link } from './links.js';
import { counterFor, type CounterName, type Outcome } from './outcome.js';
import { frameWireMs, interFrameSilenceMs, readFrameBytes, type LineSettings } from './timing.js';
import { doublingDelayMs } from '../../../common/backoff.js';

export interface BusOptions {
  name: string;
  framing: 'rtu' | 'mbap';
  /** Serial line settings; for RTU over TCP they are the device server's line, if known. */
  line?: LineSettings;
  /** Extra quiet time after each response before the next request (slow slaves, RS-485 bias settling). */
  turnaroundDelayMs: number;
  /** A partial or bad RTU answer is judged complete after this much silence. */
  frameGapMs: number;
  connectTimeoutMs: number;
  /** Consecutive stale TCP frames that mean the transaction ids have desynchronised. */
  maxStaleFrames: number;
}

export interface BusDeps {
  options: BusOptions;
  link: Link;
  clock: Clock;
  log: Logger;
}

const MAX_RECONNECT_DELAY_MS = 30_000;
const CLOSED = 'bus closed';

export class ModbusBus {
  readonly name: string;
  readonly counters = new Counters<CounterName>();
  private readonly opt: BusOptions;
  private readonly link: Link;
  private readonly clock: Clock;
  private readonly log: Logger;
  private chain: Promise<unknown> = Promise.resolve();
  private rx: Buffer = Buffer.alloc(0);
  private onRx: (() => void) | undefined;
  private onClosed: ((reason: string) => void) | undefined;
  private lastActivityMs = Number.NEGATIVE_INFINITY;
  private nextTid = 1;
  private staleStreak = 0;
  /** Faults that mean the TCP stream is out of step, told apart by identity rather than by their reason text. */
  private readonly desyncs = new WeakSet<Outcome>();
  private openFailures = 0;
  private nextOpenAtMs = 0;
  private wasOpened = false;
  private queued = 0;
  private closed = false;

  constructor(deps: BusDeps) {
    this.opt = deps.options;
    this.name = deps.options.name;
    this.link = deps.link;
    this.clock = deps.clock;
    this.log = deps.log;
    this.link.setHandlers({
      data: (chunk) => this.received(chunk),
      closed: (reason) => this.onClosed?.(reason),
    });
  }

  get queueDepth(): number {
    return this.queued;
  }

  /** Queue a read; resolves when the bus has carried it out, never rejects. */
  read(req: ReadRequest, timeoutMs: number): Promise<Outcome> {
    this.queued++;
    const run = this.chain
      .then(() => this.transact(req, timeoutMs))
      .catch((err: unknown): Outcome => {
        this.log.error({ err, bus: this.name }, 'transaction failed unexpectedly');
        return { kind: 'link', reason: String(err) };
      })
      .finally(() => this.queued--);
    this.chain = run;
    return run;
  }

  /** Physical time one read occupies the line: frames on the wire plus the slave's turnaround. */
  wireTimeMs(count: number): number {
    if (!this.opt.line) return 0;
    const f = readFrameBytes(count);
    return frameWireMs(f.request + f.response, this.opt.line);
  }

  /** Opens the link now (a scan's first step); throws a LinkError naming the link and why it cannot be opened. */
  async open(): Promise<void> {
    if (this.link.isOpen) return;
    try {
      await this.link.open(this.opt.connectTimeoutMs);
    } catch (err) {
      const why = (err instanceof Error ? err.message : String(err)).replace(/^Error: /, '');
      throw new LinkError(`${this.link.name} cannot be opened: ${why}`, { cause: err });
    }
    this.wasOpened = true;
    this.lastActivityMs = this.clock.monotonicMs();
  }

  /** Ends the bus for good: the read in flight and those queued come back as link faults at once. */
  async close(): Promise<void> {
    this.closed = true;
    this.onClosed?.(CLOSED);
    await this.link.close(); // also abandons an open in progress
    await this.chain;
    await this.link.close();
  }

  private async transact(req: ReadRequest, timeoutMs: number): Promise<Outcome> {
    if (this.closed) return { kind: 'link', reason: CLOSED };
    if (!this.link.isOpen) {
      const down = await this.ensureOpen();
      if (down) return this.closed ? down : this.count(down);
    }
    await this.waitForSilence();
    if (this.closed) return { kind: 'link', reason: CLOSED };
    this.rx = Buffer.alloc(0);
    const pdu = readPdu(req.fn, req.address, req.count);
    const tid = this.nextTid;
    this.nextTid = (this.nextTid % 0xffff) + 1;
    const frame = this.opt.framing === 'rtu' ? encodeRtu(req.unit, pdu) : encodeMbap(tid, req.unit, pdu);
    this.counters.inc('requests');
    const started = this.clock.monotonicMs();
    const outcome = await this.exchange(frame, req, tid, timeoutMs + this.wireTimeMs(req.count));
    const latencyMs = this.clock.monotonicMs() - started;
    this.lastActivityMs = this.clock.monotonicMs();
    if (outcome.kind === 'data' || outcome.kind === 'exception') {
      this.counters.observeLatency(latencyMs);
      return this.count({ ...outcome, latencyMs });
    }
    if (this.closed) return outcome; // not the meter's fault: the gateway is stopping
    await this.recover(outcome);
    return this.count(outcome);
  }

  private exchange(frame: Buffer, req: ReadRequest, tid: number, budgetMs: number): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      let idle: NodeJS.Timeout | undefined;
      let bad: Outcome | undefined;
      const finish = (o: Outcome) => {
        clearTimeout(timer);
        clearTimeout(idle);
        this.onRx = undefined;
        this.onClosed = undefined;
        resolve(o);
      };
      const timer = setTimeout(() => finish(bad ?? { kind: 'timeout' }), budgetMs);
      // RTU: a frame that cannot be ours, or fails its CRC, ends once the line has gone quiet.
      const afterSilence = (o: Outcome) => {
        clearTimeout(idle);
        idle = setTimeout(() => finish(o), this.opt.frameGapMs);
      };
      const settle = (o: Outcome) => {
        bad = o;
        afterSilence(o);
      };
      this.onClosed = (reason) => finish({ kind: 'link', reason });
      this.onRx =
        this.opt.framing === 'rtu'
          ? () => {
              if (bad) return settle(bad);
              const p = parseRtuResponse(this.rx, req);
              if (p.kind === 'incomplete') return afterSilence({ kind: 'garbage', reason: `truncated frame (${this.rx.length} bytes)` });
              if (p.kind === 'data') return finish({ kind: 'data', words: p.words, latencyMs: 0 });
              if (p.kind === 'exception') return finish({ kind: 'exception', code: p.code, latencyMs: 0 });
              return settle(p.kind === 'crc' ? { kind: 'crc' } : { kind: 'garbage', reason: p.reason });
            }
          : () => {
              for (;;) {
                const p = parseMbapFrame(this.rx);
                if (p.kind === 'incomplete') return;
                if (p.kind === 'desync') return finish(this.desync(`stream lost its framing: ${p.reason}`));
                this.rx = this.rx.subarray(p.length);
                if (p.tid !== tid) {
                  this.counters.inc('stale_frames');
                  if (++this.staleStreak >= this.opt.maxStaleFrames)
                    return finish(this.desync(`transaction ids desynchronised (got ${p.tid}, expected ${tid})`));
                  continue;
                }
                this.staleStreak = 0;
                if (p.unit !== req.unit)
                  return finish({ kind: 'garbage', reason: `answer for unit ${p.unit} to a request for unit ${req.unit}` });
                const o = parseReadResponsePdu(p.pdu, req.fn, req.count);
                return finish(o.kind === 'garbage' ? o : { ...o, latencyMs: 0 });
              }
            };
      this.link.write(frame).catch((err: unknown) => finish({ kind: 'link', reason: String(err) }));
    });
  }

  private received(chunk: Buffer): void {
    this.lastActivityMs = this.clock.monotonicMs();
    if (!this.onRx) {
      // Bytes outside a transaction: a late answer or line noise. Dropped, but they keep the line busy.
      this.counters.inc('unexpected_bytes', chunk.length);
      return;
    }
    this.rx = this.rx.length === 0 ? chunk : Buffer.concat([this.rx, chunk]);
    this.onRx();
  }

  /** After a fault, nothing of it may leak into the next answer. */
  private async recover(o: Outcome): Promise<void> {
    this.rx = Buffer.alloc(0);
    if (this.opt.framing === 'rtu') {
      await this.link.flushInput();
      return;
    }
    if (o.kind === 'garbage' && this.desyncs.has(o)) {
      this.counters.inc('desyncs');
      this.staleStreak = 0;
      this.log.warn({ bus: this.name, reason: o.reason }, 'TCP stream out of step; reconnecting');
      await this.link.close();
    }
  }

  private desync(reason: string): Outcome {
    const o: Outcome = { kind: 'garbage', reason };
    this.desyncs.add(o);
    return o;
  }

  private async waitForSilence(): Promise<void> {
    const silenceMs = (this.opt.line && this.opt.framing === 'rtu' ? interFrameSilenceMs(this.opt.line) : 0) + this.opt.turnaroundDelayMs;
    for (;;) {
      const waitMs = this.lastActivityMs + silenceMs - this.clock.monotonicMs();
      if (waitMs <= 0) return;
      await this.clock.sleep(waitMs);
    }
  }

  /** Opens the link unless a recent failure says to wait; returns the fault if it stays down. */
  private async ensureOpen(): Promise<Outcome | undefined> {
    if (this.clock.monotonicMs() < this.nextOpenAtMs) return { kind: 'link', reason: `${this.link.name} down; next attempt pending` };
    try {
      await this.link.close();
      await this.link.open(this.opt.connectTimeoutMs);
      if (this.wasOpened) this.counters.inc('reconnects');
      this.wasOpened = true;
      this.openFailures = 0;
      this.lastActivityMs = this.clock.monotonicMs();
      this.log.info({ bus: this.name, link: this.link.name }, 'link open');
      return undefined;
    } catch (err) {
      if (this.closed) return { kind: 'link', reason: CLOSED };
      this.openFailures++;
      const delayMs = doublingDelayMs(500, this.openFailures, MAX_RECONNECT_DELAY_MS);
      this.nextOpenAtMs = this.clock.monotonicMs() + delayMs;
      this.log.warn({ bus: this.name, link: this.link.name, err, retryInMs: delayMs }, 'link open failed');
      return { kind: 'link', reason: String(err) };
    }
  }

  private count(o: Outcome): Outcome {
    this.counters.inc(counterFor(o.kind));
    return o;
  }
}
