// Sum check: per phase of a circuit, what the loads draw against what the master meter measures over one
// window. Compared on the energy counters' growth when every party has one in the window, else on the
// mean power samples. Out of tolerance when the difference exceeds both the percentage and the floor. Pure.
import type { ChecksConfig, Circuit, Phase } from '../config/topology.js';
import { PHASE_CHANNEL, PHASES } from '../config/topology.js';
import type { Outcome } from './hysteresis.js';
import { channelKey, type ChannelStats, type WindowSummary } from './window.js';

export interface PhaseSum {
  phase: Phase;
  outcome: Outcome;
  basis?: 'energy' | 'power';
  meterW?: number;
  loadsW?: number;
  /** Meter minus loads: positive when the loads sum below the meter. */
  diffW?: number;
  /** diffW in percent of the meter. */
  diffPct?: number;
  /** Parties without data in this window (the window is not judged). */
  missing: string[];
}

type Tolerance = Pick<ChecksConfig, 'tolerancePct' | 'toleranceFloorW'>;

export function judgePhaseSums(c: Circuit, w: WindowSummary, tol: Tolerance): PhaseSum[] {
  return PHASES.filter((p) => c.phases[p].length > 0).map((phase) => {
    const meter = w.channels.get(channelKey(c.meter, PHASE_CHANNEL[phase]));
    const loads = c.phases[phase].map((l) => ({
      name: `${l.device} ${l.channel}`,
      stats: w.channels.get(channelKey(l.device, l.channel)),
    }));
    const basis = pickBasis([meter, ...loads.map((l) => l.stats)]);
    if (!basis) {
      const missing = [
        ...(meter?.powerW === undefined ? [`${c.meter} ${PHASE_CHANNEL[phase]}`] : []),
        ...loads.filter((l) => l.stats?.powerW === undefined).map((l) => l.name),
      ];
      return { phase, outcome: 'unknown' as const, missing };
    }
    const pick = (s: ChannelStats | undefined) => (basis === 'energy' ? s!.energyW! : s!.powerW!);
    const meterW = pick(meter);
    const loadsW = loads.reduce((sum, l) => sum + pick(l.stats), 0);
    const diffW = meterW - loadsW;
    const allowedW = Math.max((Math.abs(meterW) * tol.tolerancePct) / 100, tol.toleranceFloorW);
    return {
      phase,
      basis,
      meterW,
      loadsW,
      diffW,
      diffPct: meterW !== 0 ? (diffW / meterW) * 100 : 0,
      outcome: Math.abs(diffW) > allowedW ? ('bad' as const) : ('good' as const),
      missing: [],
    };
  });
}

function pickBasis(all: readonly (ChannelStats | undefined)[]): 'energy' | 'power' | undefined {
  if (all.every((s) => s?.energyW !== undefined)) return 'energy';
  if (all.every((s) => s?.powerW !== undefined)) return 'power';
  return undefined;
}

/** "PDUs on busbar-b2 L2 sum 11% below the meter (9.80 kW vs 11.00 kW)". */
export function describeSum(circuit: string, s: PhaseSum): string {
  const pct = Math.abs(s.diffPct ?? 0);
  const side = (s.diffW ?? 0) > 0 ? 'below' : 'above';
  return `loads on ${circuit} ${s.phase} sum ${pct.toFixed(0)}% ${side} the meter (${kw(s.loadsW)} vs ${kw(s.meterW)}, by ${s.basis})`;
}

function kw(w: number | undefined): string {
  return `${((w ?? 0) / 1000).toFixed(2)} kW`;
}
