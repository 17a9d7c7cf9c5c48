// The edges of a rollup body as columns (codec.ts holds the layout). Each edge has a method byte and a
// u16 of flags saying which fields it has and how each is stored; the columns then hold only the values
// present and not derived. Derived: an interpolated edge's value (linear between before and after), an
// exact hit's value (that reading's), an estimated_rate edge's rate (from before/after). The encoder
// checks that the core's arithmetic, repeated here, gives the value back bit for bit before it leaves it
// out. Timestamps of before/after are int32 deltas from the edge where they fit; the readings' counter
// values are one column, before and after interleaved, so consecutive values differ little.
import type { BoundaryMethod, BoundaryTrace, ReadingRef } from '../../energy/types.js';
import type { Reader, Writer } from './columns.js';
import { readInt32s, readNumbers, readU16s, RollupCodecError, writeInt32s, writeNumbers, writeU16s } from './columns.js';

const METHODS: readonly BoundaryMethod[] = [
  'reading',
  'event',
  'interpolated',
  'estimated_power',
  'estimated_rate',
  'estimated_hold',
  'in_gap',
  'none',
];
const MS_PER_HOUR = 3_600_000;

const ESTIMATED = 1;
const VALUE_SHIFT = 1; // 3 bits: absent, stored, linear, before's value, after's value
const [V_ABSENT, V_STORED, V_LINEAR, V_BEFORE, V_AFTER] = [0, 1, 2, 3, 4] as const;
const EPOCH = 1 << 4;
const SERIAL = 1 << 5;
const BEFORE = 1 << 6;
const AFTER = 1 << 7;
const BEFORE_SERIAL = 1 << 8;
const AFTER_SERIAL = 1 << 9;
const BEFORE_DELTA = 1 << 10;
const AFTER_DELTA = 1 << 11;
const RATE_SHIFT = 12; // 2 bits: absent, stored, from before/after
const [R_ABSENT, R_STORED, R_DERIVED] = [0, 1, 2] as const;

/** boundary.ts counterAt's arithmetic, repeated to derive values. */
const linearOf = (t: number, b: ReadingRef, a: ReadingRef): number => b.valueKwh + ((a.valueKwh - b.valueKwh) * (t - b.ts)) / (a.ts - b.ts);
const rateOf = (b: ReadingRef, a: ReadingRef): number => ((a.valueKwh - b.valueKwh) / (a.ts - b.ts)) * MS_PER_HOUR;

function valueMode(e: BoundaryTrace): number {
  const v = e.valueKwh;
  if (v === undefined) return V_ABSENT;
  if (e.before && e.after && Object.is(linearOf(e.atMs, e.before, e.after), v)) return V_LINEAR;
  if (e.before && Object.is(e.before.valueKwh, v)) return V_BEFORE;
  if (e.after && Object.is(e.after.valueKwh, v)) return V_AFTER;
  return V_STORED;
}

function rateMode(e: BoundaryTrace): number {
  if (e.rateKw === undefined) return R_ABSENT;
  return e.before && e.after && Object.is(rateOf(e.before, e.after), e.rateKw) ? R_DERIVED : R_STORED;
}

const fitsDelta = (ts: number, atMs: number): boolean => {
  const d = ts - atMs;
  return d === (d | 0) && Object.is(atMs + d, ts);
};

/** Edge i on the grid is at this instant (the same expression on both sides, so the same float). */
const gridMs = (dayMs: number, intervalMin: number, i: number): number => dayMs + i * intervalMin * 60_000;

export function writeEdges(w: Writer, edges: readonly BoundaryTrace[], dayMs: number, intervalMin: number): void {
  const onGrid = edges.every((e, i) => Object.is(e.atMs, gridMs(dayMs, intervalMin, i)));
  w.u8(onGrid ? 0 : 1);
  if (!onGrid)
    writeNumbers(
      w,
      edges.map((e) => e.atMs),
    );

  const strings = new Map<string, number>();
  const serials: number[] = [];
  const col = { value: [] as number[], epoch: [] as number[], readingValues: [] as number[], rate: [] as number[] };
  const ts = { beforeDelta: [] as number[], beforeRaw: [] as number[], afterDelta: [] as number[], afterRaw: [] as number[] };
  const flags: number[] = [];
  const methods = new Uint8Array(edges.length);
  edges.forEach((e, i) => {
    const m = METHODS.indexOf(e.method);
    if (m < 0) throw new RollupCodecError(`edge ${i} at ${e.atMs} has unknown method ${String(e.method)}`);
    methods[i] = m;
    const vm = valueMode(e);
    const rm = rateMode(e);
    let f = (e.estimated ? ESTIMATED : 0) | (vm << VALUE_SHIFT) | (rm << RATE_SHIFT);
    const serial = (s: string | undefined, bit: number): void => {
      if (s === undefined) return;
      f |= bit;
      if (!strings.has(s)) strings.set(s, strings.size);
      serials.push(strings.get(s)!);
    };
    const side = (
      r: ReadingRef | undefined,
      present: number,
      serialBit: number,
      deltaBit: number,
      delta: number[],
      raw: number[],
    ): void => {
      if (!r) return;
      f |= present;
      serial(r.serial, serialBit);
      if (fitsDelta(r.ts, e.atMs)) {
        f |= deltaBit;
        delta.push(r.ts - e.atMs);
      } else raw.push(r.ts);
      col.readingValues.push(r.valueKwh);
    };
    if (vm === V_STORED) col.value.push(e.valueKwh!);
    if (e.epochStartMs !== undefined) {
      f |= EPOCH;
      col.epoch.push(e.epochStartMs);
    }
    serial(e.serial, SERIAL);
    side(e.before, BEFORE, BEFORE_SERIAL, BEFORE_DELTA, ts.beforeDelta, ts.beforeRaw);
    side(e.after, AFTER, AFTER_SERIAL, AFTER_DELTA, ts.afterDelta, ts.afterRaw);
    if (rm === R_STORED) col.rate.push(e.rateKw!);
    flags.push(f);
  });
  w.bytes(methods);
  writeU16s(w, flags);
  w.varint(strings.size);
  const enc = new TextEncoder();
  for (const s of strings.keys()) {
    const b = enc.encode(s);
    w.varint(b.length);
    w.bytes(b);
  }
  for (const i of serials) w.varint(i);
  writeNumbers(w, col.value);
  writeNumbers(w, col.epoch);
  writeInt32s(w, ts.beforeDelta);
  writeNumbers(w, ts.beforeRaw);
  writeInt32s(w, ts.afterDelta);
  writeNumbers(w, ts.afterRaw);
  writeNumbers(w, col.readingValues);
  writeNumbers(w, col.rate);
}

/** A column read in order; the counts came from the same flags that say when to take, so none runs dry. */
class Column<T> {
  private i = 0;
  constructor(private readonly xs: readonly T[]) {}
  next(): T {
    return this.xs[this.i++]!;
  }
}

function readSerials(r: Reader, n: number, limit: number): Column<string> {
  const nStrings = r.varint('serial count');
  if (nStrings > limit) throw new RollupCodecError(`corrupt body: ${nStrings} serials`);
  const dec = new TextDecoder('utf-8', { fatal: true });
  const strings: string[] = [];
  for (let i = 0; i < nStrings; i++) {
    const b = r.bytes(r.varint('serial length'), 'serial');
    try {
      strings.push(dec.decode(b));
    } catch {
      throw new RollupCodecError(`corrupt body: serial ${i} is not UTF-8`);
    }
  }
  const picked = Array.from({ length: n }, () => {
    const i = r.varint('serial index');
    if (i >= strings.length) throw new RollupCodecError(`corrupt body: serial index ${i} of ${strings.length}`);
    return strings[i]!;
  });
  return new Column(picked);
}

export function readEdges(r: Reader, n: number, dayMs: number, intervalMin: number, limit: number): BoundaryTrace[] {
  const atMode = r.u8('edge time mode');
  if (atMode > 1) throw new RollupCodecError(`corrupt body: edge time mode ${atMode}`);
  const atMs = atMode === 0 ? Array.from({ length: n }, (_, i) => gridMs(dayMs, intervalMin, i)) : readNumbers(r, n, 'edge times');
  const methods = r.bytes(n, 'edge methods');
  const flags = readU16s(r, n, 'edge flags');
  const count = (test: (f: number) => boolean): number => flags.filter(test).length;
  const all =
    (...bits: number[]) =>
    (f: number) =>
      bits.every((b) => (f & b) !== 0);
  const only = (bit: number, not: number) => (f: number) => (f & bit) !== 0 && (f & not) === 0;

  const serials = readSerials(r, count(all(SERIAL)) + count(all(BEFORE_SERIAL)) + count(all(AFTER_SERIAL)), limit);
  const num = (test: (f: number) => boolean, what: string): Column<number> => new Column(readNumbers(r, count(test), what));
  const int = (test: (f: number) => boolean, what: string): Column<number> => new Column(readInt32s(r, count(test), what));
  const values = num((f) => ((f >> VALUE_SHIFT) & 7) === V_STORED, 'edge values');
  const epochs = num(all(EPOCH), 'epoch starts');
  const beforeDelta = int(all(BEFORE, BEFORE_DELTA), 'before deltas');
  const beforeRaw = num(only(BEFORE, BEFORE_DELTA), 'before times');
  const afterDelta = int(all(AFTER, AFTER_DELTA), 'after deltas');
  const afterRaw = num(only(AFTER, AFTER_DELTA), 'after times');
  const readingValues = new Column(readNumbers(r, count(all(BEFORE)) + count(all(AFTER)), 'reading values'));
  const rates = num((f) => ((f >> RATE_SHIFT) & 3) === R_STORED, 'rates');

  const edges: BoundaryTrace[] = [];
  for (let i = 0; i < n; i++) {
    const f = flags[i]!;
    const method = METHODS[methods[i]!];
    if (method === undefined) throw new RollupCodecError(`corrupt body: edge ${i} has method code ${methods[i]}`);
    const at = atMs[i]!;
    const vm = (f >> VALUE_SHIFT) & 7;
    const rm = (f >> RATE_SHIFT) & 3;
    if (vm > V_AFTER || rm > R_DERIVED || f >> 14 !== 0) throw new RollupCodecError(`corrupt body: edge ${i} has flags ${f}`);
    const edge: BoundaryTrace = { atMs: at, method, estimated: (f & ESTIMATED) !== 0 };
    const epochStartMs = f & EPOCH ? epochs.next() : undefined;
    const serial = f & SERIAL ? serials.next() : undefined;
    const side = (
      present: number,
      serialBit: number,
      deltaBit: number,
      delta: Column<number>,
      raw: Column<number>,
    ): ReadingRef | undefined => {
      if (!(f & present)) return undefined;
      const s = f & serialBit ? serials.next() : undefined;
      const ts = f & deltaBit ? at + delta.next() : raw.next();
      const valueKwh = readingValues.next();
      return s === undefined ? { ts, valueKwh } : { ts, valueKwh, serial: s };
    };
    const before = side(BEFORE, BEFORE_SERIAL, BEFORE_DELTA, beforeDelta, beforeRaw);
    const after = side(AFTER, AFTER_SERIAL, AFTER_DELTA, afterDelta, afterRaw);
    const needsBoth = vm === V_LINEAR || rm === R_DERIVED;
    if ((needsBoth && !(before && after)) || (vm === V_BEFORE && !before) || (vm === V_AFTER && !after))
      throw new RollupCodecError(`corrupt body: edge ${i} derives a value from a reading it does not have`);
    if (vm === V_STORED) edge.valueKwh = values.next();
    else if (vm === V_LINEAR) edge.valueKwh = linearOf(at, before!, after!);
    else if (vm === V_BEFORE) edge.valueKwh = before!.valueKwh;
    else if (vm === V_AFTER) edge.valueKwh = after!.valueKwh;
    if (epochStartMs !== undefined) edge.epochStartMs = epochStartMs;
    if (serial !== undefined) edge.serial = serial;
    if (before) edge.before = before;
    if (after) edge.after = after;
    if (rm === R_STORED) edge.rateKw = rates.next();
    else if (rm === R_DERIVED) edge.rateKw = rateOf(before!, after!);
    edges.push(edge);
  }
  return edges;
}
