// What the history covers: from just before the previous calendar month began in the site's zone up to
// now, in steps of the gateways' poll interval; and the instants at which a month becomes invoiceable
// (its local end plus the grace), before which everything polled must have reached the central node, as
// on a real site where the gateways deliver within seconds. Pure.
import { addMonths } from '../../central/billing/run/machine.js';
import { localDateOf, monthPeriod } from '../../common/local-time.js';

export interface HistoryPlan {
  /** The month the demo invoices: the previous one, 'YYYY-MM'. */
  month: string;
  /** Its first day, the contracts' and tariff's start. */
  fromDate: string;
  /** The first poll, one step before the month began, on a step boundary. */
  startMs: number;
  endMs: number;
  stepMs: number;
  /** Local end of each closing month plus grace. */
  closesAtMs: number[];
}

export function historyPlan(nowMs: number, timeZone: string, graceMs: number, stepMs: number): HistoryPlan {
  const month = addMonths(localDateOf(nowMs, timeZone).slice(0, 7), -1);
  const period = monthPeriod(month, timeZone);
  return {
    month,
    fromDate: `${month}-01`,
    stepMs,
    endMs: nowMs,
    startMs: Math.floor((period.fromMs - stepMs) / stepMs) * stepMs,
    closesAtMs: [period.toMs + graceMs],
  };
}

/** The step instants after the first poll, each a step boundary before the end. */
export function stepsOf(plan: HistoryPlan): number[] {
  const out: number[] = [];
  for (let t = plan.startMs + plan.stepMs; t < plan.endMs; t += plan.stepMs) out.push(t);
  return out;
}

/** Moving the clock from `fromMs` to `toMs` makes a month invoiceable: deliver everything first. */
export function mustDrain(plan: HistoryPlan, fromMs: number, toMs: number): boolean {
  return plan.closesAtMs.some((c) => fromMs < c && c <= toMs);
}
