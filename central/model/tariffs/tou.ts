// Time-of-use: the instants where a tariff version's price changes within a span, in local time. Each
// local day is cut at its windows' hours (DST days included: a window's hours are wall-clock hours, so
// on the night the clocks go back a 02:00-03:00 window lasts two hours, and one going forward, none).
import { nextDay, zoneClock, type LocalDate } from '../../../common/local-time.js';
import { STANDARD_WINDOW, windowDays, type TariffVersion } from './tariff.js';

export interface TouInterval {
  fromMs: number;
  toMs: number;
  /** A window's name, or "standard" for hours outside every window. */
  window: string;
  pricePerKwh: string | number;
}

/** Consecutive intervals covering [fromMs, toMs), each with its window and price; adjacent ones of the same window merged. */
export function touIntervals(
  version: Pick<TariffVersion, 'touWindows' | 'energyPricePerKwh'>,
  fromMs: number,
  toMs: number,
  timeZone: string,
): TouInterval[] {
  const zone = zoneClock(timeZone);
  const out: TouInterval[] = [];
  const push = (a: number, b: number, window: string, pricePerKwh: string | number): void => {
    const lo = Math.max(a, fromMs);
    const hi = Math.min(b, toMs);
    if (!(lo < hi)) return;
    const last = out[out.length - 1];
    if (last && last.window === window && last.toMs === lo) last.toMs = hi;
    else out.push({ fromMs: lo, toMs: hi, window, pricePerKwh });
  };
  const l = zone.local(fromMs);
  let day: LocalDate = { year: l.year, month: l.month, day: l.day };
  let dayStart = zone.instantOf(day.year, day.month, day.day);
  while (dayStart < toMs) {
    const next = nextDay(day);
    const dayEnd = zone.instantOf(next.year, next.month, next.day);
    const weekday = zone.local(Math.max(dayStart, fromMs)).isoWeekday;
    const windows = version.touWindows
      .filter((w) => windowDays(w.days).includes(weekday))
      .map((w) => ({
        w,
        a: zone.instantOf(day.year, day.month, day.day, w.fromHour),
        b: w.toHour === 24 ? dayEnd : zone.instantOf(day.year, day.month, day.day, w.toHour),
      }))
      .sort((x, y) => x.a - y.a);
    let cursor = dayStart;
    for (const { w, a, b } of windows) {
      push(cursor, a, STANDARD_WINDOW, version.energyPricePerKwh);
      push(a, b, w.name, w.pricePerKwh);
      cursor = Math.max(cursor, b);
    }
    push(cursor, dayEnd, STANDARD_WINDOW, version.energyPricePerKwh);
    day = next;
    dayStart = dayEnd;
  }
  return out;
}
