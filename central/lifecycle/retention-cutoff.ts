// Where retention may cut raw readings (issue 21): never later than the configured age allows, never into
// a month whose invoices are not final yet (a held draft, a partial run, a month not invoiced at all:
// each may be recomputed from raw), never into readings the rollups do not hold yet. Pure: the pass reads
// the runs, the held invoices and the series' watermarks, and this decides.
import { monthPeriod } from '../../common/local-time.js';
import type { RunState } from '../storage/billing/types.js';

export const DAY_MS = 86_400_000;

/** An entity that invoices: the zones of its sites and its first invoiced month. */
export interface CutoffEntity {
  id: string;
  zones: readonly string[];
  /** 'YYYY-MM': no run is ever made for an earlier month. */
  since: string;
}

export interface CutoffSeries {
  firstTs: number | undefined;
  lastTs: number | undefined;
  rolledToMs: number | undefined;
  dirtyFromMs: number | undefined;
}

export interface RawCutoffInput {
  nowMs: number;
  rawDays: number;
  entities: readonly CutoffEntity[];
  runs: readonly { entity: string; period: string; state: RunState }[];
  /** Runs (entity and month) holding at least one invoice held for review. */
  held: readonly { entity: string; period: string }[];
  series: readonly CutoffSeries[];
}

/** What bounds the cutoff: the configured age, a month not final, the rollups behind, a dirty series. */
export type CutoffReason = 'age' | 'invoices' | 'rollups' | 'dirty';

export interface RawCutoff {
  cutoffMs: number;
  reason: CutoffReason;
  /** The entity and month that hold it back (reason invoices). */
  month?: { entity: string; period: string };
}

const monthOf = (y: number, m: number): string => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;

/** 'YYYY-MM' months from `since` while their start (earliest zone) is before endMs. */
function monthsFrom(since: string, zones: readonly string[], endMs: number): { period: string; fromMs: number; toMs: number }[] {
  const out: { period: string; fromMs: number; toMs: number }[] = [];
  let y = Number(since.slice(0, 4));
  let m = Number(since.slice(5, 7));
  for (;;) {
    const period = monthOf(y, m);
    const spans = zones.map((z) => monthPeriod(period, z));
    const fromMs = Math.min(...spans.map((p) => p.fromMs));
    if (fromMs >= endMs) return out;
    out.push({ period, fromMs, toMs: Math.max(...spans.map((p) => p.toMs)) });
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
}

/**
 * The oldest month ending before now that is not final for an entity: its run is missing, not complete, or
 * holds a held invoice. Its start in the earliest of the entity's zones, or undefined when every month is final.
 */
export function oldestOpenMonth(input: Pick<RawCutoffInput, 'nowMs' | 'entities' | 'runs' | 'held'>): RawCutoff | undefined {
  const state = new Map(input.runs.map((r) => [`${r.entity}\n${r.period}`, r.state]));
  const held = new Set(input.held.map((h) => `${h.entity}\n${h.period}`));
  let best: RawCutoff | undefined;
  for (const e of input.entities) {
    if (e.zones.length === 0) continue;
    for (const mo of monthsFrom(e.since, e.zones, input.nowMs)) {
      if (mo.toMs > input.nowMs) break; // not ended: not invoiced yet, and not "before now"
      const key = `${e.id}\n${mo.period}`;
      if (state.get(key) === 'complete' && !held.has(key)) continue;
      if (!best || mo.fromMs < best.cutoffMs)
        best = { cutoffMs: mo.fromMs, reason: 'invoices', month: { entity: e.id, period: mo.period } };
      break; // later months of this entity start later
    }
  }
  return best;
}

/**
 * The raw cutoff: readings with ts < cutoffMs may go. A series silent for longer than the raw retention
 * does not hold it back by its watermark: everything up to its last edge is rolled up, and the readings
 * after that edge (less than an interval) are held by the estimated edges of its last rollup day;
 * otherwise one decommissioned meter would stop retention for good.
 */
export function rawCutoff(input: RawCutoffInput): RawCutoff {
  const ageMs = input.nowMs - input.rawDays * DAY_MS;
  let out: RawCutoff = { cutoffMs: ageMs, reason: 'age' };
  const open = oldestOpenMonth(input);
  if (open && open.cutoffMs < out.cutoffMs) out = open;
  for (const s of input.series) {
    if (s.dirtyFromMs !== undefined && s.dirtyFromMs < out.cutoffMs) out = { cutoffMs: s.dirtyFromMs, reason: 'dirty' };
    if (s.firstTs === undefined) continue; // no data
    const silent = s.lastTs !== undefined && s.lastTs < ageMs && s.rolledToMs !== undefined;
    const rolled = s.rolledToMs ?? s.firstTs;
    if (!silent && rolled < out.cutoffMs) out = { cutoffMs: rolled, reason: 'rollups' };
  }
  return out;
}

/** Rollup days before this go: `years` calendar years before now (UTC). */
export function rollupCutoff(nowMs: number, years: number): number {
  const d = new Date(nowMs);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.getTime();
}

/** Events and alerts before this go; undefined: kept forever. */
export function historyCutoff(nowMs: number, historyDays: number | undefined): number | undefined {
  return historyDays === undefined ? undefined : nowMs - historyDays * DAY_MS;
}
