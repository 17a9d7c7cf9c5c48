// Synthetic counter series with a known truth: piecewise-constant power, readings on a fixed step, and
// optionally device swaps or resets, a counter that wraps, and outages with no readings. The epoch events
// are made as the gateway makes them (docs/checks.md). Scenario tests use it; the expected figures in the
// tests are computed by hand from the same power steps, not from this code.
import type { CounterReading, EpochEvent, PowerReading } from '../../central/energy/types.js';

export interface SyntheticRestart {
  /** The old epoch's last reading is at atMs; the new epoch's first reading gapMs later reads startKwh. */
  atMs: number;
  gapMs: number;
  reason: 'reset' | 'swap';
  startKwh: number;
  serial?: string;
}

export interface SyntheticSpec {
  fromMs: number;
  toMs: number;
  stepMs: number;
  startKwh: number;
  /** Power from each instant on (W); before the first entry, none. */
  power: readonly { fromMs: number; powerW: number }[];
  restarts?: readonly SyntheticRestart[];
  /** The counter wraps to 0 at this value (a 32-bit Wh register: 4294967.296). */
  wrapKwh?: number;
  /** Spans with no readings at all (gateway or device down); ends exclusive. */
  outages?: readonly { fromMs: number; toMs: number }[];
  serial?: string;
}

export interface SyntheticSeries {
  counters: CounterReading[];
  power: PowerReading[];
  events: EpochEvent[];
}

/** Energy drawn in [0, tMs) by the power steps, in kWh. */
export function energyUntil(power: SyntheticSpec['power'], tMs: number): number {
  let kWh = 0;
  for (let i = 0; i < power.length; i++) {
    const s = power[i]!;
    const end = Math.min(tMs, power[i + 1]?.fromMs ?? Infinity);
    if (end > s.fromMs) kWh += (s.powerW / 1000) * ((end - s.fromMs) / 3_600_000);
  }
  return kWh;
}

function powerAt(power: SyntheticSpec['power'], tMs: number): number {
  let w = 0;
  for (const s of power) if (s.fromMs <= tMs) w = s.powerW;
  return w;
}

export function synthesize(spec: SyntheticSpec): SyntheticSeries {
  const restarts = [...(spec.restarts ?? [])].sort((a, b) => a.atMs - b.atMs);
  const down = (t: number): boolean =>
    (spec.outages ?? []).some((o) => t >= o.fromMs && t < o.toMs) || restarts.some((r) => t > r.atMs && t < r.atMs + r.gapMs);
  const instants = new Set<number>();
  for (let t = spec.fromMs; t <= spec.toMs; t += spec.stepMs) instants.add(t);
  for (const r of restarts) {
    instants.add(r.atMs);
    instants.add(r.atMs + r.gapMs);
  }
  const times = [...instants].filter((t) => !down(t) && t >= spec.fromMs && t <= spec.toMs).sort((a, b) => a - b);

  const out: SyntheticSeries = { counters: [], power: [], events: [] };
  let epochBaseKwh = spec.startKwh - energyUntil(spec.power, spec.fromMs); // counter = base + energy drawn
  let serial = spec.serial;
  let prev: { ts: number; value: number; raw: number } | undefined;
  let next = 0; // next restart
  for (const ts of times) {
    const restart = restarts[next];
    if (restart && ts === restart.atMs + restart.gapMs) {
      next++;
      const drawn = energyUntil(spec.power, ts);
      const betweenKwh = drawn - energyUntil(spec.power, restart.atMs);
      epochBaseKwh = restart.startKwh - drawn;
      const oldSerial = serial;
      if (restart.serial !== undefined) serial = restart.serial;
      out.events.push({
        reason: restart.reason,
        betweenKwh,
        estimated: true,
        old: { ts: prev!.ts, value: prev!.value, ...(oldSerial !== undefined ? { serial: oldSerial } : {}) },
        new: { ts, value: restart.startKwh, ...(serial !== undefined ? { serial } : {}) },
      });
      prev = undefined;
    }
    const raw = epochBaseKwh + energyUntil(spec.power, ts);
    const value = spec.wrapKwh === undefined ? raw : raw % spec.wrapKwh;
    if (prev && spec.wrapKwh !== undefined && Math.floor(raw / spec.wrapKwh) > Math.floor(prev.raw / spec.wrapKwh)) {
      out.events.push({
        reason: 'rollover',
        betweenKwh: raw - prev.raw,
        estimated: false,
        old: { ts: prev.ts, value: prev.value },
        new: { ts, value },
      });
    }
    out.counters.push({ ts, valueKwh: value, ...(serial !== undefined ? { serial } : {}) });
    out.power.push({ ts, powerW: powerAt(spec.power, ts) });
    prev = { ts, value, raw };
  }
  return out;
}
