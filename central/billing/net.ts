// A customer's energy at a site as pricing asks for it (CustomerEnergy): the points it is billed on,
// less the points inside them that someone else held at the time (model/customer-points.ts). The deducted points
// appear in the figures' point lists with negative kWh, so the trace shows what was taken off. Pure.
import {
  DEMAND_SLOT_MS,
  heldEnergyOverCuts,
  heldPointsEnergy,
  type CustomerEnergy,
  type HeldPoint,
  type IntervalEnergy,
  type PeakDemand,
  type PointEnergy,
} from '../energy/group.js';
import type { EnergyOptions } from '../energy/types.js';
import { DEFAULT_ENERGY_OPTIONS } from '../energy/types.js';

const negate = (p: PointEnergy): PointEnergy => ({
  ...p,
  kWh: -p.kWh,
  measuredKwh: -p.measuredKwh,
  estimatedKwh: -p.estimatedKwh,
  interpolatedKwh: -p.interpolatedKwh,
  deducted: true,
});

/**
 * plus − minus over one interval. Energy below zero (meters disagreeing within their tolerance) is
 * billed as zero; any estimated energy on either side makes that much of the difference estimated.
 */
export function netInterval(plus: IntervalEnergy, minus: IntervalEnergy): IntervalEnergy {
  const kWh = Math.max(0, plus.kWh - minus.kWh);
  const estimatedKwh = Math.min(kWh, plus.estimatedKwh + minus.estimatedKwh);
  const interpolatedKwh = Math.min(kWh - estimatedKwh, Math.max(0, plus.interpolatedKwh - minus.interpolatedKwh));
  return {
    fromMs: plus.fromMs,
    toMs: plus.toMs,
    kWh,
    measuredKwh: kWh - estimatedKwh,
    estimatedKwh,
    interpolatedKwh,
    points: [...plus.points, ...minus.points.map(negate)],
  };
}

export function netCustomerEnergy(
  plus: readonly HeldPoint[],
  minus: readonly HeldPoint[],
  opts: EnergyOptions = DEFAULT_ENERGY_OPTIONS,
): CustomerEnergy {
  if (minus.length === 0) return heldPointsEnergy(plus, opts);
  const over = (cuts: readonly number[]): IntervalEnergy[] => {
    const p = heldEnergyOverCuts(plus, cuts, opts);
    const m = heldEnergyOverCuts(minus, cuts, opts);
    return p.map((iv, i) => netInterval(iv, m[i]!));
  };
  return {
    energyOver: over,
    peakDemand(fromMs, toMs): PeakDemand | undefined {
      const first = Math.ceil(fromMs / DEMAND_SLOT_MS) * DEMAND_SLOT_MS;
      const cuts: number[] = [];
      for (let c = first; c <= toMs; c += DEMAND_SLOT_MS) cuts.push(c);
      if (cuts.length < 2) return undefined;
      const slots = over(cuts);
      const best = slots.reduce((b, s) => (s.kWh > b.kWh ? s : b), slots[0]!);
      return {
        kW: (best.kWh * 3_600_000) / DEMAND_SLOT_MS,
        slotFromMs: best.fromMs,
        slotToMs: best.toMs,
        estimated: best.estimatedKwh > 0,
        slots: slots.length,
      };
    },
  };
}
