// Energy of one counter series over consecutive intervals [cuts[i], cuts[i+1]): the counter at each cut
// (computed once, shared by the intervals on either side, so adjacent intervals add up exactly), and the
// epoch events in between. An epoch change splits an interval: the growth of each epoch part plus the
// event's betweenKwh (docs/protocol.md, counter_epoch), a time-proportional share of it where a cut
// falls inside the event's gap.
import { counterAt, prepareEvents } from './boundary.js';
import { EnergyInputError } from './errors.js';
import type { BoundaryTrace, EnergyAnomaly, EnergyOptions, EpochEvent, EventUse, ReadingRef, SeriesEnergy, SeriesSource } from './types.js';
import { DEFAULT_ENERGY_OPTIONS } from './types.js';

export function checkCuts(cutsMs: readonly number[], seriesId?: string): void {
  if (cutsMs.length < 2) throw new EnergyInputError(`need at least two instants, got ${cutsMs.length}`, seriesId);
  for (let i = 0; i < cutsMs.length; i++) {
    const c = cutsMs[i]!;
    if (!Number.isFinite(c)) throw new EnergyInputError(`instant ${i} is ${c}`, seriesId);
    if (i > 0 && !(c > cutsMs[i - 1]!)) throw new EnergyInputError(`instants must increase: ${cutsMs[i - 1]} then ${c}`, seriesId);
  }
}

const refOf = (e: EpochEvent['old']): ReadingRef =>
  e.serial === undefined ? { ts: e.ts, valueKwh: e.value } : { ts: e.ts, valueKwh: e.value, serial: e.serial };

function eventBoundary(e: EpochEvent, side: 'old' | 'new'): BoundaryTrace {
  const r = refOf(e[side]);
  return {
    atMs: r.ts,
    method: 'event',
    estimated: false,
    valueKwh: r.valueKwh,
    ...(side === 'new' ? { epochStartMs: r.ts } : {}),
    ...(r.serial !== undefined ? { serial: r.serial } : {}),
    before: r,
    after: r,
  };
}

interface Acc {
  kWh: number;
  measuredKwh: number;
  estimatedKwh: number;
  interpolatedKwh: number;
  events: EventUse[];
  anomalies: EnergyAnomaly[];
}

/**
 * The energy between the counter at the start of a part and at its end, in one epoch. The share that
 * depends on an estimated boundary is the energy between that boundary and the nearest reading inside
 * the part (all of the part if none lies inside it); likewise for the interpolated share.
 */
function addPart(acc: Acc, s: BoundaryTrace, e: BoundaryTrace, fromMs: number, toMs: number): void {
  if (s.valueKwh === undefined || e.valueKwh === undefined) {
    acc.anomalies.push({ kind: 'no_readings', fromMs, toMs });
    return;
  }
  let total = e.valueKwh - s.valueKwh;
  if (total < 0) {
    acc.anomalies.push({ kind: 'negative_growth', fromMs, toMs, deltaKwh: total });
    total = 0;
  }
  const inner = (b: BoundaryTrace, side: 'start' | 'end'): number => {
    if (b.method === 'reading' || b.method === 'event') return 0;
    const r = side === 'start' ? b.after : b.before;
    if (!r || (side === 'start' ? r.ts > toMs : r.ts < fromMs)) return Infinity;
    return Math.max(0, side === 'start' ? r.valueKwh - b.valueKwh! : b.valueKwh! - r.valueKwh);
  };
  const startPiece = inner(s, 'start');
  const endPiece = inner(e, 'end');
  const estimated = Math.min(total, (s.estimated ? startPiece : 0) + (e.estimated ? endPiece : 0));
  const interpolated = Math.min(
    total - estimated,
    (s.method === 'interpolated' ? startPiece : 0) + (e.method === 'interpolated' ? endPiece : 0),
  );
  acc.kWh += total;
  acc.estimatedKwh += estimated;
  acc.measuredKwh += total - estimated;
  acc.interpolatedKwh += interpolated;
}

function addEvent(acc: Acc, e: EpochEvent, fromMs: number, toMs: number): void {
  const gapMs = e.new.ts - e.old.ts;
  const insideMs = Math.min(toMs, e.new.ts) - Math.max(fromMs, e.old.ts);
  const whole = insideMs === gapMs;
  const shareKwh = whole ? e.betweenKwh : (e.betweenKwh * insideMs) / gapMs;
  // Only a rollover's betweenKwh is counted (across the wrap); a reset's or swap's is power × time.
  const estimated = e.estimated || e.reason !== 'rollover' || !whole;
  acc.kWh += shareKwh;
  if (estimated) acc.estimatedKwh += shareKwh;
  else acc.measuredKwh += shareKwh;
  acc.events.push({ reason: e.reason, old: refOf(e.old), new: refOf(e.new), betweenKwh: e.betweenKwh, shareKwh, estimated });
}

function interval(
  seriesId: string,
  events: readonly EpochEvent[],
  fromMs: number,
  toMs: number,
  start: BoundaryTrace,
  end: BoundaryTrace,
): SeriesEnergy {
  const acc: Acc = { kWh: 0, measuredKwh: 0, estimatedKwh: 0, interpolatedKwh: 0, events: [], anomalies: [] };
  let cursor = fromMs;
  let from = start;
  for (const e of events) {
    if (!(e.old.ts < toMs && e.new.ts > fromMs)) continue;
    if (e.old.ts > cursor) addPart(acc, from, eventBoundary(e, 'old'), cursor, e.old.ts);
    addEvent(acc, e, fromMs, toMs);
    cursor = e.new.ts;
    from = eventBoundary(e, 'new');
  }
  if (cursor < toMs) addPart(acc, from, end, cursor, toMs);
  return { seriesId, fromMs, toMs, ...acc, start, end };
}

/** Energy of one series over each [cuts[i], cuts[i+1]); cuts strictly increasing. */
export function seriesEnergyOverCuts(
  src: SeriesSource,
  cutsMs: readonly number[],
  opts: EnergyOptions = DEFAULT_ENERGY_OPTIONS,
): SeriesEnergy[] {
  checkCuts(cutsMs, src.seriesId);
  const first = cutsMs[0]!;
  const last = cutsMs[cutsMs.length - 1]!;
  // Readings further than the estimate window from a cut are never used, so the events in this wider
  // span are all that can separate a used reading from its cut.
  const events = prepareEvents(src.epochEvents(first - opts.estimateWindowMs, last + opts.estimateWindowMs), src.seriesId);
  // A rollup edge is the counter as computed when the raw readings were kept: used as is.
  const bounds = cutsMs.map((t) => src.edgeAt?.(t) ?? counterAt(src, events, t, opts));
  const out: SeriesEnergy[] = [];
  for (let i = 0; i + 1 < cutsMs.length; i++)
    out.push(interval(src.seriesId, events, cutsMs[i]!, cutsMs[i + 1]!, bounds[i]!, bounds[i + 1]!));
  return out;
}

/** Energy of one series over [fromMs, toMs). */
export function seriesEnergy(src: SeriesSource, fromMs: number, toMs: number, opts: EnergyOptions = DEFAULT_ENERGY_OPTIONS): SeriesEnergy {
  return seriesEnergyOverCuts(src, [fromMs, toMs], opts)[0]!;
}
