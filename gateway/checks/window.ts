// Collects readings into aligned time windows (e.g. whole minutes) and summarises each channel per
// window: mean power and current from the samples, and the mean power the energy counter implies
// (its growth over the window). The checks judge one closed window at a time. Pure apart from memory.
import type { Reading } from '../../protocol/reading.js';

export interface ChannelStats {
  /** Mean of the power samples in the window. */
  powerW?: number;
  currentA?: number;
  voltageV?: number;
  /** Mean power implied by the energy counter's growth between its first and last reading in the window. */
  energyW?: number;
}

export interface WindowSummary {
  startMs: number;
  endMs: number;
  /** Per `device|channel`. */
  channels: ReadonlyMap<string, ChannelStats>;
}

interface Acc {
  power: [number, number];
  current: [number, number];
  voltage: [number, number];
  first?: { kwh: number; ts: number };
  last?: { kwh: number; ts: number };
  counterDoubted: boolean;
}

export const channelKey = (device: string, channel: string): string => `${device}|${channel}`;

export class WindowAccumulator {
  private readonly open = new Map<number, Map<string, Acc>>();
  /** Readings that arrived after their window was closed. */
  late = 0;
  private closedUpTo = -Infinity;

  constructor(private readonly windowMs: number) {}

  add(r: Reading): void {
    const start = Math.floor(r.ts / this.windowMs) * this.windowMs;
    if (start < this.closedUpTo) {
      this.late++;
      return;
    }
    let w = this.open.get(start);
    if (!w) this.open.set(start, (w = new Map()));
    const key = channelKey(r.device, r.channel);
    let a = w.get(key);
    if (!a) w.set(key, (a = { power: [0, 0], current: [0, 0], voltage: [0, 0], counterDoubted: false }));
    const v = r.values;
    if (v.power_w !== undefined) sample(a.power, v.power_w);
    if (v.current_a !== undefined) sample(a.current, v.current_a);
    if (v.voltage_v !== undefined) sample(a.voltage, v.voltage_v);
    if (v.energy_import_kwh !== undefined) {
      if (r.flags?.energy_import_kwh) a.counterDoubted = true;
      const point = { kwh: v.energy_import_kwh, ts: r.ts };
      if (!a.first || r.ts < a.first.ts) a.first = point;
      if (!a.last || r.ts > a.last.ts) a.last = point;
    }
  }

  /** Closes and returns every window that ended at or before `untilMs`, oldest first. */
  close(untilMs: number): WindowSummary[] {
    const done = [...this.open.keys()].filter((s) => s + this.windowMs <= untilMs).sort((a, b) => a - b);
    return done.map((startMs) => {
      const w = this.open.get(startMs)!;
      this.open.delete(startMs);
      this.closedUpTo = Math.max(this.closedUpTo, startMs + this.windowMs);
      const channels = new Map<string, ChannelStats>();
      for (const [key, a] of w) channels.set(key, summarise(a));
      return { startMs, endMs: startMs + this.windowMs, channels };
    });
  }
}

function sample(acc: [number, number], x: number): void {
  acc[0] += x;
  acc[1]++;
}

function mean(acc: [number, number]): number | undefined {
  return acc[1] > 0 ? acc[0] / acc[1] : undefined;
}

function summarise(a: Acc): ChannelStats {
  const s: ChannelStats = {};
  const p = mean(a.power);
  const c = mean(a.current);
  const u = mean(a.voltage);
  if (p !== undefined) s.powerW = p;
  if (c !== undefined) s.currentA = c;
  if (u !== undefined) s.voltageV = u;
  if (a.first && a.last && a.last.ts > a.first.ts && !a.counterDoubted && a.last.kwh >= a.first.kwh) {
    s.energyW = ((a.last.kwh - a.first.kwh) * 3_600_000_000) / (a.last.ts - a.first.ts);
  }
  return s;
}
