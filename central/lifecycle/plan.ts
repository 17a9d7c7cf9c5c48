// What a rollup pass builds, decided from the series' watermarks alone (pure): each series' target (the
// last grid edge at or before its newest reading, so every built edge has a reading after it, and never
// past now), and the chunks the pass works in, so memory and the time between two stop checks stay
// bounded on 100,000 series and on a catch-up of months.
import type { SeriesRollupState } from '../storage/rollups/types.js';
import { dayStartOf } from '../energy/rollup.js';
import { lastEdgeAtOrBefore } from './grid.js';

const DAY_MS = 86_400_000;

export interface RollupTarget {
  state: SeriesRollupState;
  timeZone: string;
  toMs: number;
  /** Local days the claim will span, about (for sizing chunks). */
  days: number;
}

export interface ChunkLimits {
  /** Series per chunk (default 500). */
  series: number;
  /** Days per window of a chunk (default 7). */
  days: number;
  /** Grid edges per window of a chunk (default 50,000: well under a second of work). */
  edges: number;
}

export const DEFAULT_CHUNK_LIMITS: ChunkLimits = { series: 500, days: 7, edges: 50_000 };

/** The series that need a build, with their targets. */
export function rollupTargets(
  states: readonly SeriesRollupState[],
  timeZoneOf: (site: string) => string,
  intervalMin: number,
  nowMs: number,
): RollupTarget[] {
  const out: RollupTarget[] = [];
  for (const s of states) {
    if (s.firstTs === undefined || s.lastTs === undefined) continue; // no reading: nothing to build
    const timeZone = timeZoneOf(s.site);
    const edgeMs = lastEdgeAtOrBefore(Math.min(s.lastTs, nowMs), timeZone, intervalMin);
    const toMs = Math.max(edgeMs, s.rolledToMs ?? -Infinity);
    const moved = s.rolledToMs === undefined ? toMs > s.firstTs : toMs > s.rolledToMs;
    if (!moved && s.dirtyFromMs === undefined) continue;
    const fromMs = Math.min(s.dirtyFromMs ?? Infinity, s.rolledToMs ?? s.firstTs);
    const days = Math.max(1, Math.ceil((toMs - dayStartOf(timeZone, Math.min(fromMs, toMs))) / DAY_MS) + 1);
    out.push({ state: s, timeZone, toMs, days });
  }
  return out;
}

/** Targets in chunks of one zone each, within the limits (a single series over them still makes a chunk). */
export function rollupChunks(
  targets: readonly RollupTarget[],
  intervalMin: number,
  limits: ChunkLimits = DEFAULT_CHUNK_LIMITS,
): RollupTarget[][] {
  const edgesPerDay = Math.ceil((25 * 60) / intervalMin) + 1;
  const sorted = [...targets].sort((a, b) =>
    a.timeZone < b.timeZone ? -1 : a.timeZone > b.timeZone ? 1 : a.state.seriesId - b.state.seriesId,
  );
  const chunks: RollupTarget[][] = [];
  let cur: RollupTarget[] = [];
  let edges = 0;
  for (const t of sorted) {
    const cost = Math.min(t.days, limits.days) * edgesPerDay;
    const full = cur.length >= limits.series || edges + cost > limits.edges || (cur.length > 0 && cur[0]!.timeZone !== t.timeZone);
    if (cur.length > 0 && full) {
      chunks.push(cur);
      cur = [];
      edges = 0;
    }
    cur.push(t);
    edges += cost;
  }
  if (cur.length > 0) chunks.push(cur);
  return chunks;
}
