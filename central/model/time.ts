// Instants in the inventory: an ISO timestamp with an offset, or a local date that means the first instant
// of that day in a site's IANA time zone (common/local-time.ts). Pure; every instant is epoch milliseconds.
import { localMidnight } from '../../common/local-time.js';

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

/** Resolves a spec to epoch ms; a local date needs the zone of the site it concerns. */
export function resolveTimeSpec(spec: TimeSpec, timeZone: string | undefined): number | undefined {
  if (spec.kind === 'instant') return spec.ms;
  return timeZone === undefined ? undefined : localMidnight(spec.date, timeZone);
}

export function isoOf(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '∞';
}
