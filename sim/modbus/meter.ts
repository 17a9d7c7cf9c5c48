// One simulated meter: a profile's register map filled from a simulated load, with faults on demand.
// Registers outside the map answer "illegal data address", as real meters do; unused registers inside
// a block the profile allows to be read through answer 0.
import type { ResolvedProfile, ValueLocation } from '../../gateway/profiles/resolve.js';
import type { RegisterFunction } from '../../gateway/profiles/schema.js';
import { encodeValue } from './encode.js';
import { SimLoad, type Truth } from './physics.js';

export const FAULT_MODES = ['none', 'dead', 'slow', 'exception', 'crc', 'garbage', 'lag'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface Fault {
  mode: FaultMode;
  /** slow: extra delay before answering. */
  delayMs?: number;
  /** exception: the exception code to answer with. */
  code?: number;
}

export interface SimMeterOptions {
  unit: number;
  profile: ResolvedProfile;
  seed: number;
  basePowerW?: number;
  speed?: number;
  /** Only mapped registers answer; merged reads across gaps get exception 2. */
  strictAddresses?: boolean;
}

export type ReadAnswer = { words: number[] } | { exception: number };

type Span = { fn: RegisterFunction; from: number; to: number };

export class SimMeter {
  readonly unit: number;
  readonly profile: ResolvedProfile;
  fault: Fault = { mode: 'none' };
  serial: string;
  swaps = 0;
  private load: SimLoad;
  private readonly opt: SimMeterOptions;
  private readonly readable: Span[];

  constructor(opt: SimMeterOptions, nowMs: number) {
    this.opt = opt;
    this.unit = opt.unit;
    this.profile = opt.profile;
    this.serial = serialFor(opt.seed, 0);
    this.load = this.newLoad(nowMs);
    this.readable = readableSpans(opt.profile, opt.strictAddresses ? 0 : opt.profile.maxGapRegisters);
  }

  truth(nowMs: number): Truth {
    return this.load.advance(nowMs);
  }

  resetCounter(nowMs: number): void {
    this.load.advance(nowMs);
    this.load.resetEnergy();
  }

  /** The meter is exchanged for another of the same model: new serial, new counter. */
  swap(nowMs: number): void {
    this.swaps++;
    this.serial = serialFor(this.opt.seed, this.swaps);
    this.load = this.newLoad(nowMs, 10 + this.swaps * 3.25);
  }

  read(fn: RegisterFunction, address: number, count: number, nowMs: number): ReadAnswer {
    const end = address + count - 1;
    if (!this.readable.some((s) => s.fn === fn && s.from <= address && end <= s.to)) return { exception: 2 };
    const image = this.image(fn, this.truth(nowMs));
    const words: number[] = [];
    for (let a = address; a <= end; a++) words.push(image.get(a) ?? 0);
    return { words };
  }

  private newLoad(nowMs: number, initialEnergyKwh?: number): SimLoad {
    return new SimLoad(
      { basePowerW: this.opt.basePowerW ?? 1500, speed: this.opt.speed ?? 1, seed: this.opt.seed },
      nowMs,
      initialEnergyKwh,
    );
  }

  private image(fn: RegisterFunction, truth: Truth): Map<number, number> {
    const m = new Map<number, number>();
    const put = (loc: ValueLocation, words: number[]) => words.forEach((w, i) => m.set(loc.address + i, w));
    for (const f of this.profile.fields) {
      if (f.fn !== fn) continue;
      put(f, encodeValue(truth[f.channel]?.[f.measurement] ?? 0, f));
    }
    for (const s of this.profile.serial) if (s.fn === fn) put(s, encodeValue(s.type === 'string' ? this.serial : Number(this.serial), s));
    for (const p of this.profile.identify) {
      if (p.fn !== fn || m.has(p.address)) continue;
      const v = p.equals ?? p.oneOf?.[0] ?? (p.range ? (p.range[0] + p.range[1]) / 2 : 1);
      put(p, encodeValue(v, p));
    }
    return m;
  }
}

/** A serial number that fits every serial register type (8 digits, below 2^31). */
function serialFor(seed: number, swaps: number): string {
  return String(10_000_000 + ((seed * 7919 + swaps * 104_729) % 89_999_999));
}

/** Register ranges that answer: every mapped register, joined across gaps no wider than `maxGap`. */
export function readableSpans(p: ResolvedProfile, maxGap: number): Span[] {
  const spans: Span[] = [...p.fields, ...p.serial, ...p.identify]
    .map((l) => ({ fn: l.fn, from: l.address, to: l.address + l.words - 1 }))
    .sort((a, b) => (a.fn === b.fn ? a.from - b.from : a.fn < b.fn ? -1 : 1));
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && last.fn === s.fn && s.from - last.to - 1 <= maxGap) last.to = Math.max(last.to, s.to);
    else out.push({ ...s });
  }
  return out;
}
