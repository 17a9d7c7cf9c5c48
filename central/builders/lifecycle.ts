// Rollups and retention (issue 21), with billing: the lifecycle pass on its schedule, under the billing
// store's lock, and the storage status the metrics read. Started after billing; on stop, the pass under
// way is aborted and ends between two chunks.
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.js';
import type { Billing } from '../billing/compose.js';
import type { CentralConfig } from '../config/central-schema.js';
import { composeLifecycle, type Lifecycle } from '../lifecycle/compose.js';
import { startLifecycleSchedule, type LifecycleSchedule } from '../lifecycle/schedule.js';
import { cachedStatus, type StorageStatus } from '../lifecycle/status.js';
import type { ModelHolder } from '../model/holder.js';
import type { CentralStore } from '../storage/readings/types.js';
import type { Part } from './part.js';

export interface LifecycleBuildDeps {
  config: CentralConfig;
  store: CentralStore;
  billing: Billing;
  models: ModelHolder;
  clock: Clock;
  log: Logger;
}

export interface LifecyclePart extends Part {
  lifecycle: Lifecycle;
  /** The status, at most a few seconds old (the metrics read it at each scrape). */
  status(): Promise<StorageStatus>;
}

export function buildLifecycle({ config, store, billing, models, clock, log }: LifecycleBuildDeps): LifecyclePart {
  const lifecycle = composeLifecycle({ config, store, billing, models, clock, log });
  let schedule: LifecycleSchedule | undefined;
  return {
    lifecycle,
    status: cachedStatus(() => lifecycle.status()),
    start: () => {
      schedule = startLifecycleSchedule({
        pass: (signal) => lifecycle.pass({ signal }),
        periodMs: config.lifecycle.passS * 1000,
        log: log.child({ area: 'lifecycle' }),
      });
    },
    stop: async (budget) => {
      const s = schedule;
      if (s) await budget.step('lifecycle', () => s.stop());
    },
    close: async () => {
      await schedule?.stop();
    },
  };
}
