// Counter epochs: each energy counter is judged against its last value and its device's identity.
// A counter that only ever grows is one epoch; a rollover, a reset or a device swap closes the epoch and
// opens the next, with what the central node needs to stitch energy across the boundary. Pure.
import type { GatewayEvent } from '../../protocol/wire.js';

export interface CounterSpecKwh {
  /** Raw value at which an integer counter wraps, in kWh; undefined for floats. */
  rolloverKwh?: number;
  resolutionKwh: number;
}

/** What the gateway remembers per counter, across restarts (gateway state). */
export interface CounterMemory {
  value: number;
  ts: number;
  serial?: string;
  resetMarker?: string;
  uptimeS?: number;
  powerW?: number;
  /** Consecutive readings with power drawn and the counter standing still. */
  frozenFor: number;
  /** A reading below the last value, held until the next one tells a glitch from an unannounced reset. */
  low?: { value: number; ts: number };
}

export interface CounterObservation {
  device: string;
  channel: string;
  measurement: string;
  value: number;
  ts: number;
  spec: CounterSpecKwh;
  serial?: string;
  /** The vendor's energy-reset time or timer (APC start time, Eaton Wh timer). */
  resetMarker?: string;
  uptimeS?: number;
  /** Power on the same channel at the same time, if read. */
  powerW?: number;
  /** The circuit's rating: more energy than this allows in the interval is implausible. */
  maxPowerW?: number;
}

export type Verdict =
  | { kind: 'first' }
  | { kind: 'normal'; deltaKwh: number }
  | { kind: 'rollover' | 'reset' | 'swap'; event: Extract<GatewayEvent, { type: 'counter_epoch' }> }
  | { kind: 'negative' | 'jump' | 'frozen'; deltaKwh: number };

/** A counter standing still while this much power is drawn for this long is frozen. */
const FROZEN_READINGS = 3;

export function judgeCounter(prev: CounterMemory | undefined, o: CounterObservation): { verdict: Verdict; next: CounterMemory } {
  const next: CounterMemory = {
    value: o.value,
    ts: o.ts,
    frozenFor: 0,
    ...(o.serial !== undefined ? { serial: o.serial } : prev?.serial !== undefined ? { serial: prev.serial } : {}),
    ...(o.resetMarker !== undefined ? { resetMarker: o.resetMarker } : {}),
    ...(o.uptimeS !== undefined ? { uptimeS: o.uptimeS } : {}),
    ...(o.powerW !== undefined ? { powerW: o.powerW } : prev?.powerW !== undefined ? { powerW: prev.powerW } : {}),
  };
  if (!prev) return { verdict: { kind: 'first' }, next };
  const dtH = Math.max(0, o.ts - prev.ts) / 3_600_000;
  const meanW = o.powerW !== undefined && prev.powerW !== undefined ? (o.powerW + prev.powerW) / 2 : (o.powerW ?? prev.powerW);
  const estimateKwh = meanW !== undefined ? (meanW * dtH) / 1000 : 0;
  const epoch = (reason: 'rollover' | 'reset' | 'swap', betweenKwh: number, estimated: boolean): Verdict => ({
    kind: reason,
    event: {
      type: 'counter_epoch',
      ts: o.ts,
      reason,
      device: o.device,
      channel: o.channel,
      measurement: o.measurement,
      old: { value: prev.value, ts: prev.ts, ...(prev.serial !== undefined ? { serial: prev.serial } : {}) },
      new: { value: o.value, ts: o.ts, ...(next.serial !== undefined ? { serial: next.serial } : {}) },
      betweenKwh: round(betweenKwh),
      estimated,
    },
  });
  const restarted = o.uptimeS !== undefined && prev.uptimeS !== undefined && o.uptimeS < prev.uptimeS;
  const delta = o.value - prev.value;

  // The reading after a low one: still below the old value and growing from the low one, so the counter
  // really started over. The new epoch begins at the low reading.
  if (prev.low && o.value < prev.value && o.value >= prev.low.value) {
    const low = prev.low;
    return {
      verdict: {
        kind: 'reset',
        event: {
          type: 'counter_epoch',
          ts: low.ts,
          reason: 'reset',
          device: o.device,
          channel: o.channel,
          measurement: o.measurement,
          old: { value: prev.value, ts: prev.ts, ...(prev.serial !== undefined ? { serial: prev.serial } : {}) },
          new: { value: low.value, ts: low.ts, ...(next.serial !== undefined ? { serial: next.serial } : {}) },
          betweenKwh: round(prev.powerW !== undefined ? (prev.powerW * Math.max(0, low.ts - prev.ts)) / 3_600_000_000 : 0),
          estimated: true,
        },
      },
      next,
    };
  }

  // A different device on this channel: a PDU or meter exchanged.
  if (o.serial !== undefined && prev.serial !== undefined && o.serial !== prev.serial)
    return { verdict: epoch('swap', estimateKwh, true), next };
  // The vendor says the counter was reset.
  if (o.resetMarker !== undefined && prev.resetMarker !== undefined && o.resetMarker !== prev.resetMarker)
    return { verdict: epoch('reset', estimateKwh, true), next };

  if (delta >= 0) {
    const allowedKwh = o.maxPowerW !== undefined ? ((o.maxPowerW * dtH) / 1000) * 1.5 + o.spec.resolutionKwh : Infinity;
    if (delta > allowedKwh) {
      // No serial to tell, but the device restarted and the counter is somewhere else: another device.
      if (o.serial === undefined && restarted) return { verdict: epoch('swap', estimateKwh, true), next };
      return { verdict: { kind: 'jump', deltaKwh: round(delta) }, next };
    }
    const expectedKwh = o.powerW !== undefined && prev.powerW !== undefined ? (Math.min(o.powerW, prev.powerW) * dtH) / 1000 : 0;
    if (delta === 0 && expectedKwh > 2 * o.spec.resolutionKwh) {
      next.frozenFor = prev.frozenFor + 1;
      if (next.frozenFor >= FROZEN_READINGS) return { verdict: { kind: 'frozen', deltaKwh: 0 }, next };
    }
    return { verdict: { kind: 'normal', deltaKwh: round(delta) }, next };
  }

  // The counter went down.
  if (-delta <= o.spec.resolutionKwh) {
    // Within one step of a float counter's resolution: noise, not a change. Keep the higher value.
    return { verdict: { kind: 'normal', deltaKwh: 0 }, next: { ...next, value: prev.value } };
  }
  if (o.spec.rolloverKwh !== undefined) {
    const wrapped = o.spec.rolloverKwh - prev.value + o.value;
    const allowedKwh = o.maxPowerW !== undefined ? ((o.maxPowerW * dtH) / 1000) * 1.5 + o.spec.resolutionKwh : o.spec.rolloverKwh * 0.05;
    // Counted across the wrap, in whole steps of the counter (the subtraction near 2^32 loses digits).
    const steps = Math.round(wrapped / o.spec.resolutionKwh) * o.spec.resolutionKwh;
    if (prev.value > o.spec.rolloverKwh * 0.5 && wrapped >= 0 && wrapped <= allowedKwh)
      return { verdict: epoch('rollover', steps, false), next };
  }
  if (o.serial === undefined && restarted && o.value > o.spec.resolutionKwh * 10 && estimateKwh < o.value) {
    return { verdict: epoch('swap', estimateKwh, true), next };
  }
  if (restarted || o.value <= Math.max(o.spec.resolutionKwh * 10, estimateKwh * 2))
    return { verdict: epoch('reset', estimateKwh, true), next };
  // No evidence of a reset: flag it, keep the old value, and let the next reading decide.
  return { verdict: { kind: 'negative', deltaKwh: round(delta) }, next: { ...prev, frozenFor: 0, low: { value: o.value, ts: o.ts } } };
}

function round(x: number): number {
  return Number(x.toPrecision(12));
}
