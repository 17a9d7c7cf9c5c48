// A simulated three-phase load: what a meter would measure, with energy that integrates the power drawn.
// Deterministic for a seed, so tests can compare decoded values with the truth.
import type { Measurement } from '../../protocol/measurements.js';

export type ChannelValues = Partial<Record<Measurement, number>>;
export type Truth = Record<string, ChannelValues>;

export interface LoadOptions {
  /** Mean active power per phase in watts. */
  basePowerW: number;
  /** Simulated seconds per real second (the demo runs months in minutes). */
  speed: number;
  seed: number;
}

const PHASES = ['l1', 'l2', 'l3'] as const;

export class SimLoad {
  private energyKwh: Record<(typeof PHASES)[number], number>;
  private lastMs: number;
  private readonly opt: LoadOptions;

  constructor(opt: LoadOptions, nowMs: number, initialEnergyKwh = 1000 + opt.seed * 137.5) {
    this.opt = opt;
    this.lastMs = nowMs;
    this.energyKwh = { l1: initialEnergyKwh / 3, l2: initialEnergyKwh / 3, l3: initialEnergyKwh / 3 };
  }

  /** Power of one phase at simulated time t: a slow daily-ish swing and a faster wobble, never negative. */
  private powerW(phaseIdx: number, simSeconds: number): number {
    const { basePowerW, seed } = this.opt;
    const slow = Math.sin(simSeconds / 3600 + seed + phaseIdx);
    const fast = Math.sin(simSeconds / 7 + seed * 3 + phaseIdx * 2);
    return Math.max(0, basePowerW * (1 + 0.2 * phaseIdx - 0.2) * (1 + 0.15 * slow + 0.03 * fast));
  }

  /** Integrates energy up to `nowMs` (trapezoid rule on simulated time) and returns the measurements. */
  advance(nowMs: number): Truth {
    const dtRealS = Math.max(0, (nowMs - this.lastMs) / 1000);
    const t0 = (this.lastMs / 1000) * this.opt.speed;
    const t1 = (nowMs / 1000) * this.opt.speed;
    PHASES.forEach((ph, i) => {
      const meanW = (this.powerW(i, t0) + this.powerW(i, t1)) / 2;
      this.energyKwh[ph] += (meanW * dtRealS * this.opt.speed) / 3_600_000;
    });
    // A clock that steps back adds nothing, and must not rewind: the interval would be integrated twice.
    this.lastMs = Math.max(this.lastMs, nowMs);
    return this.measure(t1);
  }

  resetEnergy(): void {
    this.energyKwh = { l1: 0, l2: 0, l3: 0 };
  }

  private measure(simSeconds: number): Truth {
    const truth: Truth = {};
    const total: ChannelValues = {
      power_w: 0,
      reactive_power_var: 0,
      apparent_power_va: 0,
      current_a: 0,
      energy_import_kwh: 0,
      energy_export_kwh: 0,
    };
    PHASES.forEach((ph, i) => {
      const v = 230 + 2 * Math.sin(simSeconds / 600 + i);
      const pf = 0.95 - 0.02 * i;
      const p = this.powerW(i, simSeconds);
      const s = p / pf;
      const q = Math.sqrt(Math.max(0, s * s - p * p));
      const current = s / v;
      truth[ph] = {
        voltage_v: v,
        current_a: current,
        power_w: p,
        apparent_power_va: s,
        reactive_power_var: q,
        power_factor: pf,
        energy_import_kwh: this.energyKwh[ph],
        energy_export_kwh: 0,
      };
      total.power_w! += p;
      total.reactive_power_var! += q;
      total.apparent_power_va! += s;
      total.current_a! += current;
      total.energy_import_kwh! += this.energyKwh[ph];
    });
    total.power_factor = total.power_w! / total.apparent_power_va!;
    total.frequency_hz = 50 + 0.02 * Math.sin(simSeconds / 30);
    total.voltage_v = (truth.l1!.voltage_v! + truth.l2!.voltage_v! + truth.l3!.voltage_v!) / 3;
    truth.total = total;
    truth.n = { current_a: Math.abs(truth.l1!.current_a! - truth.l2!.current_a!) * 0.3 };
    truth.l1l2 = { voltage_v: 400 };
    truth.l2l3 = { voltage_v: 400.5 };
    truth.l3l1 = { voltage_v: 399.5 };
    return truth;
  }
}
