// The weekly partition grid of PostgreSQL readings (issue 21): weeks start on Monday 00:00 UTC, and the
// partition for [startMs, startMs + WEEK_MS) is named readings_pYYYYMMDD after its Monday. Pure.

export const WEEK_MS = 7 * 86_400_000;
/** 1970-01-05, the first Monday of the epoch (1970-01-01 was a Thursday). */
export const MONDAY0_MS = 4 * 86_400_000;

/** The Monday 00:00 UTC at or before tsMs (also before 1970). */
export function weekStartMs(tsMs: number): number {
  return Math.floor((tsMs - MONDAY0_MS) / WEEK_MS) * WEEK_MS + MONDAY0_MS;
}

export function partitionName(weekStart: number): string {
  const d = new Date(weekStart);
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) throw new RangeError(`readings partition: a week starting at ${weekStart} ms is outside years 0..9999`);
  return `readings_p${String(y).padStart(4, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** Every week start whose week holds an instant of [minTs, maxTs]. */
export function weeksCovering(minTs: number, maxTs: number): number[] {
  const out: number[] = [];
  for (let w = weekStartMs(minTs); w <= maxTs; w += WEEK_MS) out.push(w);
  return out;
}

/** A partition's range as PostgreSQL prints it (pg_get_expr of relpartbound); MINVALUE/MAXVALUE as -/+Infinity. */
export function parseBound(expr: string): { fromMs: number; toMs: number } | undefined {
  const m = /FROM \((MINVALUE|'?(-?\d+)'?)\) TO \((MAXVALUE|'?(-?\d+)'?)\)/.exec(expr);
  if (!m) return undefined;
  return {
    fromMs: m[1] === 'MINVALUE' ? -Infinity : Number(m[2]),
    toMs: m[3] === 'MAXVALUE' ? Infinity : Number(m[4]),
  };
}
