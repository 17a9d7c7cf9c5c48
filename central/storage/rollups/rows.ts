// What both stores' rollup code shares: rows as the series table gives them, the claim rule, the grid cell
// as SQL, and bytes as callers expect them.
import type { RollupClaim, RollupDayTotal, SeriesRollupState } from './types.js';

export interface StateRow {
  id: number;
  site: string;
  gateway: string;
  device: string;
  channel: string;
  first_ts: number | null;
  last_ts: number | null;
  rolled_to_ms: number | null;
  dirty_from_ms: number | null;
}

export interface PowerStat {
  seriesId: number;
  cell: number;
  readings: number;
  meanW: number | null;
  minW: number | null;
  maxW: number | null;
}

export function stateFromRow(r: StateRow): SeriesRollupState {
  return {
    seriesId: r.id,
    site: r.site,
    gateway: r.gateway,
    device: r.device,
    channel: r.channel,
    firstTs: r.first_ts ?? undefined,
    lastTs: r.last_ts ?? undefined,
    rolledToMs: r.rolled_to_ms ?? undefined,
    dirtyFromMs: r.dirty_from_ms ?? undefined,
  };
}

/**
 * The claim on a series (types.ts LifecycleStore.claimRollups): from the earlier of the dirty mark and the
 * old watermark (the first reading when never rolled up) to toMs. The mark it leaves is fromMs; the store
 * moves rolled_to_ms to toMs (also backwards: what lies past toMs then counts as not built) and sets
 * dirty_from_ms to the mark. Undefined: nothing to build (no reading yet, or the range is empty).
 */
export function claimOf(
  c: { seriesId: number; toMs: number },
  row: Pick<StateRow, 'first_ts' | 'rolled_to_ms' | 'dirty_from_ms'>,
): RollupClaim | undefined {
  const base = row.rolled_to_ms ?? row.first_ts;
  if (base === null) return undefined;
  const mark = row.dirty_from_ms === null ? base : Math.min(row.dirty_from_ms, base);
  if (mark >= c.toMs) return undefined;
  return { seriesId: c.seriesId, fromMs: mark, toMs: c.toMs, dirtyMarkMs: mark };
}

/**
 * floor((ts - anchor) / interval) in integer SQL, exact for instants before the anchor too (both dialects'
 * integer division truncates toward zero).
 */
export function cellSql(anchor: string, interval: string): string {
  const d = `(ts - ${anchor})`;
  return `((${d} - ((${d} % ${interval}) + ${interval}) % ${interval}) / ${interval})`;
}

/** A driver's Buffer as a plain Uint8Array over the same bytes (what the codec and callers compare). */
export function toBytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** lifecycle_state key: raw readings are complete from this instant on (set by removeRawBefore). */
export const RAW_FROM_KEY = 'raw_from_ms';

/** A rollup row's totals as both drivers give them: estimated_kwh is NULL on rows built before migration 10. */
export type StoredRow = Omit<RollupDayTotal, 'estimatedKwh'> & { estimatedKwh: number | null };

/** The row with estimatedKwh left out when unknown (NULL), so callers test `=== undefined`. */
export function withEstimate<T extends StoredRow>(r: T): Omit<T, 'estimatedKwh'> & { estimatedKwh?: number } {
  const { estimatedKwh, ...rest } = r;
  return estimatedKwh === null ? rest : { ...rest, estimatedKwh };
}
