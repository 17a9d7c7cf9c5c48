// A series' energy over a window of whole local days, cut into rollup days: each day's edges are the
// boundary traces the core computed at its grid instants (shared with the neighbouring day at midnight),
// each interval its kWh and the power statistics of the readings inside it. Pure.
import type { SeriesEnergy } from '../energy/types.js';
import type { RollupDay, RollupIntervalMin, RollupRow } from '../storage/rollups/types.js';

/** Power statistics of one grid cell (floor((ts - anchorMs) / intervalMs)). */
export interface CellStats {
  readings: number;
  meanW: number | null;
  minW: number | null;
  maxW: number | null;
}

export interface AssembleInput {
  seriesId: number;
  intervalMin: RollupIntervalMin;
  /** The days' midnights, consecutive; cuts run from the first midnight to the midnight after the last. */
  days: readonly number[];
  /** The grid instants of the window, and the core's energy over each [cuts[i], cuts[i + 1]). */
  cuts: readonly number[];
  energies: readonly SeriesEnergy[];
  /** Cells by index from anchorMs (the window's first midnight). */
  stats: ReadonlyMap<number, CellStats>;
  anchorMs: number;
}

export function assembleDays(input: AssembleInput): RollupDay[] {
  const stepMs = input.intervalMin * 60_000;
  const out: RollupDay[] = [];
  let i = 0; // index of the day's first cut
  for (let d = 0; d < input.days.length; d++) {
    const dayMs = input.days[d]!;
    const endMs = input.days[d + 1] ?? input.cuts[input.cuts.length - 1]!;
    if (input.cuts[i] !== dayMs) throw new Error(`rollup grid: cut ${input.cuts[i]} is not the midnight ${dayMs}`);
    const edges = [input.energies[i]!.start];
    const intervals: RollupDay['intervals'] = [];
    for (; input.cuts[i]! < endMs; i++) {
      const e = input.energies[i]!;
      edges.push(e.end);
      const s = input.stats.get(Math.round((input.cuts[i]! - input.anchorMs) / stepMs));
      intervals.push({
        kWh: e.kWh,
        meanW: s?.meanW ?? undefined,
        minW: s?.minW ?? undefined,
        maxW: s?.maxW ?? undefined,
        readings: s?.readings ?? 0,
      });
    }
    out.push({ seriesId: input.seriesId, dayMs, intervalMin: input.intervalMin, edges, intervals });
  }
  return out;
}

/** The stored row of a day: its totals and its encoded body. */
export function rowOf(day: RollupDay, encode: (day: RollupDay) => Uint8Array): RollupRow {
  let energyKwh = 0;
  let readings = 0;
  for (const iv of day.intervals) {
    energyKwh += iv.kWh;
    readings += iv.readings;
  }
  return { seriesId: day.seriesId, dayMs: day.dayMs, intervalMin: day.intervalMin, energyKwh, readings, body: encode(day) };
}
