// The invoice run as a catch-up state machine, pure. A tick asks, for each site, which months are closed
// (their local end plus the grace period has passed) and not complete, then for each of them, oldest
// first, which step comes next. A node that was down at midnight finds the months it missed on its next
// tick; a month that is complete is never touched again (issue 7, "Invoice runs").
import { monthPeriod } from '../../../common/local-time.js';
import type { RunState } from '../../storage/billing/types.js';

const MONTH = /^(\d{4})-(\d{2})$/;

export class PeriodLabelError extends Error {
  constructor(readonly label: string) {
    super(`"${label}" is not a month (YYYY-MM)`);
    this.name = 'PeriodLabelError';
  }
}

export function parseMonth(label: string): { year: number; month: number } {
  const m = MONTH.exec(label);
  const month = Number(m?.[2]);
  if (!m || month < 1 || month > 12) throw new PeriodLabelError(label);
  return { year: Number(m[1]), month };
}

export function addMonths(label: string, n: number): string {
  const { year, month } = parseMonth(label);
  const i = year * 12 + (month - 1) + n;
  return `${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** The zones a month must have ended in: the entity's own and its sites'. */
export interface ClosingZones {
  timeZone: string;
  zones?: readonly string[];
}

/** The instant a month may first be invoiced: its latest local end (midnight on the next 1st) in any of the zones, plus grace. */
export function closesAtMs(at: ClosingZones, period: string, graceMs: number): number {
  return Math.max(...[at.timeZone, ...(at.zones ?? [])].map((z) => monthPeriod(period, z).toMs)) + graceMs;
}

/** Months from `since` on that have closed (closesAtMs) at or before now, oldest first. */
export function closedPeriods(at: ClosingZones & { since: string }, nowMs: number, graceMs: number): string[] {
  const out: string[] = [];
  for (let p = at.since; closesAtMs(at, p, graceMs) <= nowMs; p = addMonths(p, 1)) out.push(p);
  return out;
}

/** The closed months that still have work: no run yet, or a run that is not complete. */
export function periodsToRun(closed: readonly string[], states: ReadonlyMap<string, RunState>): string[] {
  return closed.filter((p) => states.get(p) !== 'complete');
}

/** The months `recheck` recomputes: the latest `months` closed ones. */
export function recheckPeriods(closed: readonly string[], months: number): string[] {
  return months <= 0 ? [] : closed.slice(-months);
}

/** What a run of a site and period (or of one customer in it) looks like right now. */
export interface RunView {
  state: RunState | undefined;
  /** Every draft wanted exists: the run is drafted or later (site), or the customer has an invoice (customer). */
  drafted: boolean;
  /** Drafts not held, waiting to be finalized. */
  drafts: number;
  /** Final invoices whose outputs are not written yet. */
  unrendered: number;
  /** Final invoices not delivered to the webhook yet (0 when there is no webhook). */
  undelivered: number;
}

export type RunAction = 'compute' | 'finalize' | 'render' | 'deliver' | 'done';

export function nextAction(v: RunView): RunAction {
  if (!v.drafted) return 'compute';
  if (v.drafts > 0) return 'finalize';
  if (v.unrendered > 0) return 'render';
  if (v.undelivered > 0) return 'deliver';
  return 'done';
}

export type RunScope = 'site' | 'customer';

/**
 * The run's state once an action succeeded. One customer's run leaves the site's run partial, so the
 * scheduled run still drafts everyone else; the site is complete only when nothing is left to do.
 * A site's run still `drafted` when the machine asks to render or deliver has no draft left and a final
 * invoice: it was finalized, but the state change was lost (a stop between the last finalize and it), so
 * it moves on now instead of staying drafted for good.
 */
export function stateAfter(state: RunState | undefined, action: RunAction, scope: RunScope): RunState | undefined {
  switch (action) {
    case 'compute':
      return scope === 'site' ? (state === undefined || state === 'partial' ? 'drafted' : state) : (state ?? 'partial');
    case 'finalize':
      return state === 'drafted' ? 'finalized' : state;
    case 'render':
    case 'deliver':
      return scope === 'site' && state === 'drafted' ? 'finalized' : state;
    case 'done':
      return state === 'finalized' ? 'complete' : state;
  }
}
