// The lifecycle as central.yaml configures it, from the stores the caller opened: the rollup builder in the
// sites' zones, retention waiting for the invoice runs, the pass under the billing store's lock, and the
// status. Composition only (central/builders/lifecycle.ts and `joulebook central storage`).
import type { Logger } from 'pino';
import type { CentralConfig } from '../config/central-schema.js';
import type { ModelSource } from '../model/holder.js';
import type { BillingStore } from '../storage/billing/types.js';
import type { CentralStore } from '../storage/readings/types.js';
import { RollupBuilder } from './builder.js';
import { lifecyclePass, type LifecyclePassReport, type PassParts } from './pass.js';
import type { RetentionDeps, RetentionOptions } from './retention.js';
import type { CutoffEntity } from './retention-cutoff.js';
import { storageStatus, type StorageStatus } from './status.js';

export interface LifecycleDeps {
  config: CentralConfig;
  store: CentralStore;
  /** Runs, held invoices and the lock; absent without billing (retention then waits for no month). */
  billing?: { store: Pick<BillingStore, 'withLock' | 'runs' | 'invoices'>; entities: () => readonly CutoffEntity[] };
  models: ModelSource;
  clock: { now(): number };
  log: Logger;
  /**
   * Lock owner: the node's id by default (a restarted node takes its own SQLite lease back at once); a
   * command run by hand passes another, so it never runs beside the node's pass.
   */
  owner?: string;
}

export interface Lifecycle {
  builder: RollupBuilder;
  pass(opts?: { signal?: AbortSignal; parts?: PassParts; retention?: RetentionOptions }): Promise<LifecyclePassReport>;
  status(): Promise<StorageStatus>;
  retention: RetentionDeps;
}

/** Without billing there is no shared lock: one instance runs, so a no-op lock stands in. */
const ALONE: Pick<BillingStore, 'withLock'> = {
  withLock: async (_name, _owner, fn) => ({ acquired: true, value: await fn() }),
};

export function composeLifecycle(deps: LifecycleDeps): Lifecycle {
  const settings = deps.config.lifecycle;
  const log = deps.log.child({ area: 'lifecycle' });
  const builder = new RollupBuilder({
    store: deps.store,
    timeZoneOf: (site) => deps.models.current().model.sites.get(site)?.timeZone,
    clock: deps.clock,
    log,
    intervalMin: settings.intervalMin,
  });
  const retention: RetentionDeps = {
    store: deps.store,
    ...(deps.billing ? { billing: deps.billing.store } : {}),
    entities: deps.billing?.entities ?? (() => []),
    clock: deps.clock,
    settings: {
      rawDays: settings.rawDays,
      rollupYears: settings.rollupYears,
      ...(settings.historyDays !== undefined ? { historyDays: settings.historyDays } : {}),
    },
  };
  const passDeps = { lock: deps.billing?.store ?? ALONE, owner: deps.owner ?? deps.config.central.id, builder, retention, log };
  return {
    builder,
    retention,
    pass: (opts = {}) => lifecyclePass(passDeps, opts),
    status: () => storageStatus({ ...retention, store: deps.store }),
  };
}
