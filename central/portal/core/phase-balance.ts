// Phase balance of a circuit: each phase's current against the circuit's rating, and the imbalance
// between the phases, judged as the gateway's checks judge them (docs/checks.md, "Imbalance and load"):
// imbalance is the largest deviation from the mean in percent of the mean (the NEMA definition), not
// judged under a 5 A mean; load warns at 80% of the rating and is critical at 100%. Pure.
import type { Phase } from '../../model/types.js';

export const BALANCE_LIMITS = { imbalancePct: 20, imbalanceMinA: 5, loadWarnPct: 80, loadCriticalPct: 100 } as const;
export type BalanceLimits = { [K in keyof typeof BALANCE_LIMITS]: number };

export type BalanceStatus = 'ok' | 'warning' | 'critical' | 'unknown';
export type LinePhase = Exclude<Phase, '3P'>;

export interface PhaseLoad {
  phase: LinePhase;
  currentA: number;
  /** Percent of the rating; undefined without a rating. */
  loadPct: number | undefined;
  status: BalanceStatus;
}

export interface CircuitBalance {
  phases: PhaseLoad[];
  ratedCurrentA: number | undefined;
  /** Undefined with fewer than two phases read, or under the minimum mean current. */
  imbalancePct: number | undefined;
  status: BalanceStatus;
  /** Why the status is what it is, for a tooltip: `L2 at 91% of 32 A`. */
  reasons: string[];
}

const RANK: Record<BalanceStatus, number> = { unknown: 0, ok: 1, warning: 2, critical: 3 };
const worst = (xs: readonly BalanceStatus[]): BalanceStatus => xs.reduce<BalanceStatus>((w, s) => (RANK[s] > RANK[w] ? s : w), 'unknown');

function loadStatus(pct: number | undefined, l: BalanceLimits): BalanceStatus {
  if (pct === undefined) return 'ok';
  return pct >= l.loadCriticalPct ? 'critical' : pct >= l.loadWarnPct ? 'warning' : 'ok';
}

/** NEMA imbalance of the currents, in percent of their mean; undefined when it is not judged. */
export function imbalancePct(currentsA: readonly number[], minMeanA: number = BALANCE_LIMITS.imbalanceMinA): number | undefined {
  if (currentsA.length < 2) return undefined;
  const mean = currentsA.reduce((s, x) => s + x, 0) / currentsA.length;
  if (mean < minMeanA) return undefined;
  return (Math.max(...currentsA.map((x) => Math.abs(x - mean))) / mean) * 100;
}

/** The balance of a circuit from the latest current of each phase it has (one for a single-phase circuit). */
export function circuitBalance(
  currents: Partial<Record<LinePhase, number>>,
  ratedCurrentA: number | undefined,
  limits: BalanceLimits = BALANCE_LIMITS,
): CircuitBalance {
  const phases: PhaseLoad[] = (['L1', 'L2', 'L3'] as const).flatMap((phase) => {
    const currentA = currents[phase];
    if (currentA === undefined) return [];
    const loadPct = ratedCurrentA ? (currentA / ratedCurrentA) * 100 : undefined;
    return [{ phase, currentA, loadPct, status: loadStatus(loadPct, limits) }];
  });
  const reasons: string[] = [];
  for (const p of phases) if (p.status !== 'ok') reasons.push(`${p.phase} at ${Math.round(p.loadPct!)}% of ${ratedCurrentA} A`);
  const imb =
    phases.length === 3
      ? imbalancePct(
          phases.map((p) => p.currentA),
          limits.imbalanceMinA,
        )
      : undefined;
  const imbStatus: BalanceStatus = imb === undefined ? 'ok' : imb > limits.imbalancePct ? 'warning' : 'ok';
  if (imbStatus === 'warning') reasons.push(`imbalance ${Math.round(imb!)}% (limit ${limits.imbalancePct}%)`);
  const status = phases.length === 0 ? 'unknown' : worst([...phases.map((p) => p.status), imbStatus]);
  return { phases, ratedCurrentA, imbalancePct: imb, status, reasons };
}
