import t from 'tap';
import type { RunState } from '../../storage/billing/types.js';
import {
  addMonths,
  closedPeriods,
  nextAction,
  PeriodLabelError,
  periodsToRun,
  recheckPeriods,
  stateAfter,
  type RunAction,
  type RunScope,
  type RunView,
} from './machine.js';

const H = 3_600_000;

t.test('months', async (t) => {
  const table: [string, number, string][] = [
    ['2026-10', 1, '2026-11'],
    ['2026-12', 1, '2027-01'],
    ['2026-01', -1, '2025-12'],
    ['2026-03', 22, '2028-01'],
    ['2026-05', 0, '2026-05'],
  ];
  for (const [from, n, want] of table) t.equal(addMonths(from, n), want, `${from} + ${n}`);
  for (const bad of ['2026-13', '2026-00', '26-10', '2026-1', '']) t.throws(() => addMonths(bad, 1), PeriodLabelError, bad);
});

t.test('closed periods: local end of the month plus grace, per zone', async (t) => {
  const ams = { timeZone: 'Europe/Amsterdam', since: '2026-09' };
  const sin = { timeZone: 'Asia/Singapore', since: '2026-09' };
  // October ends in Amsterdam at 2026-10-31T23:00Z (CET), in Singapore at 2026-10-31T16:00Z.
  const table: [string, { timeZone: string; since: string }, number, number, string[]][] = [
    ['Amsterdam, just before the end of October', ams, Date.UTC(2026, 9, 31, 22, 59), 0, ['2026-09']],
    ['Amsterdam, at local midnight', ams, Date.UTC(2026, 9, 31, 23), 0, ['2026-09', '2026-10']],
    ['Amsterdam, midnight but inside a 6 h grace', ams, Date.UTC(2026, 10, 1, 4, 59), 6 * H, ['2026-09']],
    ['Amsterdam, grace over', ams, Date.UTC(2026, 10, 1, 5), 6 * H, ['2026-09', '2026-10']],
    ['Singapore is 7 h earlier', sin, Date.UTC(2026, 9, 31, 16), 0, ['2026-09', '2026-10']],
    ['nothing before since', { timeZone: 'UTC', since: '2027-01' }, Date.UTC(2026, 11, 15), 0, []],
    ['months missed while down, oldest first', ams, Date.UTC(2027, 1, 10), 6 * H, ['2026-09', '2026-10', '2026-11', '2026-12', '2027-01']],
  ];
  for (const [name, site, now, grace, want] of table) t.same(closedPeriods(site, now, grace), want, name);
});

t.test('periods to run and to recheck', async (t) => {
  const closed = ['2026-08', '2026-09', '2026-10', '2026-11'];
  const states = new Map<string, RunState>([
    ['2026-08', 'complete'],
    ['2026-09', 'finalized'],
    ['2026-10', 'partial'],
  ]);
  t.same(periodsToRun(closed, states), ['2026-09', '2026-10', '2026-11'], 'complete months are left alone');
  t.same(recheckPeriods(closed, 2), ['2026-10', '2026-11']);
  t.same(recheckPeriods(closed, 0), []);
  t.same(recheckPeriods(closed, 9), closed);
});

t.test('next action', async (t) => {
  const v = (o: Partial<RunView>): RunView => ({ state: 'drafted', drafted: true, drafts: 0, unrendered: 0, undelivered: 0, ...o });
  const table: [string, RunView, RunAction][] = [
    ['no run', v({ state: undefined, drafted: false }), 'compute'],
    ['a partial run for the site', v({ state: 'partial', drafted: false, drafts: 1 }), 'compute'],
    ['drafts wait', v({ drafts: 3, unrendered: 2 }), 'finalize'],
    ['finalized, outputs missing', v({ state: 'finalized', unrendered: 2, undelivered: 2 }), 'render'],
    ['rendered, webhook pending', v({ state: 'finalized', undelivered: 1 }), 'deliver'],
    ['all held for review, nothing else', v({ state: 'finalized' }), 'done'],
    ['complete', v({ state: 'complete' }), 'done'],
    ['complete, a released invoice to render', v({ state: 'complete', unrendered: 1 }), 'render'],
  ];
  for (const [name, view, want] of table) t.equal(nextAction(view), want, name);
});

t.test('state after an action', async (t) => {
  const table: [RunState | undefined, RunAction, RunScope, RunState | undefined][] = [
    [undefined, 'compute', 'site', 'drafted'],
    [undefined, 'compute', 'customer', 'partial'],
    ['partial', 'compute', 'customer', 'partial'],
    ['partial', 'compute', 'site', 'drafted'],
    ['drafted', 'compute', 'customer', 'drafted'],
    ['drafted', 'finalize', 'site', 'finalized'],
    ['partial', 'finalize', 'customer', 'partial'],
    ['finalized', 'render', 'site', 'finalized'],
    // A finalize whose state change was lost (stopped between the two): rendering shows it finalized.
    ['drafted', 'render', 'site', 'finalized'],
    ['drafted', 'deliver', 'site', 'finalized'],
    ['drafted', 'render', 'customer', 'drafted'],
    ['partial', 'render', 'site', 'partial'],
    ['finalized', 'deliver', 'site', 'finalized'],
    ['finalized', 'done', 'site', 'complete'],
    ['partial', 'done', 'customer', 'partial'],
    ['complete', 'finalize', 'site', 'complete'],
  ];
  for (const [from, action, scope, want] of table)
    t.equal(stateAfter(from, action, scope), want, `${from ?? 'none'} --${action}/${scope}--> ${want}`);
});
