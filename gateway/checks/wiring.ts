// Wiring inference: when a circuit's phase sums stay wrong, find the loads whose move to another phase
// explains the mismatch. Each window gives the meter's power per phase and each load's power; the
// residual of a phase is its meter power minus the loads declared on it. A load declared on L1 but wired
// to L3 leaves its own power as a surplus on L3 and a deficit on L1, window after window, so moving it
// back removes the squared residuals, and its power follows L3's residual. Every single move and every
// pair of moves is tried (greedy single moves mistake two crossed loads for one); the fewest moves that
// explain most of the mismatch win, and nothing is named when another set of loads would explain it as
// well (two equal loads cannot be told apart). Pure.
import type { Phase } from '../config/topology.js';

export interface WiringSample {
  meterW: Partial<Record<Phase, number>>;
  /** Power of each load, in the order of `declared`. */
  loadsW: readonly number[];
}

export interface WiringFinding {
  load: number;
  declared: Phase;
  follows: Phase;
  /** Share of the squared residuals the whole answer removes, in percent. */
  explainsPct: number;
  /** Correlation of the load's power with the residual of the phase it follows, before any move. */
  correlation: number;
}

export interface WiringOptions {
  /** The answer must remove at least this share of the squared residuals. */
  minExplained?: number;
  /** Another answer within this share of the squared residuals makes it ambiguous. */
  ambiguity?: number;
}

interface Move {
  load: number;
  to: number;
}

export function inferWiring(declared: readonly Phase[], samples: readonly WiringSample[], o: WiringOptions = {}): WiringFinding[] {
  const phases = (['L1', 'L2', 'L3'] as const).filter((p) => samples.length > 0 && samples.every((s) => s.meterW[p] !== undefined));
  if (phases.length < 2 || declared.some((p) => !phases.includes(p))) return [];
  const from = declared.map((p) => phases.indexOf(p));
  const residual = phases.map((p, q) =>
    samples.map((s) => s.meterW[p]! - s.loadsW.reduce((sum, x, i) => sum + (from[i] === q ? x : 0), 0)),
  );
  const sse0 = sumSquares(residual);
  if (sse0 === 0) return [];
  const sseAfter = (moves: readonly Move[]): number => {
    const r = residual.map((row) => [...row]);
    for (const m of moves)
      samples.forEach((s, t) => {
        r[from[m.load]!]![t]! += s.loadsW[m.load]!;
        r[m.to]![t]! -= s.loadsW[m.load]!;
      });
    return sumSquares(r);
  };
  const singles: Move[] = declared.flatMap((_, i) => phases.map((_p, q) => ({ load: i, to: q })).filter((m) => m.to !== from[i]));
  const pairs: Move[][] = [];
  singles.forEach((a, i) =>
    singles.slice(i + 1).forEach((b) => {
      if (a.load !== b.load) pairs.push([a, b]);
    }),
  );
  const rank = (sets: Move[][]) => sets.map((moves) => ({ moves, sse: sseAfter(moves) })).sort((a, b) => a.sse - b.sse);
  const one = rank(singles.map((m) => [m]));
  const two = rank(pairs);
  // A second move must halve what the first leaves, and by a share that matters.
  const useTwo = two[0] !== undefined && one[0] !== undefined && two[0].sse < 0.5 * one[0].sse && one[0].sse - two[0].sse > 0.05 * sse0;
  const ranked = useTwo ? two : one;
  const best = ranked[0];
  if (!best || best.sse > (1 - (o.minExplained ?? 0.8)) * sse0) return [];
  const loadsOf = (moves: readonly Move[]) =>
    moves
      .map((m) => m.load)
      .sort()
      .join(',');
  const rival = ranked.find((r) => loadsOf(r.moves) !== loadsOf(best.moves));
  if (rival && rival.sse - best.sse < (o.ambiguity ?? 0.1) * sse0) return [];
  return best.moves.map((m) => ({
    load: m.load,
    declared: declared[m.load]!,
    follows: phases[m.to]!,
    explainsPct: ((sse0 - best.sse) / sse0) * 100,
    correlation: pearson(
      samples.map((s) => s.loadsW[m.load]!),
      residual[m.to]!,
    ),
  }));
}

function sumSquares(rows: readonly (readonly number[])[]): number {
  let s = 0;
  for (const row of rows) for (const x of row) s += x * x;
  return s;
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}
