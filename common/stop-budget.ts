// Stopping the central node within a bound: systemd's stop timeout or a person at Ctrl-C must never find
// it waiting on a broker that stopped answering. Each step of the stop gets what is left of one budget;
// a step still pending when its share runs out is logged by name and left behind.
import type { Logger } from 'pino';

/** The most `joulebook central` takes from a signal to its exit. */
export const CENTRAL_STOP_BUDGET_MS = 1500;

/** A budget shared by a stop's steps, in the order they run. */
export class StopBudget {
  private readonly endMs: number;
  readonly late: string[] = [];

  constructor(
    budgetMs: number,
    private readonly log: Logger,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.endMs = nowMs() + budgetMs;
  }

  /** What is left, never below minMs (a step gets a moment even when the budget is spent). */
  leftMs(minMs = 0): number {
    return Math.max(minMs, Math.round(this.endMs - this.nowMs()));
  }

  /** Runs a step, waiting for it at most until the budget ends; false when it was left pending. */
  async step(name: string, work: () => Promise<unknown>, minMs = 50): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.leftMs(minMs));
    });
    const done = work().then(
      () => 'done' as const,
      (err: unknown) => {
        this.log.warn({ err, step: name }, 'a step of the stop failed');
        return 'done' as const;
      },
    );
    const outcome = await Promise.race([done, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.late.push(name);
      this.log.warn({ step: name }, 'stop: step left pending, its time is up');
      return false;
    }
    return true;
  }
}
