// Two periods side by side per group (a customer, rack or feed): energy, peak demand and the change
// from the first period to the second, absolute and in percent. Pure.

/** One group's figures over one period. */
export interface PeriodFigures {
  group: string;
  kWh: number;
  estimatedKwh: number;
  /** Highest mean power over a 15-minute slot; undefined when the period holds no whole slot. */
  peakKw: number | undefined;
}

export interface Side {
  kWh: number;
  peakKw: number | undefined;
  /** Part of the energy is estimated. */
  estimated: boolean;
}

export interface ComparedRow {
  group: string;
  a: Side;
  b: Side;
  deltaKwh: number;
  /** Percent of the first period; undefined when the first period has no energy. */
  deltaPct: number | undefined;
  deltaPeakKw: number | undefined;
  deltaPeakPct: number | undefined;
}

const EMPTY: Side = { kWh: 0, peakKw: undefined, estimated: false };

/** Change in percent of `from`; undefined when from is 0 (no base to compare with). */
export function percentChange(from: number, to: number): number | undefined {
  return from === 0 ? undefined : ((to - from) / Math.abs(from)) * 100;
}

const side = (f: PeriodFigures | undefined): Side => (f ? { kWh: f.kWh, peakKw: f.peakKw, estimated: f.estimatedKwh > 0 } : EMPTY);

/** Rows for every group present in either period, sorted by group; a group missing in one period reads as zero there. */
export function comparePeriods(a: readonly PeriodFigures[], b: readonly PeriodFigures[]): ComparedRow[] {
  const byA = new Map(a.map((f) => [f.group, f]));
  const byB = new Map(b.map((f) => [f.group, f]));
  const groups = [...new Set([...byA.keys(), ...byB.keys()])].sort((x, y) => x.localeCompare(y));
  return groups.map((group) => {
    const sa = side(byA.get(group));
    const sb = side(byB.get(group));
    const peaks = sa.peakKw !== undefined && sb.peakKw !== undefined;
    return {
      group,
      a: sa,
      b: sb,
      deltaKwh: sb.kWh - sa.kWh,
      deltaPct: percentChange(sa.kWh, sb.kWh),
      deltaPeakKw: peaks ? sb.peakKw! - sa.peakKw! : undefined,
      deltaPeakPct: peaks ? percentChange(sa.peakKw!, sb.peakKw!) : undefined,
    };
  });
}

/** The total row: energies add; the peak of the whole is not the sum of the groups' peaks, so it is given. */
export function compareTotal(rows: readonly ComparedRow[], peakA: number | undefined, peakB: number | undefined): ComparedRow {
  const sum = (k: 'a' | 'b'): Side => ({
    kWh: rows.reduce((s, r) => s + r[k].kWh, 0),
    peakKw: k === 'a' ? peakA : peakB,
    estimated: rows.some((r) => r[k].estimated),
  });
  const a = sum('a');
  const b = sum('b');
  const peaks = peakA !== undefined && peakB !== undefined;
  return {
    group: 'total',
    a,
    b,
    deltaKwh: b.kWh - a.kWh,
    deltaPct: percentChange(a.kWh, b.kWh),
    deltaPeakKw: peaks ? peakB - peakA : undefined,
    deltaPeakPct: peaks ? percentChange(peakA, peakB) : undefined,
  };
}
