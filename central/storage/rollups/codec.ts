// The body of a rollup row: a whole RollupDay (edges with their full BoundaryTrace, intervals with their
// stats) in a small binary form, given back exactly (every float64 bit for bit, absent fields absent), so
// an energy computation from the edges equals the one from raw readings. Layout (version 1):
//   byte 0   version; then zlib deflate of:
//   header   u8 intervalMin, f64 dayMs (both checked against the row), varint edges, varint intervals
//   edges    edge-columns.ts: times (the grid or a column), methods, u16 flags, serials, value columns
//   intervals u8 flags, kWh column, meanW / minW / maxW columns, reading count varints
// Number columns are columns.ts's: float64 byte-shuffled, or decimal integers delta coded when exact.
// An interval's kWh is not stored when it is the difference of its edges' values (addPart's arithmetic,
// checked bit for bit by the encoder): the usual case without epoch events.
import { deflateSync, inflateSync } from 'node:zlib';

import type { BoundaryTrace } from '../../energy/types.js';
import { Reader, readNumbers, RollupCodecError, Writer, writeNumbers } from './columns.js';
import { readEdges, writeEdges } from './edge-columns.js';
import type { RollupDay, RollupInterval, RollupIntervalMin } from './types.js';

export { RollupCodecError } from './columns.js';

export const ROLLUP_BODY_VERSION = 1;

const MEAN = 1;
const MIN = 2;
const MAX = 4;
const KWH_DERIVED = 8;

/** series.ts addPart's energy between two edges of one epoch: acc.kWh (0) + the growth, never negative. */
function kWhOf(s: BoundaryTrace | undefined, e: BoundaryTrace | undefined): number | undefined {
  if (s?.valueKwh === undefined || e?.valueKwh === undefined) return undefined;
  const total = e.valueKwh - s.valueKwh;
  return 0 + (total < 0 ? 0 : total);
}

export function encodeRollupBody(day: RollupDay): Uint8Array {
  const w = new Writer();
  const { edges, intervals } = day;
  w.u8(day.intervalMin);
  w.f64(day.dayMs);
  w.varint(edges.length);
  w.varint(intervals.length);
  writeEdges(w, edges, day.dayMs, day.intervalMin);

  const flags = new Uint8Array(intervals.length);
  const kWh: number[] = [];
  const stats = { mean: [] as number[], min: [] as number[], max: [] as number[] };
  const stat = (v: number | undefined, bit: number, col: number[]): number => {
    if (v === undefined) return 0;
    col.push(v);
    return bit;
  };
  intervals.forEach((iv, i) => {
    if (!(Number.isSafeInteger(iv.readings) && iv.readings >= 0))
      throw new RollupCodecError(`interval ${i} of day ${day.dayMs} has ${iv.readings} readings, not a count`);
    let f = 0;
    if (Object.is(kWhOf(edges[i], edges[i + 1]), iv.kWh)) f |= KWH_DERIVED;
    else kWh.push(iv.kWh);
    flags[i] = f | stat(iv.meanW, MEAN, stats.mean) | stat(iv.minW, MIN, stats.min) | stat(iv.maxW, MAX, stats.max);
  });
  w.bytes(flags);
  writeNumbers(w, kWh);
  writeNumbers(w, stats.mean);
  writeNumbers(w, stats.min);
  writeNumbers(w, stats.max);
  for (const iv of intervals) w.varint(iv.readings);

  const packed = deflateSync(w.finish(), { level: 9 });
  const out = new Uint8Array(packed.length + 1);
  out[0] = ROLLUP_BODY_VERSION;
  out.set(packed, 1);
  return out;
}

export function decodeRollupBody(body: Uint8Array, seriesId: number, dayMs: number, intervalMin: RollupIntervalMin): RollupDay {
  if (body.length === 0) throw new RollupCodecError('empty body');
  if (body[0] !== ROLLUP_BODY_VERSION) throw new RollupCodecError(`body version ${body[0]}, this code reads ${ROLLUP_BODY_VERSION}`);
  let payload: Uint8Array;
  try {
    payload = inflateSync(body.subarray(1));
  } catch (err) {
    throw new RollupCodecError(`body does not inflate (truncated or corrupt): ${(err as Error).message}`);
  }
  const r = new Reader(payload);
  const bodyInterval = r.u8('intervalMin');
  if (bodyInterval !== intervalMin) throw new RollupCodecError(`body has ${bodyInterval}-minute intervals, the row says ${intervalMin}`);
  const bodyDay = r.f64('dayMs');
  if (!Object.is(bodyDay, dayMs)) throw new RollupCodecError(`body is of day ${bodyDay}, the row says ${dayMs}`);
  const nEdges = r.varint('edge count');
  const nIntervals = r.varint('interval count');
  // Every edge and interval takes at least a byte: a larger count is a corrupt one, not a reason to allocate.
  if (nEdges > payload.length || nIntervals > payload.length)
    throw new RollupCodecError(`corrupt body: ${nEdges} edges and ${nIntervals} intervals in ${payload.length} bytes`);
  const edges = readEdges(r, nEdges, dayMs, intervalMin, payload.length);

  const flags = r.bytes(nIntervals, 'interval flags');
  const count = (bit: number): number => flags.filter((f) => (f & bit) !== 0).length;
  const kWh = readNumbers(r, nIntervals - count(KWH_DERIVED), 'interval kWh');
  const mean = readNumbers(r, count(MEAN), 'meanW');
  const min = readNumbers(r, count(MIN), 'minW');
  const max = readNumbers(r, count(MAX), 'maxW');
  const at = { kWh: 0, mean: 0, min: 0, max: 0 };
  const intervals: RollupInterval[] = [];
  for (let i = 0; i < nIntervals; i++) {
    const f = flags[i]!;
    if (f > 15) throw new RollupCodecError(`corrupt body: interval ${i} has flags ${f}`);
    const k = f & KWH_DERIVED ? kWhOf(edges[i], edges[i + 1]) : kWh[at.kWh++];
    if (k === undefined) throw new RollupCodecError(`corrupt body: interval ${i} derives kWh from edges without values`);
    intervals.push({
      kWh: k,
      meanW: f & MEAN ? mean[at.mean++] : undefined,
      minW: f & MIN ? min[at.min++] : undefined,
      maxW: f & MAX ? max[at.max++] : undefined,
      readings: r.varint('interval readings'),
    });
  }
  r.end();
  return { seriesId, dayMs, intervalMin, edges, intervals };
}
