// Local time in a site's IANA time zone, with Intl only (no date library: offsets at an instant are all
// that is needed, and Intl has them). Periods are [fromMs, toMs) between local midnights, so a month in
// Amsterdam and one in Singapore end at different instants, and DST months have 743 or 745 hours.

const DAY_MS = 86_400_000;

/** An IANA time zone name Intl does not know, or a malformed date or month. */
export class PeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodError';
  }
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  isoWeekday: number;
}

export interface ZoneClock {
  readonly timeZone: string;
  /** Local wall time minus UTC at this instant, in ms (Amsterdam in summer: 7_200_000). */
  offsetMs(utcMs: number): number;
  local(utcMs: number): LocalTime;
  /**
   * The instant a local wall time happens. A time that happens twice (clocks back) gives the first; a
   * time that does not exist (clocks forward) moves forward by the length of the gap, as Temporal's
   * 'compatible' does: 02:00 on a spring-forward night in Amsterdam is the instant the clocks jump.
   */
  instantOf(year: number, month: number, day: number, hour?: number, minute?: number): number;
}

const clocks = new Map<string, ZoneClock>();
/** Local fields memoized per instant: an invoice run asks the same month's edges and hours for every customer. */
const FIELD_CACHE_MAX = 200_000;

/** The clock of a zone; one per zone name, shared (it holds no state but a bounded cache of pure results). */
export function zoneClock(timeZone: string): ZoneClock {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = makeZoneClock(timeZone);
    clocks.set(timeZone, clock);
  }
  return clock;
}

function makeZoneClock(timeZone: string): ZoneClock {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new PeriodError(`unknown time zone "${timeZone}" (an IANA name such as Europe/Amsterdam)`);
  }
  const cache = new Map<number, Omit<LocalTime, 'isoWeekday'>>();
  const fields = (utcMs: number): Omit<LocalTime, 'isoWeekday'> => {
    const hit = cache.get(utcMs);
    if (hit) return hit;
    const f: Record<string, number> = {};
    for (const p of fmt.formatToParts(utcMs)) if (p.type !== 'literal') f[p.type] = Number(p.value);
    const out = Object.freeze({ year: f.year!, month: f.month!, day: f.day!, hour: f.hour!, minute: f.minute!, second: f.second! });
    if (cache.size >= FIELD_CACHE_MAX) cache.clear();
    cache.set(utcMs, out);
    return out;
  };
  const offsetMs = (utcMs: number): number => {
    const l = fields(utcMs);
    return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - Math.floor(utcMs / 1000) * 1000;
  };
  return {
    timeZone,
    offsetMs,
    local(utcMs) {
      const l = fields(utcMs);
      return { ...l, isoWeekday: isoWeekday(l.year, l.month, l.day) };
    },
    instantOf(year, month, day, hour = 0, minute = 0) {
      const wall = Date.UTC(year, month - 1, day, hour, minute);
      // At most one transition lies within a day of any wall time, so the offsets a day either side
      // are the only candidates.
      const before = offsetMs(wall - DAY_MS);
      const after = offsetMs(wall + DAY_MS);
      const fits = [wall - before, wall - after].filter((u) => u + offsetMs(u) === wall).sort((a, b) => a - b);
      return fits[0] ?? wall - before;
    },
  };
}

/** True for a zone name Intl knows (`Europe/Amsterdam`, `UTC`); offsets such as `+01:00` are not zones. */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  try {
    zoneClock(name);
    return true;
  } catch {
    return false;
  }
}

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 code that Intl knows (`EUR`, `SGD`). */
export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && CURRENCIES.has(code);
}

export function isoWeekday(year: number, month: number, day: number): number {
  const d = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return d === 0 ? 7 : d;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export function parseLocalDate(date: string): LocalDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const d = m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : undefined;
  if (!d || d.month < 1 || d.month > 12 || d.day < 1 || d.day > daysInMonth(d.year, d.month))
    throw new PeriodError(`"${date}" is not a date (YYYY-MM-DD)`);
  return d;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The next calendar day (no time zone involved). */
export function nextDay(d: LocalDate): LocalDate {
  const n = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return { year: n.getUTCFullYear(), month: n.getUTCMonth() + 1, day: n.getUTCDate() };
}

export function formatLocalDate(d: LocalDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** The instant a local date begins in the zone (its midnight, or the first instant after a DST gap at midnight). */
export function localMidnight(date: string, timeZone: string): number {
  const d = parseLocalDate(date);
  return zoneClock(timeZone).instantOf(d.year, d.month, d.day);
}

/** The local date an instant falls on. */
export function localDateOf(utcMs: number, timeZone: string): string {
  return formatLocalDate(zoneClock(timeZone).local(utcMs));
}

export interface Period {
  /** `2026-10` */
  label: string;
  timeZone: string;
  fromMs: number;
  toMs: number;
  /** Calendar days in the period (used to prorate monthly amounts). */
  days: number;
}

/** A calendar month in a zone: [local midnight of the 1st, local midnight of the next month's 1st). */
export function monthPeriod(month: string, timeZone: string): Period {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  const year = Number(m?.[1]);
  const mon = Number(m?.[2]);
  if (!m || mon < 1 || mon > 12) throw new PeriodError(`"${month}" is not a month (YYYY-MM)`);
  const zone = zoneClock(timeZone);
  const next = mon === 12 ? { year: year + 1, month: 1 } : { year, month: mon + 1 };
  return {
    label: month,
    timeZone,
    fromMs: zone.instantOf(year, mon, 1),
    toMs: zone.instantOf(next.year, next.month, 1),
    days: daysInMonth(year, mon),
  };
}
