/** Figures to `digits` decimals, for the benchmarks' JSON line. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
