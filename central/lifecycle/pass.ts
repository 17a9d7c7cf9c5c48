// The lifecycle pass the schedule runs and the operators' commands run by hand: under the billing store's
// 'rollups' lock (a PostgreSQL advisory lock, a SQLite lease), so of several central instances on one
// database one builds and removes at a time, the others skip the pass. Rollups first, then retention, whose
// cutoff then sees the watermarks the rollups just moved.
import type { Logger } from 'pino';
import type { BillingStore } from '../storage/billing/types.js';
import type { RollupBuilder, RollupPassReport } from './builder.js';
import { runRetentionPass, type RetentionDeps, type RetentionOptions, type RetentionReport } from './retention.js';

export const LIFECYCLE_LOCK = 'rollups';

export interface LifecyclePassDeps {
  lock: Pick<BillingStore, 'withLock'>;
  /** This central instance, as lock owner. */
  owner: string;
  builder: RollupBuilder;
  retention: RetentionDeps;
  log: Logger;
}

export interface LifecyclePassReport {
  /** false: another instance holds the lock; nothing was done. */
  locked: boolean;
  rollups?: RollupPassReport;
  retention?: RetentionReport;
}

export type PassParts = 'rollups' | 'retention' | 'both';

export async function lifecyclePass(
  deps: LifecyclePassDeps,
  opts: { signal?: AbortSignal; parts?: PassParts; retention?: RetentionOptions } = {},
): Promise<LifecyclePassReport> {
  const parts = opts.parts ?? 'both';
  const res = await deps.lock.withLock(LIFECYCLE_LOCK, deps.owner, async () => {
    const out: LifecyclePassReport = { locked: true };
    if (parts !== 'retention') {
      out.rollups = await deps.builder.pass(opts.signal);
      const r = out.rollups;
      if (r.series > 0 || r.failed > 0 || r.lateEpochs > 0)
        deps.log.info(
          { series: r.series, days: r.days, readings: r.readings, lateEpochs: r.lateEpochs, failed: r.failed, ms: r.ms },
          'rollups built',
        );
    }
    if (parts !== 'rollups' && !opts.signal?.aborted) {
      out.retention = await runRetentionPass(deps.retention, { ...opts.retention, ...(opts.signal ? { signal: opts.signal } : {}) });
      const r = out.retention;
      if (r.rawRemoved > 0 || r.rollupDaysRemoved > 0 || r.historyRemoved > 0)
        deps.log.info(
          {
            rawRemoved: r.rawRemoved,
            rawCutoff: new Date(r.plan.raw.cutoffMs).toISOString(),
            heldBy: r.plan.raw.reason,
            rollupDaysRemoved: r.rollupDaysRemoved,
            historyRemoved: r.historyRemoved,
            ms: r.ms,
          },
          'retention',
        );
    }
    return out;
  });
  return res.acquired ? res.value : { locked: false };
}
