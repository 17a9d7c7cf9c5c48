// One meter on a bus: its read plan, retries, backoff and decoding into readings.
// A failing meter costs the bus at most its own timeout budget per poll, then backs off.
// When polling stops, a poll returns what it has read so far: no further reads, retries or backoff.
import type { Logger } from 'pino';
import type { Reading } from '../../../protocol/reading.js';
import { isCounter } from '../../../protocol/measurements.js';
import type { Clock } from '../../../common/clock.js';
import type { ResolvedField, ResolvedProfile, ValueLocation } from '../../profiles/resolve.js';
import { Counters } from '../../status/counters.js';
import type { ModbusBus } from './bus.js';
import { decodeNumeric, decodeRaw } from './decode.js';
import { FC_READ_HOLDING, FC_READ_INPUT } from './frames.js';
import { counterFor, type CounterName, type Outcome } from './outcome.js';
import { planReads, sliceWords, splitRead, type PlannedRead } from './plan.js';
import { Backoff } from '../../../common/backoff.js';
import type { PollResult } from '../../polling/result.js';
import type { PollKind } from '../../polling/schedule.js';

export type { PollKind, PollResult };

export interface ModbusDeviceOptions {
  id: string;
  unit: number;
  timeoutMs: number;
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export interface ModbusDeviceDeps {
  options: ModbusDeviceOptions;
  profile: ResolvedProfile;
  bus: ModbusBus;
  clock: Clock;
  log: Logger;
}

const ILLEGAL_ADDRESS = 2;

export function fnCode(loc: Pick<ValueLocation, 'fn'>): number {
  return loc.fn === 'input' ? FC_READ_INPUT : FC_READ_HOLDING;
}

export class ModbusDevice {
  readonly id: string;
  readonly profile: ResolvedProfile;
  readonly counters = new Counters<CounterName>();
  readonly unreadable = new Set<string>();
  private readonly opt: ModbusDeviceOptions;
  private readonly bus: ModbusBus;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly plans: Record<PollKind, PlannedRead<ResolvedField>[]>;
  private readonly backoff: Backoff;
  lastFault: Outcome | undefined;

  constructor(deps: ModbusDeviceDeps) {
    this.opt = deps.options;
    this.id = deps.options.id;
    this.profile = deps.profile;
    this.bus = deps.bus;
    this.clock = deps.clock;
    this.log = deps.log;
    this.backoff = new Backoff(deps.options.backoffBaseMs, deps.options.backoffMaxMs);
    const limits = { maxRegisters: this.profile.maxRegistersPerRequest, maxGap: this.profile.maxGapRegisters };
    this.plans = {
      full: planReads(this.profile.fields, limits),
      energy: planReads(
        this.profile.fields.filter((f) => isCounter(f.measurement)),
        limits,
      ),
    };
  }

  get failing(): boolean {
    return this.backoff.consecutiveFailures > 0;
  }

  /** Reads of the current plan, for planning figures and the status page. */
  plan(kind: PollKind): readonly PlannedRead<ResolvedField>[] {
    return this.plans[kind];
  }

  async poll(kind: PollKind, signal?: AbortSignal): Promise<PollResult> {
    const started = this.clock.monotonicMs();
    if (!this.backoff.ready(started)) {
      this.counters.inc('skipped_backoff');
      return { device: this.id, kind, readings: [], skipped: 'backoff', durationMs: 0 };
    }
    const queue = [...this.plans[kind]];
    const kept: PlannedRead<ResolvedField>[] = [];
    const readings: Reading[] = [];
    let fault: Outcome | undefined;
    while (queue.length > 0) {
      if (signal?.aborted) {
        kept.push(...queue);
        break;
      }
      const read = queue.shift()!;
      const ts = this.clock.now();
      const o = await this.readWithRetries(read, signal);
      if (o.kind === 'data') {
        kept.push(read);
        readings.push(...this.decode(read, o.words, ts));
      } else if (o.kind === 'exception' && o.code === ILLEGAL_ADDRESS) {
        const parts = splitRead(read);
        if (parts) {
          this.counters.inc('splits');
          this.log.info(
            { device: this.id, address: read.address, count: read.count, parts: parts.length },
            'read refused as illegal address; splitting it',
          );
          queue.unshift(...parts);
        } else {
          const f = read.items[0]!;
          this.unreadable.add(f.key);
          this.log.warn({ device: this.id, field: f.key, address: f.address }, 'device refuses this register; dropped from the plan');
        }
      } else if (o.kind === 'exception') {
        kept.push(read);
      } else {
        fault = o;
        kept.push(read, ...queue);
        break;
      }
    }
    this.plans[kind] = kept;
    if (signal?.aborted) return { device: this.id, kind, readings, durationMs: this.clock.monotonicMs() - started, skipped: 'stopping' };
    this.settle(fault);
    // The serial on every full poll: a meter exchanged between two polls shows as a new identity.
    const serial = kind === 'full' && !fault && this.profile.serial.length > 0 ? await this.readSerial() : undefined;
    return {
      device: this.id,
      kind,
      readings,
      fault,
      durationMs: this.clock.monotonicMs() - started,
      ...(serial !== undefined ? { identities: [{ device: this.id, serial }] } : {}),
    };
  }

  /** The serial number, from the first serial register the meter answers; undefined if it has none. */
  async readSerial(): Promise<string | undefined> {
    for (const loc of this.profile.serial) {
      const o = await this.readWithRetries({ fn: loc.fn, address: loc.address, count: loc.words });
      if (o.kind !== 'data') continue;
      const raw = decodeRaw(o.words, loc);
      const text = String(raw).trim();
      if (text !== '') return text;
    }
    return undefined;
  }

  private async readWithRetries(read: Pick<PlannedRead, 'fn' | 'address' | 'count'>, signal?: AbortSignal): Promise<Outcome> {
    const req = { unit: this.opt.unit, fn: fnCode(read), address: read.address, count: read.count };
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.counters.inc('retries');
      this.counters.inc('requests');
      const o = await this.bus.read(req, this.opt.timeoutMs);
      this.counters.inc(counterFor(o.kind));
      if (o.kind === 'data' || o.kind === 'exception') {
        this.counters.observeLatency(o.latencyMs);
        return o;
      }
      this.lastFault = o;
      if (attempt >= this.opt.retries || o.kind === 'link' || signal?.aborted) return o;
    }
  }

  private settle(fault: Outcome | undefined): void {
    if (!fault) {
      if (this.backoff.consecutiveFailures > 0) this.log.info({ device: this.id }, 'device answers again');
      this.backoff.succeeded();
      return;
    }
    const backoffMs = this.backoff.failed(this.clock.monotonicMs());
    this.log.warn({ device: this.id, fault, failures: this.backoff.consecutiveFailures, backoffMs }, 'poll failed');
  }

  private decode(read: PlannedRead<ResolvedField>, words: readonly number[], ts: number): Reading[] {
    const byChannel = new Map<string, Reading>();
    for (const f of read.items) {
      let r = byChannel.get(f.channel);
      if (!r) {
        r = { device: this.id, channel: f.channel, ts, values: {}, quality: 'good' };
        byChannel.set(f.channel, r);
      }
      const d = decodeNumeric(sliceWords(read, words, f), f);
      if (d.ok) {
        r.values[f.measurement] = d.value;
      } else {
        r.flags = { ...r.flags, [f.measurement]: 'not_available' };
        r.quality = 'partial';
      }
    }
    return [...byChannel.values()];
  }
}
