// Phase balance and load against the rating, per window. Pure.
import type { ChecksConfig, Circuit } from '../config/topology.js';
import { PHASE_CHANNEL, PHASES, type Phase } from '../config/topology.js';
import type { Outcome } from './hysteresis.js';
import { channelKey, type WindowSummary } from './window.js';

export interface Imbalance {
  outcome: Outcome;
  currentsA?: Record<Phase, number>;
  meanA?: number;
  /** Largest deviation of a phase current from the mean, in percent of the mean (NEMA MG 1 definition). */
  imbalancePct?: number;
}

export function judgeImbalance(c: Circuit, w: WindowSummary, cfg: Pick<ChecksConfig, 'imbalancePct' | 'imbalanceMinA'>): Imbalance {
  const currents = PHASES.map((p) => w.channels.get(channelKey(c.meter, PHASE_CHANNEL[p]))?.currentA);
  if (currents.some((a) => a === undefined)) return { outcome: 'unknown' };
  const [l1, l2, l3] = currents as [number, number, number];
  const meanA = (l1 + l2 + l3) / 3;
  const imbalancePct = meanA > 0 ? (Math.max(...[l1, l2, l3].map((a) => Math.abs(a - meanA))) / meanA) * 100 : 0;
  // Light load: a few amps on one phase is no concern for the feed, whatever the ratio.
  const outcome = meanA >= cfg.imbalanceMinA && imbalancePct > cfg.imbalancePct ? 'bad' : 'good';
  return { outcome, currentsA: { L1: l1, L2: l2, L3: l3 }, meanA, imbalancePct };
}

export interface LoadLevel {
  outcome: Outcome;
  severity?: 'warning' | 'critical';
  currentA?: number;
  loadPct?: number;
}

export function judgeLoad(
  currentA: number | undefined,
  ratingA: number,
  cfg: Pick<ChecksConfig, 'loadWarnPct' | 'loadCriticalPct'>,
): LoadLevel {
  if (currentA === undefined) return { outcome: 'unknown' };
  const loadPct = (currentA / ratingA) * 100;
  if (loadPct >= cfg.loadCriticalPct) return { outcome: 'bad', severity: 'critical', currentA, loadPct };
  if (loadPct >= cfg.loadWarnPct) return { outcome: 'bad', severity: 'warning', currentA, loadPct };
  return { outcome: 'good', currentA, loadPct };
}
