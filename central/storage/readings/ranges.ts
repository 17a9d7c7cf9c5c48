// Received sequence ranges per gateway, kept merged: stored ranges never overlap or touch, so the holes
// between them are exactly the sequences not (yet) received. Pure; both stores use it.
import type { SeqRange } from './types.js';

/** Sorted, with overlapping and adjacent ranges joined ([1,3] + [4,6] = [1,6]). */
export function mergeRanges(ranges: readonly SeqRange[]): SeqRange[] {
  const sorted = [...ranges].sort((a, b) => a.fromSeq - b.fromSeq || a.toSeq - b.toSeq);
  const out: SeqRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.fromSeq <= last.toSeq + 1) last.toSeq = Math.max(last.toSeq, r.toSeq);
    else out.push({ fromSeq: r.fromSeq, toSeq: r.toSeq });
  }
  return out;
}

/** The holes between merged, sorted ranges. */
export function gapsBetween(merged: readonly SeqRange[]): SeqRange[] {
  const gaps: SeqRange[] = [];
  for (let i = 1; i < merged.length; i++) gaps.push({ fromSeq: merged[i - 1]!.toSeq + 1, toSeq: merged[i]!.fromSeq - 1 });
  return gaps;
}

export interface RangeChange {
  /** Stored ranges to delete (absorbed into a wider one that starts elsewhere). */
  remove: SeqRange[];
  /** Ranges to write, keyed by fromSeq (an upsert replaces a stored range starting at the same sequence). */
  upsert: SeqRange[];
}

/**
 * What to change in storage when `incoming` arrives; `stored` must hold at least every stored range that
 * overlaps or touches an incoming one (extra ones are left alone).
 */
export function mergeInto(stored: readonly SeqRange[], incoming: readonly SeqRange[]): RangeChange {
  if (incoming.length === 0) return { remove: [], upsert: [] };
  const merged = mergeRanges([...stored, ...incoming]);
  const key = (r: SeqRange) => `${r.fromSeq}:${r.toSeq}`;
  const storedKeys = new Set(stored.map(key));
  const mergedKeys = new Set(merged.map(key));
  const upsert = merged.filter((r) => !storedKeys.has(key(r)));
  const upsertFrom = new Set(upsert.map((r) => r.fromSeq));
  const remove = stored.filter((r) => !mergedKeys.has(key(r)) && !upsertFrom.has(r.fromSeq));
  return { remove, upsert };
}
