// Which days a monthly amount is charged for: the days its terms applied (the site list's rule, and a
// contract's `prorate: validity`), or the days the customer held something there (a contract's default),
// so a customer whose first rack starts on the 16th pays 16 of 31 days of its fees. Pure.
import { zoneClock, type Period } from '../../common/local-time.js';
import type { IntervalMs } from '../model/types.js';
import type { InvoiceLine, ProrateBasis } from './types.js';

const DAY_MS = 86_400_000;

/** Local calendar days between two instants (whole days between local midnights, also across DST). */
export function localDays(fromMs: number, toMs: number, timeZone: string): number {
  const z = zoneClock(timeZone);
  return Math.round(((toMs + z.offsetMs(toMs) - (fromMs + z.offsetMs(fromMs))) / DAY_MS) * 1e6) / 1e6;
}

/** Local days of the parts of `intervals` inside [fromMs, toMs) (intervals must not overlap). */
export function daysWithin(intervals: readonly IntervalMs[], fromMs: number, toMs: number, timeZone: string): number {
  let days = 0;
  for (const iv of intervals) {
    const a = Math.max(fromMs, iv.fromMs);
    const b = Math.min(toMs, iv.toMs);
    if (a < b) days += localDays(a, b, timeZone);
  }
  return Math.round(days * 1e6) / 1e6;
}

export type Prorate = NonNullable<InvoiceLine['prorate']>;

/** The proration of a monthly amount over `days` of the period; none for the whole period on the validity basis. */
export function prorateOf(days: number, period: Period, basis: ProrateBasis): Prorate | undefined {
  if (basis === 'validity') return days === period.days ? undefined : { days, daysInPeriod: period.days };
  return { days, daysInPeriod: period.days, basis };
}

/** How the rule reads on the line: "16 of 31 days held". */
export function prorateText(p: Prorate): string {
  return `${p.days} of ${p.daysInPeriod} days ${p.basis === 'held' ? 'held' : 'of validity'}`;
}
