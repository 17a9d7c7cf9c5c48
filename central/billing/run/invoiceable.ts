// Which months may be invoiced now: only closed ones (their local end plus the grace period has passed,
// the rule the schedule follows in machine.ts closedPeriods) from the month billing began. The runner
// checks it at every entry point that computes, stores or finalizes a month (run, dry run, release,
// recompute), so a month that has not happened yet can never become a numbered, immutable invoice.
import { zoneClock } from '../../../common/local-time.js';
import { closesAtMs, parseMonth } from './machine.js';
import type { RunEntity } from './types.js';

/** A month whose local end plus the grace period is still ahead: the run would invoice energy not yet used. */
export class PeriodNotClosedError extends Error {
  constructor(
    readonly entity: string,
    readonly period: string,
    readonly closesAtMs: number,
    timeZone: string,
  ) {
    super(
      `${entity} ${period} has not closed yet: it can be invoiced from ${localMinute(closesAtMs, timeZone)} (${timeZone}), ` +
        "after the month's end and the grace period (billing.graceHours); the schedule invoices it then by itself",
    );
    this.name = 'PeriodNotClosedError';
  }
}

/** A month before `billing.since`: nothing is invoiced before billing began. */
export class PeriodBeforeBillingError extends Error {
  constructor(
    readonly entity: string,
    readonly period: string,
    readonly since: string,
  ) {
    super(`${entity} ${period} is before billing began (billing.since: ${since}); months from ${since} on can be invoiced`);
    this.name = 'PeriodBeforeBillingError';
  }
}

function localMinute(ms: number, timeZone: string): string {
  const l = zoneClock(timeZone).local(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${String(l.year).padStart(4, '0')}-${p(l.month)}-${p(l.day)} ${p(l.hour)}:${p(l.minute)}`;
}

/** Throws PeriodLabelError, PeriodBeforeBillingError or PeriodNotClosedError; returns when the month may be invoiced. */
export function assertInvoiceable(entity: RunEntity, period: string, nowMs: number, graceMs: number): void {
  const p = parseMonth(period);
  const s = parseMonth(entity.since);
  if (p.year * 12 + p.month < s.year * 12 + s.month) throw new PeriodBeforeBillingError(entity.id, period, entity.since);
  const closes = closesAtMs(entity, period, graceMs);
  if (nowMs < closes) throw new PeriodNotClosedError(entity.id, period, closes, entity.timeZone);
}
