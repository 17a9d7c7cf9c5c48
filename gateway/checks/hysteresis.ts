// Raise after N bad windows in a row, clear after M good ones; a window without data changes nothing.
// Keeps one flapping circuit from raising and clearing an alert every minute. Pure.

export type Outcome = 'bad' | 'good' | 'unknown';

export interface HysteresisState {
  active: boolean;
  bad: number;
  good: number;
}

export const IDLE: HysteresisState = { active: false, bad: 0, good: 0 };

export function step(
  s: HysteresisState,
  outcome: Outcome,
  raiseAfter: number,
  clearAfter: number,
): { next: HysteresisState; change?: 'raise' | 'clear' } {
  if (outcome === 'unknown') return { next: s };
  if (outcome === 'bad') {
    const next = { active: s.active, bad: s.bad + 1, good: 0 };
    if (!s.active && next.bad >= raiseAfter) return { next: { ...next, active: true }, change: 'raise' };
    return { next };
  }
  const next = { active: s.active, bad: 0, good: s.good + 1 };
  if (s.active && next.good >= clearAfter) return { next: { ...next, active: false }, change: 'clear' };
  return { next };
}
