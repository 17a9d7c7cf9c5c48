// The rollup grid of a site's zone: local days (23, 24 or 25 h) cut into intervals of intervalMin. An
// interval divides an hour and DST moves clocks by whole hours, so every edge lies on one grid uniform in
// UTC: any edge anchors it, and the last edge at or before an instant is a floor on that grid.
import { formatLocalDate, nextDay, zoneClock } from '../../common/local-time.js';

const MIN_MS = 60_000;

/** Local midnight of the day an instant falls on, epoch ms. */
export function dayStartOf(ms: number, timeZone: string): number {
  const z = zoneClock(timeZone);
  const l = z.local(ms);
  return z.instantOf(l.year, l.month, l.day);
}

/** Local midnight of the next day. */
export function nextDayStart(dayMs: number, timeZone: string): number {
  const z = zoneClock(timeZone);
  const n = nextDay(z.local(dayMs));
  return z.instantOf(n.year, n.month, n.day);
}

/** The day's edges: dayMs + k * interval, k = 0..n (the last one is the next day's midnight). */
export function dayEdges(dayMs: number, timeZone: string, intervalMin: number): number[] {
  const endMs = nextDayStart(dayMs, timeZone);
  const stepMs = intervalMin * MIN_MS;
  const out: number[] = [];
  for (let t = dayMs; t <= endMs; t += stepMs) out.push(t);
  return out;
}

/** The last grid edge at or before an instant. */
export function lastEdgeAtOrBefore(ms: number, timeZone: string, intervalMin: number): number {
  const anchor = dayStartOf(ms, timeZone);
  const stepMs = intervalMin * MIN_MS;
  return anchor + Math.floor((ms - anchor) / stepMs) * stepMs;
}

/** The local days [first, last] as their midnights. */
export function daysBetween(firstDayMs: number, lastDayMs: number, timeZone: string): number[] {
  const out: number[] = [];
  for (let d = firstDayMs; d <= lastDayMs; d = nextDayStart(d, timeZone)) out.push(d);
  return out;
}

/** 'YYYY-MM-DD' of a day (logs). */
export const dayLabel = (dayMs: number, timeZone: string): string => formatLocalDate(zoneClock(timeZone).local(dayMs));
