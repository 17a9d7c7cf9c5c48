// The model with the operators' edits (with an inventory): the access store (API users, tokens, sessions;
// its connection keeps the model edits too), the model holder over it, and the refresh that picks up
// edits another instance stored.
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.js';
import { openModelHolder } from '../api/compose.js';
import type { CentralConfig } from '../config/central-schema.js';
import type { LoadedInventory } from '../config/inventory-load.js';
import type { ModelHolder } from '../model/holder.js';
import { startModelRefresh, type ModelRefresh } from '../model/refresh.js';
import type { AccessStore } from '../storage/access/types.js';
import type { StorageBackend } from '../storage/backends.js';
import type { Part } from './part.js';

export interface ModelBuildDeps {
  config: CentralConfig;
  storage: StorageBackend;
  inventory: LoadedInventory;
  clock: Clock;
  log: Logger;
}

export interface ModelPart extends Part {
  access: AccessStore;
  models: ModelHolder;
}

export async function buildModel({ config, storage, inventory, clock, log }: ModelBuildDeps): Promise<ModelPart> {
  const access = await storage.openAccess(log.child({ area: 'api' }));
  let models: ModelHolder;
  try {
    models = await openModelHolder({ config, inventory, edits: access, log: log.child({ area: 'model' }), clock });
  } catch (err) {
    await access.close();
    throw err;
  }
  let refresh: ModelRefresh | undefined;
  return {
    access,
    models,
    start: () => {
      refresh = startModelRefresh({ models, everyMs: config.model.refreshS * 1000, clock, log: log.child({ area: 'model' }) });
    },
    stop: async (budget) => {
      const r = refresh;
      if (r) await budget.step('closing', () => r.stop());
      await budget.step('closing', () => access.close());
    },
    close: async () => {
      await refresh?.stop();
      await access.close();
    },
  };
}
