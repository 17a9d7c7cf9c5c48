// Which tier answers a batch of boundary lookups (issue 21, design "Tiers"), the same for both stores:
// 'raw' as before; 'rollups' from the rollup edges; 'auto' from the rollups only for instants before
// rawFromMs + 7 days (raw near its horizon may lack the readings an estimate looks at), raw elsewhere and
// always while retention never ran. A lookup the rollups cannot answer (no day row) goes to raw. Lookups
// outside the rollup span cost the raw path one small read (the horizon); the rows a call needs are read
// in one go and each day is decoded once per call.
import type { BoundaryQuery, BoundaryValues } from '../readings/types.js';
import type { ReadTier, RollupDay, RollupRow } from './types.js';

const DAY_MS = 86_400_000;
/** The energy core's estimate window: raw closer than this to the horizon answers from the rollups. */
export const RAW_MARGIN_MS = 7 * DAY_MS;
/**
 * Day rows read around an instant: its local day starts at most 25 h before it (a DST day), the day before
 * that at most 50 h; the next day starts at most 25 h after it. The tier looks one day back and ahead for
 * the nearest edges with a value.
 */
const BACK_MS = 3 * DAY_MS;
const AHEAD_MS = 2 * DAY_MS;

export interface RollupWindow {
  seriesId: number;
  fromDayMs: number;
  toDayMs: number;
}

export interface TierDeps {
  raw(qs: readonly BoundaryQuery[]): Promise<BoundaryValues[]>;
  /** lifecycle_state 'raw_from_ms'. */
  rawFromMs(): Promise<number | undefined>;
  /** The rollup rows inside each window (windows never overlap), in any order. */
  rows(windows: readonly RollupWindow[]): Promise<RollupRow[]>;
  decode(row: RollupRow): RollupDay;
  /** tier.ts answerFromRollups: undefined when the days do not hold the instant. */
  answer(days: ReadonlyMap<number, RollupDay>, q: BoundaryQuery, dayStartOf: (ms: number) => number): BoundaryValues | undefined;
}

export async function tieredBoundaries(qs: readonly BoundaryQuery[], tier: ReadTier, deps: TierDeps): Promise<BoundaryValues[]> {
  if (tier === 'raw' || qs.length === 0) return deps.raw(qs);
  let horizonMs = Number.POSITIVE_INFINITY;
  if (tier === 'auto') {
    const rawFrom = await deps.rawFromMs();
    if (rawFrom === undefined) return deps.raw(qs);
    horizonMs = rawFrom + RAW_MARGIN_MS;
  }
  const span = qs.flatMap((q, i) => (q.atMs < horizonMs ? [i] : []));
  if (span.length === 0) return deps.raw(qs);

  const bySeries = await readDays(
    span.map((i) => qs[i]!),
    deps,
  );
  const out: (BoundaryValues | undefined)[] = qs.map(() => undefined);
  for (const i of span) {
    const q = qs[i]!;
    const days = bySeries.get(q.seriesId)?.around(q.atMs);
    if (days && days.size > 0) out[i] = deps.answer(days, q, dayStartsOf(days));
  }
  const rest = out.flatMap((v, i) => (v === undefined ? [i] : []));
  if (rest.length > 0) {
    const raw = await deps.raw(rest.map((i) => qs[i]!));
    rest.forEach((i, k) => (out[i] = raw[k]));
  }
  return out as BoundaryValues[];
}

/** A series' rows of this call, sorted by day, decoded on first use. */
class SeriesDays {
  private readonly decoded = new Map<number, RollupDay>();

  constructor(
    private readonly rows: RollupRow[],
    private readonly decode: (row: RollupRow) => RollupDay,
  ) {}

  around(atMs: number): Map<number, RollupDay> {
    const days = new Map<number, RollupDay>();
    for (let k = lowerBound(this.rows, atMs - BACK_MS); k < this.rows.length && this.rows[k]!.dayMs < atMs + AHEAD_MS; k++) {
      const row = this.rows[k]!;
      let day = this.decoded.get(row.dayMs);
      if (!day) this.decoded.set(row.dayMs, (day = this.decode(row)));
      days.set(row.dayMs, day);
    }
    return days;
  }
}

async function readDays(qs: readonly BoundaryQuery[], deps: TierDeps): Promise<Map<number, SeriesDays>> {
  const rows = await deps.rows(windowsOf(qs));
  const grouped = new Map<number, RollupRow[]>();
  for (const r of rows) {
    const list = grouped.get(r.seriesId);
    if (list) list.push(r);
    else grouped.set(r.seriesId, [r]);
  }
  const out = new Map<number, SeriesDays>();
  for (const [id, list] of grouped)
    out.set(
      id,
      new SeriesDays(
        list.sort((a, b) => a.dayMs - b.dayMs),
        deps.decode,
      ),
    );
  return out;
}

/**
 * The local day start of an instant as the rows themselves tell it (storage knows no site zone): the row
 * whose [dayMs, last edge) holds it; the last edge of a row is the next day's start; NaN where no row
 * says (a day without a row, which the tier then treats as absent).
 */
export function dayStartsOf(days: ReadonlyMap<number, RollupDay>): (ms: number) => number {
  const spans = [...days.values()].map((d) => ({ fromMs: d.dayMs, toMs: d.edges[d.edges.length - 1]?.atMs ?? d.dayMs }));
  return (ms) => {
    for (const s of spans) if (s.fromMs <= ms && ms < s.toMs) return s.fromMs;
    for (const s of spans) if (s.toMs === ms) return ms;
    return Number.NaN;
  };
}

/** The day windows around each instant, merged per series where they overlap or touch. */
export function windowsOf(qs: readonly Pick<BoundaryQuery, 'seriesId' | 'atMs'>[]): RollupWindow[] {
  const sorted = [...qs].sort((a, b) => a.seriesId - b.seriesId || a.atMs - b.atMs);
  const out: RollupWindow[] = [];
  for (const q of sorted) {
    const last = out[out.length - 1];
    const from = q.atMs - BACK_MS;
    const to = q.atMs + AHEAD_MS;
    if (last && last.seriesId === q.seriesId && from <= last.toDayMs) last.toDayMs = Math.max(last.toDayMs, to);
    else out.push({ seriesId: q.seriesId, fromDayMs: from, toDayMs: to });
  }
  return out;
}

function lowerBound(rows: readonly RollupRow[], dayMs: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.dayMs < dayMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
