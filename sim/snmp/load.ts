// A simulated rack PDU's load: outlets draw power, phases and the inlet add them up, energy integrates.
// Deterministic for a seed.
import type { ChannelValues } from '../modbus/physics.js';

export type PduTruth = Record<string, ChannelValues>;

export class PduLoad {
  private energyKwh: number[];
  private lastMs: number;

  constructor(
    private readonly outlets: number,
    private readonly seed: number,
    nowMs: number,
    private readonly speed = 1,
  ) {
    this.lastMs = nowMs;
    this.energyKwh = Array.from({ length: outlets }, (_, i) => 100 + ((seed * 31 + i * 17) % 400) + i * 0.25);
  }

  private outletW(i: number, simS: number): number {
    const base = 60 + ((this.seed * 13 + i * 29) % 240);
    return base * (1 + 0.1 * Math.sin(simS / 900 + i + this.seed));
  }

  resetEnergy(): void {
    this.energyKwh = this.energyKwh.map(() => 0);
  }

  advance(nowMs: number): PduTruth {
    const dtS = Math.max(0, (nowMs - this.lastMs) / 1000) * this.speed;
    const t0 = (this.lastMs / 1000) * this.speed;
    const t1 = (Math.max(nowMs, this.lastMs) / 1000) * this.speed;
    this.energyKwh = this.energyKwh.map((e, i) => e + (((this.outletW(i, t0) + this.outletW(i, t1)) / 2) * dtS) / 3_600_000);
    this.lastMs = Math.max(this.lastMs, nowMs);
    return this.measure(t1);
  }

  private measure(simS: number): PduTruth {
    const truth: PduTruth = {};
    const pf = 0.95;
    const sum = (a: ChannelValues, b: ChannelValues) => {
      for (const k of ['power_w', 'apparent_power_va', 'reactive_power_var', 'current_a', 'energy_import_kwh'] as const)
        a[k] = (a[k] ?? 0) + (b[k] ?? 0);
    };
    const total: ChannelValues = {};
    const phases: ChannelValues[] = [{}, {}, {}];
    for (let i = 0; i < this.outlets; i++) {
      const v = 230 + Math.sin(simS / 300 + (i % 3));
      const p = this.outletW(i, simS);
      const o: ChannelValues = {
        power_w: p,
        apparent_power_va: p / pf,
        reactive_power_var: (p / pf) * Math.sqrt(1 - pf * pf),
        current_a: p / pf / v,
        voltage_v: v,
        power_factor: pf,
        energy_import_kwh: this.energyKwh[i]!,
      };
      truth[`outlet:${i + 1}`] = o;
      sum(phases[i % 3]!, o);
      sum(total, o);
    }
    phases.forEach((ph, j) => {
      ph.voltage_v = 230 + Math.sin(simS / 300 + j);
      ph.power_factor = pf;
      for (const name of [`phase:${j + 1}`, `pole:${j + 1}`, `l${j + 1}`]) truth[name] = ph;
    });
    total.voltage_v = 230;
    total.power_factor = pf;
    total.frequency_hz = 50;
    truth.total = total;
    truth['inlet:1'] = total;
    truth.l1l2 = { voltage_v: 400 };
    truth.l2l3 = { voltage_v: 400 };
    truth.l3l1 = { voltage_v: 400 };
    truth.n = { current_a: 0.4 };
    return truth;
  }
}
