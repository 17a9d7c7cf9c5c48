// Invoice runs, when central.yaml has a billing section (and an inventory): the billing store, the
// billing built on it, and the schedule of invoice ticks.
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.js';
import { openBilling, type Billing } from '../billing/compose.js';
import { startTickSchedule, type TickSchedule } from '../billing/run/schedule.js';
import type { CentralConfig } from '../config/central-schema.js';
import type { LoadedInventory } from '../config/inventory-load.js';
import type { ModelHolder } from '../model/holder.js';
import type { StorageBackend } from '../storage/backends.js';
import type { CentralStore } from '../storage/readings/types.js';
import type { Part } from './part.js';

export interface BillingBuildDeps {
  config: CentralConfig;
  storage: StorageBackend;
  readings: CentralStore;
  inventory: LoadedInventory;
  models: ModelHolder;
  clock: Clock;
  log: Logger;
}

export interface BillingPart extends Part {
  billing: Billing;
}

export async function buildBilling({ config, storage, readings, inventory, models, clock, log }: BillingBuildDeps): Promise<BillingPart> {
  const store = await storage.openBilling(log.child({ area: 'billing' }));
  const billing = await openBilling({ config, readings, store, model: inventory.model, models, log, clock });
  let schedule: TickSchedule | undefined;
  return {
    billing,
    start: () => {
      // An invoice run bills with every stored edit, another instance's too.
      const tick = async () => {
        await models.refresh();
        return billing.runner.tick();
      };
      schedule = startTickSchedule({ tick, log: log.child({ area: 'invoices' }), cron: config.billing?.schedule });
    },
    stop: async (budget) => {
      const s = schedule;
      if (s) await budget.step('closing', () => s.stop());
      await budget.step('closing', () => billing.close());
    },
    close: async () => {
      await schedule?.stop();
      await billing.close();
    },
  };
}
