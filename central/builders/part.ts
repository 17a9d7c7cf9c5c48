// The central node's parts in the order the composition root builds them, and the two ways they end: the
// node's stop (each part's steps within one StopBudget, last built first) and a start that failed (what
// was opened is closed at once, last opened first). The timers that act on their own start once every
// part is built.
import type { StopBudget } from '../../common/stop-budget.js';

export interface Part {
  /** Called once every part is built: the timers (model refresh, invoice ticks) start last. */
  start?(): void;
  /** The node's stop: this part's steps, each within what is left of the one budget. */
  stop(budget: StopBudget): Promise<void>;
  /** A start that failed after this part opened: closes it at once (nothing to close when absent). */
  close?(): Promise<void>;
}

/** The parts built so far, in build order. */
export class Parts {
  private readonly list: Part[] = [];

  add<T extends Part>(part: T): T {
    this.list.push(part);
    return part;
  }

  start(): void {
    for (const part of this.list) part.start?.();
  }

  async stop(budget: StopBudget): Promise<void> {
    for (const part of [...this.list].reverse()) await part.stop(budget);
  }

  async close(): Promise<void> {
    for (const part of [...this.list].reverse()) await part.close?.();
  }
}
