// The lifecycle pass on a timer: once at start, then passS after each pass ends (never two at once on this
// instance; other instances are kept out by the pass's lock). A stop aborts the pass under way, which
// ends between two chunks, so the node's stop budget is never spent waiting for a long catch-up.
import type { Logger } from 'pino';

export interface LifecycleScheduleDeps {
  /** One pass; it checks the signal between chunks and returns early when aborted. */
  pass: (signal: AbortSignal) => Promise<unknown>;
  periodMs: number;
  log: Logger;
  /** Injected timers (tests); default setTimeout. */
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

export interface LifecycleSchedule {
  /** The pass started at start. */
  first: Promise<void>;
  /** Aborts the pass under way and waits for it to return; no pass starts after. */
  stop(): Promise<void>;
}

const defaultTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return { cancel: () => clearTimeout(t) };
};

export function startLifecycleSchedule(deps: LifecycleScheduleDeps): LifecycleSchedule {
  const abort = new AbortController();
  const setTimer = deps.setTimer ?? defaultTimer;
  let timer: { cancel(): void } | undefined;
  let running: Promise<void> = Promise.resolve();
  const run = async (): Promise<void> => {
    try {
      await deps.pass(abort.signal);
    } catch (err) {
      // One failed pass (a database restart, a bad row) is logged; the next one tries again.
      deps.log.error({ err }, 'lifecycle pass failed');
    }
    if (!abort.signal.aborted) timer = setTimer(() => (running = run()), deps.periodMs);
  };
  running = run();
  const first = running;
  return {
    first,
    async stop() {
      abort.abort();
      timer?.cancel();
      await running;
    },
  };
}
