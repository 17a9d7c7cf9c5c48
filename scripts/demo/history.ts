// The accelerated history, through the real chain. The simulators, the gateways and the central node all
// read one WarpClock (clock.ts). The real gateways (gateway/main.ts: scheduler, drivers, counter checks,
// outbox, publisher) poll the simulators over Modbus TCP, the RS-485 line and SNMP once an hour of
// simulated time; after each round of polls, when every poll loop sleeps until its next hour, the clock
// jumps to that hour. Readings reach the central node over MQTT with the gateways' own broker users and
// are stored by its ingest like any others. Before a jump makes a month invoiceable, the gateways'
// outboxes are drained, as a real site delivers within seconds. Only the waiting between polls is skipped.
import type { RunningGateway } from '../../gateway/main.js';
import type { WarpClock } from './clock.js';
import { mustDrain, stepsOf, type HistoryPlan } from './plan.js';

export interface HistoryDeps {
  clock: WarpClock;
  plan: HistoryPlan;
  gateways: readonly RunningGateway[];
  /** Poll loops of all gateways together: one per meter and PDU. */
  loops: number;
  /** Longest a round of polls may take before the history gives up (a simulator or the line hung). */
  roundTimeoutMs?: number;
  onProgress?: (doneSteps: number, totalSteps: number) => void;
}

export interface HistoryReport {
  steps: number;
  elapsedMs: number;
}

export class HistoryStalledError extends Error {
  constructor(what: string, atMs: number) {
    super(`history stalled at ${new Date(atMs).toISOString()}: ${what}`);
    this.name = 'HistoryStalledError';
  }
}

const tick = () => new Promise<void>((r) => setTimeout(r, 1));

async function until(check: () => boolean, timeoutMs: number, what: string, atMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new HistoryStalledError(what, atMs);
    await tick();
  }
}

/** Everything the gateways polled is committed, published and acknowledged (so stored centrally). */
export function drained(gateways: readonly RunningGateway[]): boolean {
  return gateways.every((g) => g.outbox.pendingCount === 0 && g.outbox.size.entries === 0 && g.publisher.connected);
}

export async function replayHistory(deps: HistoryDeps): Promise<HistoryReport> {
  const { clock, plan, gateways, loops } = deps;
  const timeoutMs = deps.roundTimeoutMs ?? 15_000;
  const started = performance.now();
  const steps = stepsOf(plan);
  const asleep = (t: number) => () => clock.sleepingUntil(t + plan.stepMs) >= loops;
  await until(asleep(plan.startMs), timeoutMs, 'the first polls', plan.startMs);
  for (const [i, t] of steps.entries()) {
    if (mustDrain(plan, clock.now(), t)) await until(() => drained(gateways), timeoutMs, 'delivery to the central node', t);
    clock.jumpTo(t);
    await until(asleep(t), timeoutMs, 'a round of polls', t);
    deps.onProgress?.(i + 1, steps.length);
  }
  await until(() => drained(gateways), timeoutMs, 'delivery to the central node', clock.now());
  return { steps: steps.length, elapsedMs: Math.round(performance.now() - started) };
}
