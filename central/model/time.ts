// Instants in the inventory: an ISO timestamp with an offset, or a local date that means the first instant
// of that day in a site's IANA time zone. Pure (Intl only); every instant is epoch milliseconds.

/** [fromMs, toMs): `toMs` is Infinity for an open end. */
export interface IntervalMs {
  fromMs: number;
  toMs: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})$/;

function validCalendarDay(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

export type TimeSpec = { kind: 'date'; date: string } | { kind: 'instant'; ms: number };

/** A local date (`2026-10-15`) or a timestamp with an offset (`2026-10-15T08:00:00+02:00`); undefined if neither. */
export function parseTimeSpec(text: string): TimeSpec | undefined {
  const d = DATE.exec(text);
  if (d) return validCalendarDay(Number(d[1]), Number(d[2]), Number(d[3])) ? { kind: 'date', date: text } : undefined;
  const t = TIMESTAMP.exec(text);
  if (!t) return undefined;
  const [hh, mm, ss] = [Number(t[4]), Number(t[5]), Number(t[6] ?? 0)];
  if (!validCalendarDay(Number(t[1]), Number(t[2]), Number(t[3])) || hh > 23 || mm > 59 || ss > 59) return undefined;
  const off = t[8]!;
  if (off !== 'Z' && (Number(off.slice(1, 3)) > 23 || Number(off.slice(4, 6)) > 59)) return undefined;
  return { kind: 'instant', ms: Date.parse(text) };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True for a zone name Intl knows (`Europe/Amsterdam`, `UTC`); offsets such as `+01:00` are not zones. */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  try {
    formatter(name);
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

/** The wall-clock fields of an instant in a zone. */
export function localParts(ms: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour!, minute: out.minute!, second: out.second! };
}

/** `YYYY-MM-DD` of an instant in a zone. */
export function localDateOf(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

function offsetMs(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

const DAY_MS = 86_400_000;

/**
 * The first instant of a local date in a zone: local midnight, or the end of the gap where a DST change
 * skips midnight (some zones switch at 00:00). Tries the offsets in force a day before and a day after.
 */
export function startOfLocalDayMs(date: string, timeZone: string): number {
  // Inventories repeat a few dates thousands of times; Intl formatting is the cost.
  const key = `${date} ${timeZone}`;
  let ms = dayStarts.get(key);
  if (ms === undefined) {
    ms = computeStartOfLocalDayMs(date, timeZone);
    if (dayStarts.size >= 10_000) dayStarts.clear();
    dayStarts.set(key, ms);
  }
  return ms;
}

const dayStarts = new Map<string, number>();

function computeStartOfLocalDayMs(date: string, timeZone: string): number {
  const m = DATE.exec(date);
  if (!m || !validCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]))) throw new RangeError(`not a date: ${date}`);
  const wallMs = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const candidates = [offsetMs(wallMs - DAY_MS, timeZone), offsetMs(wallMs + DAY_MS, timeZone)]
    .map((off) => wallMs - off)
    .filter((ms) => localDateOf(ms, timeZone) === date)
    .sort((a, b) => a - b);
  // A candidate whose offset is wrong lands on the day before; the earlier valid one is the day's start.
  const first = candidates[0];
  if (first === undefined) throw new RangeError(`no start of ${date} found in ${timeZone}`);
  return first;
}

/** Resolves a spec to epoch ms; a local date needs the zone of the site it concerns. */
export function resolveTimeSpec(spec: TimeSpec, timeZone: string | undefined): number | undefined {
  if (spec.kind === 'instant') return spec.ms;
  return timeZone === undefined ? undefined : startOfLocalDayMs(spec.date, timeZone);
}

export function isoOf(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '∞';
}
