// Energy of groupings: the sum of their series (A and B feeds simply add, so a failover that moves the
// load from one side to the other is counted once), and of points held by someone only part of the time:
// a change of holder is one more cut, split from the counters at that instant, never pro rata by days.
import type { HeldSpan } from '../model/types.js';
import { EnergyInputError } from './errors.js';
import { checkCuts, seriesEnergy, seriesEnergyOverCuts } from './series.js';
import type { EnergyOptions, EnergyQuantity, SeriesEnergy, SeriesSource } from './types.js';
import { DEFAULT_ENERGY_OPTIONS } from './types.js';

export const ZERO_ENERGY: EnergyQuantity = Object.freeze({ kWh: 0, measuredKwh: 0, estimatedKwh: 0, interpolatedKwh: 0 });

export function addEnergy(a: EnergyQuantity, b: EnergyQuantity): EnergyQuantity {
  return {
    kWh: a.kWh + b.kWh,
    measuredKwh: a.measuredKwh + b.measuredKwh,
    estimatedKwh: a.estimatedKwh + b.estimatedKwh,
    interpolatedKwh: a.interpolatedKwh + b.interpolatedKwh,
  };
}

export const sumEnergy = (items: readonly EnergyQuantity[]): EnergyQuantity => items.reduce<EnergyQuantity>(addEnergy, ZERO_ENERGY);

/** Measured share of a figure, 0..1; a figure of no energy is fully measured. */
export function measuredShare(q: EnergyQuantity): number {
  return q.kWh > 0 ? q.measuredKwh / q.kWh : 1;
}

export interface GroupEnergy extends EnergyQuantity {
  series: SeriesEnergy[];
}

/** Energy of a grouping (rack, feed, phase, room, …) over [fromMs, toMs): the sum of its series. */
export function groupEnergy(
  sources: readonly SeriesSource[],
  fromMs: number,
  toMs: number,
  opts: EnergyOptions = DEFAULT_ENERGY_OPTIONS,
): GroupEnergy {
  const series = sources.map((s) => seriesEnergy(s, fromMs, toMs, opts));
  return { ...sumEnergy(series), series };
}

/** A metered point with its counter series and when the holder in question held it (from the model). */
export interface HeldPoint {
  pointId: string;
  series: SeriesSource;
  held: readonly HeldSpan[];
}

export interface PointEnergy extends EnergyQuantity {
  pointId: string;
  seriesId: string;
  /** Someone else's point inside the customer's, its energy taken off (billing/net.ts): the figures are negative. */
  deducted?: true;
  /** The series' energy over each held piece of the interval, with its trace. */
  pieces: SeriesEnergy[];
}

export interface IntervalEnergy extends EnergyQuantity {
  fromMs: number;
  toMs: number;
  points: PointEnergy[];
}

function heldPieces(point: HeldPoint, fromMs: number, toMs: number): [number, number][] {
  const pieces: [number, number][] = [];
  for (const h of point.held) {
    const end = h.toMs ?? Infinity;
    if (!(end > h.fromMs)) throw new EnergyInputError(`held span ${h.fromMs}..${h.toMs} is empty or reversed`, point.series.seriesId);
    const a = Math.max(fromMs, h.fromMs);
    const b = Math.min(toMs, end);
    if (a < b) pieces.push([a, b]);
  }
  pieces.sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < pieces.length; i++) {
    if (pieces[i]![0] < pieces[i - 1]![1])
      throw new EnergyInputError(`point ${point.pointId} is held twice at ${pieces[i]![0]}`, point.series.seriesId);
  }
  return pieces;
}

/**
 * Energy of points over each [cuts[i], cuts[i+1]), counting each point only while it is held. Per point,
 * the counters are looked up once at every cut and every change of holder inside the cuts' span.
 */
export function heldEnergyOverCuts(
  points: readonly HeldPoint[],
  cutsMs: readonly number[],
  opts: EnergyOptions = DEFAULT_ENERGY_OPTIONS,
): IntervalEnergy[] {
  checkCuts(cutsMs);
  const n = cutsMs.length - 1;
  const perInterval: PointEnergy[][] = Array.from({ length: n }, () => []);
  const first = cutsMs[0]!;
  const last = cutsMs[n]!;
  for (const p of points) {
    const pieces = heldPieces(p, first, last);
    if (pieces.length === 0) continue;
    const instants = new Set<number>();
    for (const [a, b] of pieces) {
      instants.add(a);
      instants.add(b);
      for (const c of cutsMs) if (c > a && c < b) instants.add(c);
    }
    const own = [...instants].sort((x, y) => x - y);
    const energies = seriesEnergyOverCuts(p.series, own, opts);
    let k = 0; // index of the outer interval
    let piece = 0;
    for (const e of energies) {
      while (piece < pieces.length && pieces[piece]![1] <= e.fromMs) piece++;
      const held = piece < pieces.length && pieces[piece]![0] <= e.fromMs && e.toMs <= pieces[piece]![1];
      if (!held) continue;
      while (cutsMs[k + 1]! <= e.fromMs) k++;
      const list = perInterval[k]!;
      let pe = list[list.length - 1];
      if (pe?.pointId !== p.pointId) {
        pe = { pointId: p.pointId, seriesId: p.series.seriesId, ...ZERO_ENERGY, pieces: [] };
        list.push(pe);
      }
      Object.assign(pe, addEnergy(pe, e));
      pe.pieces.push(e);
    }
  }
  return perInterval.map((pts, i) => ({ fromMs: cutsMs[i]!, toMs: cutsMs[i + 1]!, ...sumEnergy(pts), points: pts }));
}

export interface PeakDemand {
  /** Highest mean power over one slot, in kW. */
  kW: number;
  slotFromMs: number;
  slotToMs: number;
  /** The peak slot's energy depends on an estimate. */
  estimated: boolean;
  /** Full slots considered. */
  slots: number;
}

export const DEMAND_SLOT_MS = 15 * 60_000;

/**
 * Peak demand of a group over [fromMs, toMs): the largest energy in one 15-minute slot (on the UTC
 * quarter-hour grid, which is the local one in every zone in use, all offsets being whole quarter hours)
 * divided by its length. Only whole slots count. The cost grows with the number of slots (2,976 in a
 * 31-day month) times the points, not with the sampling rate. Undefined when no whole slot fits.
 */
export function peakDemand(
  points: readonly HeldPoint[],
  fromMs: number,
  toMs: number,
  opts: EnergyOptions = DEFAULT_ENERGY_OPTIONS,
  slotMs = DEMAND_SLOT_MS,
): PeakDemand | undefined {
  const first = Math.ceil(fromMs / slotMs) * slotMs;
  const cuts: number[] = [];
  for (let c = first; c <= toMs; c += slotMs) cuts.push(c);
  if (cuts.length < 2) return undefined;
  const slots = heldEnergyOverCuts(points, cuts, opts);
  let best: IntervalEnergy | undefined;
  for (const s of slots) if (!best || s.kWh > best.kWh) best = s;
  const b = best!;
  return { kW: (b.kWh * 3_600_000) / slotMs, slotFromMs: b.fromMs, slotToMs: b.toMs, estimated: b.estimatedKwh > 0, slots: slots.length };
}

/** What pricing asks of a customer's energy at one site (billing/price.ts): cut-based energy and peak demand. */
export interface CustomerEnergy {
  energyOver(cutsMs: readonly number[]): IntervalEnergy[];
  peakDemand(fromMs: number, toMs: number): PeakDemand | undefined;
}

/** CustomerEnergy over the points a customer held (spans from the model, series from storage). */
export function heldPointsEnergy(points: readonly HeldPoint[], opts: EnergyOptions = DEFAULT_ENERGY_OPTIONS): CustomerEnergy {
  return {
    energyOver: (cutsMs) => heldEnergyOverCuts(points, cutsMs, opts),
    peakDemand: (fromMs, toMs) => peakDemand(points, fromMs, toMs, opts),
  };
}
