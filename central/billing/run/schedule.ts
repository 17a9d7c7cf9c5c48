// node-cron only triggers: a tick at start and on the schedule (hourly by default, in UTC: issue 7 and
// reference/libraries.md §8 on DST). What to invoice is decided by the state machine inside tick().
import { createTask, validate, type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { TickReport } from './runner.js';

export const DEFAULT_TICK_CRON = '7 * * * *';

export interface TickScheduleDeps {
  tick: () => Promise<TickReport>;
  log: Logger;
  /** Cron expression in UTC (default: minute 7 of every hour). */
  cron?: string;
}

export interface TickSchedule {
  /** The tick started at start, for callers that wait for it. */
  first: Promise<void>;
  stop(): Promise<void>;
}

export class CronExpressionError extends Error {
  constructor(readonly expression: string) {
    super(`"${expression}" is not a cron expression`);
    this.name = 'CronExpressionError';
  }
}

/** Starts ticking: once now, then on the cron schedule; overlapping ticks are skipped. */
export function startTickSchedule(deps: TickScheduleDeps): TickSchedule {
  const expression = deps.cron ?? DEFAULT_TICK_CRON;
  if (!validate(expression)) throw new CronExpressionError(expression);
  const run = async (reason: string): Promise<void> => {
    try {
      const r = await deps.tick();
      deps.log.info(
        { reason, runs: r.runs.length, notes: r.notes.length, notesSent: r.sentNotes.length, errors: r.errors.length, skipped: r.skipped },
        'invoice tick',
      );
    } catch (err) {
      deps.log.error({ reason, err }, 'invoice tick failed');
    }
  };
  const cronLog: CronLogger = {
    info: (m) => deps.log.debug(m),
    warn: (m) => deps.log.warn(m),
    error: (m) => deps.log.error(String(m)),
    debug: (m) => deps.log.debug(String(m)),
  };
  const task: ScheduledTask = createTask(expression, () => run('schedule'), {
    timezone: 'UTC',
    noOverlap: true,
    name: 'invoice-tick',
    logger: cronLog,
  });
  void task.start();
  const first = run('start');
  return {
    first,
    async stop() {
      await task.stop();
      await task.destroy();
      await first;
    },
  };
}
