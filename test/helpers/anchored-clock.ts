// A real-time clock that starts at a chosen instant (common/clock.ts): a central node under test sees
// the same calendar on any day the suite runs (which months are closed, which invoices the billing tick
// drafts, the numbering year), while live traffic still flows in real time.
export { anchoredClock } from '../../common/clock.js';

/** 5 November 2026: October is the closed month the example data covers, and its invoices are numbered 2026. */
export const NOV_5_2026_MS = Date.parse('2026-11-05T12:00:00Z');

/** The environment of a spawned `joulebook central ...` on that calendar. */
export const ON_NOV_5_2026 = { JB_NOW: new Date(NOV_5_2026_MS).toISOString() } as const;
