// Request planning: the fewest reads that fetch a device's values within its limits. Pure.
// A value is never split across reads; unused registers between values are read through only up to the
// profile's gap allowance; a read the device refuses (illegal address) is split and the split remembered.
import type { RegisterFunction } from '../../profiles/schema.js';

export interface Span {
  fn: RegisterFunction;
  address: number;
  words: number;
}

export interface PlannedRead<T extends Span = Span> {
  fn: RegisterFunction;
  address: number;
  count: number;
  items: readonly T[];
}

export interface PlanLimits {
  maxRegisters: number;
  maxGap: number;
}

export function planReads<T extends Span>(items: readonly T[], limits: PlanLimits): PlannedRead<T>[] {
  const sorted = [...items].sort((a, b) => (a.fn === b.fn ? a.address - b.address : a.fn < b.fn ? -1 : 1));
  const reads: PlannedRead<T>[] = [];
  let cur: { fn: RegisterFunction; address: number; end: number; items: T[] } | undefined;
  for (const it of sorted) {
    const end = it.address + it.words;
    const fits =
      cur !== undefined &&
      cur.fn === it.fn &&
      it.address - cur.end <= limits.maxGap &&
      Math.max(end, cur.end) - cur.address <= limits.maxRegisters;
    if (cur && fits) {
      cur.end = Math.max(cur.end, end);
      cur.items.push(it);
    } else {
      if (cur) reads.push(close(cur));
      cur = { fn: it.fn, address: it.address, end, items: [it] };
    }
  }
  if (cur) reads.push(close(cur));
  return reads;
}

function close<T extends Span>(c: { fn: RegisterFunction; address: number; end: number; items: T[] }): PlannedRead<T> {
  return { fn: c.fn, address: c.address, count: c.end - c.address, items: c.items };
}

/**
 * A read the device refused with "illegal data address": first split at the gaps (the device may not
 * answer unused registers), and if it had no gaps, in halves by value. A single value cannot be split:
 * returns undefined, and the caller marks that value unreadable.
 */
export function splitRead<T extends Span>(read: PlannedRead<T>): PlannedRead<T>[] | undefined {
  if (read.items.length <= 1) return undefined;
  const noGaps = planReads(read.items, { maxRegisters: read.count, maxGap: 0 });
  if (noGaps.length > 1) return noGaps;
  const half = Math.ceil(read.items.length / 2);
  return [read.items.slice(0, half), read.items.slice(half)].map((part) => planReads(part, { maxRegisters: read.count, maxGap: 0 })[0]!);
}

/** Words of one item out of a read's response. */
export function sliceWords(read: Pick<PlannedRead, 'address'>, data: readonly number[], item: Span): number[] {
  const from = item.address - read.address;
  return data.slice(from, from + item.words);
}
