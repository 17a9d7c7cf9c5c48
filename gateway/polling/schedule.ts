// When to poll what: energy counters at one cadence, the full set at another, on aligned ticks
// (every device reads at :00, :15, ... so central sees comparable timestamps). Pure.
export type PollKind = 'energy' | 'full';

/** The first tick of `intervalMs` strictly after `nowMs`. */
export function nextTick(nowMs: number, intervalMs: number): number {
  return (Math.floor(nowMs / intervalMs) + 1) * intervalMs;
}

export interface Due {
  energyAtMs: number;
  fullAtMs: number;
}

/** What is due at `nowMs`: a full poll covers the energy counters too. */
export function dueKind(due: Due, nowMs: number): PollKind | undefined {
  if (nowMs >= due.fullAtMs) return 'full';
  if (nowMs >= due.energyAtMs) return 'energy';
  return undefined;
}

/** After a poll of `kind` that ended at `nowMs`: the next ticks, and how many were missed (overruns). */
export function advance(
  due: Due,
  kind: PollKind,
  nowMs: number,
  intervals: { energyMs: number; fullMs: number },
): { due: Due; missed: number } {
  const fullAtMs = kind === 'full' ? nextTick(nowMs, intervals.fullMs) : due.fullAtMs;
  const energyAtMs = nextTick(nowMs, intervals.energyMs);
  const scheduled = kind === 'full' ? due.fullAtMs : due.energyAtMs;
  const interval = kind === 'full' ? intervals.fullMs : intervals.energyMs;
  const missed = Math.max(0, Math.floor((nowMs - scheduled) / interval));
  return { due: { energyAtMs, fullAtMs }, missed };
}
