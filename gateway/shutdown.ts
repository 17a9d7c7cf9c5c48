// Stopping within a bound: systemd's stop timeout, or a person at Ctrl-C, must never find the gateway still
// reconnecting. The stop runs in named steps whose durations are logged; a signal starts it, a second
// signal or the deadline abandons what is still pending (the outbox is committed and closed first, so no
// committed reading is lost), and whatever still holds the process after a clean stop is named.
import type { Logger } from 'pino';

/** The most a stop may take from the signal before the gateway gives up waiting and exits. */
export const STOP_DEADLINE_MS = 1500;

/** The stop's steps: which one is pending now, and what each waited. */
export class StopSteps {
  readonly waitedMs: Record<string, number> = {};
  private readonly pending = new Set<string>();

  constructor(private readonly monotonicMs: () => number) {}

  /** Runs one step, timing it; steps may run side by side. */
  async run<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const started = this.monotonicMs();
    this.pending.add(name);
    try {
      return await fn();
    } finally {
      this.pending.delete(name);
      this.waitedMs[name] = Math.round(this.monotonicMs() - started);
    }
  }

  /** The steps still waited for. */
  get waitingFor(): string[] {
    return [...this.pending];
  }
}

export interface Stoppable {
  readonly stopSteps: StopSteps;
  stop(): Promise<void>;
  /** Commits and closes what must not be lost, synchronously; for when waiting is over. */
  abandon(): void;
}

export interface SignalStopDeps {
  monotonicMs: () => number;
  exit: (code: number) => void;
  deadlineMs?: number;
  /** Where signals come from (the process; a test's emitter). */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface SignalStop {
  log: Logger;
  /** Run beside the target's stop (telling systemd). */
  alongside?: () => Promise<void>;
}

/**
 * Listens for SIGTERM and SIGINT from now on (a signal during start is kept, not lost) and returns a
 * function that waits for the first one and stops `target` within the deadline.
 */
export function stopOnSignal(deps: SignalStopDeps): (target: Stoppable, how: SignalStop) => Promise<void> {
  const signals = deps.signals ?? process;
  let first: ((s: NodeJS.Signals) => void) | undefined;
  let received: NodeJS.Signals | undefined;
  let again: ((s: NodeJS.Signals) => void) | undefined;
  const on = (s: NodeJS.Signals) => {
    if (received === undefined) {
      received = s;
      first?.(s);
    } else {
      again?.(s);
    }
  };
  for (const s of SIGNALS) signals.on(s, on);
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    first = resolve;
    if (received !== undefined) resolve(received);
  });

  return async (target, { log, alongside }) => {
    const deadlineMs = deps.deadlineMs ?? STOP_DEADLINE_MS;
    const signal = await signalled;
    const t0 = deps.monotonicMs();
    const elapsed = () => Math.round(deps.monotonicMs() - t0);
    log.info({ signal, deadlineMs }, 'signal received; stopping');
    let stopped = false;
    const giveUp = (why: string) => {
      clearTimeout(deadline);
      if (stopped) {
        log.warn(
          { stopMs: elapsed(), stillRunning: process.getActiveResourcesInfo() },
          'stopped, but something still held the process; exiting',
        );
        deps.exit(0);
        return;
      }
      const waitingFor = target.stopSteps.waitingFor;
      try {
        target.abandon();
        log.error(
          { stopMs: elapsed(), waitingFor, waitedMs: target.stopSteps.waitedMs },
          `${why}: outbox committed and closed, the rest abandoned`,
        );
      } catch (err) {
        log.error(
          { stopMs: elapsed(), waitingFor, err },
          `${why}: the outbox could not be closed cleanly (SQLite recovers it at the next start)`,
        );
      }
      deps.exit(1);
    };
    const deadline = setTimeout(() => giveUp(`stop deadline of ${deadlineMs} ms passed`), deadlineMs);
    again = (s) => giveUp(`second signal (${s}) while stopping`);
    await Promise.all([alongside?.(), target.stop()]);
    stopped = true;
    log.info({ signal, stopMs: elapsed(), waitedMs: target.stopSteps.waitedMs }, 'gateway stopped');
    // From here only something left running keeps the process alive; the deadline then names it.
    deadline.unref();
    for (const s of SIGNALS) signals.off(s, on);
  };
}
