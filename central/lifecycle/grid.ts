// What the builder needs of the rollup grid beyond energy/rollup.ts: the days of a long range as their
// midnights only (a catch-up of months must not hold every edge at once), and the last edge at or before
// an instant (a series' target). The grid is uniform in UTC (energy/rollup.ts), so that edge is a floor
// from the day's midnight.
import { nextDay, zoneClock } from '../../common/local-time.js';
import { dayStartOf } from '../energy/rollup.js';

const MIN_MS = 60_000;

/** Local midnight of the next day. */
export function nextDayStart(dayMs: number, timeZone: string): number {
  const z = zoneClock(timeZone);
  const n = nextDay(z.local(dayMs));
  return z.instantOf(n.year, n.month, n.day);
}

/** The last grid edge at or before an instant. */
export function lastEdgeAtOrBefore(ms: number, timeZone: string, intervalMin: number): number {
  const anchor = dayStartOf(timeZone, ms);
  const stepMs = intervalMin * MIN_MS;
  return anchor + Math.floor((ms - anchor) / stepMs) * stepMs;
}

/** The local days [first, last] as their midnights. */
export function daysBetween(firstDayMs: number, lastDayMs: number, timeZone: string): number[] {
  const out: number[] = [];
  for (let d = firstDayMs; d <= lastDayMs; d = nextDayStart(d, timeZone)) out.push(d);
  return out;
}

/** The local day number of a midnight (days since 1970-01-01 on the calendar), to cut days into windows. */
export function dayNumber(dayMs: number, timeZone: string): number {
  const l = zoneClock(timeZone).local(dayMs);
  return Math.round(Date.UTC(l.year, l.month - 1, l.day) / 86_400_000);
}
