// The REST API (docs/api.md) and the portal on it, when enabled and an inventory is set: sign-in over the
// access store, the model with its edits, invoices when billing is set, and the metrics as api.metrics
// exposes them.
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.js';
import { authService, exposedMetrics, startApi, type RunningApi } from '../api/compose.js';
import { cachedCustomerEnergy } from '../api/energy-cache.js';
import type { ApiDeps } from '../api/types.js';
import type { Billing } from '../billing/compose.js';
import type { CentralConfig } from '../config/central-schema.js';
import type { CentralMetrics } from '../metrics/registry.js';
import { portalPlugin } from '../portal/plugin.js';
import type { CentralStore } from '../storage/readings/types.js';
import type { ModelPart } from './model.js';
import type { Part } from './part.js';

export interface ApiBuildDeps {
  config: CentralConfig;
  store: CentralStore;
  model: Pick<ModelPart, 'access' | 'models'>;
  billing: Billing | undefined;
  metrics: CentralMetrics;
  /** Registered after the portal's. */
  plugins: ApiDeps['plugins'];
  clock: Clock;
  log: Logger;
}

export interface ApiPart extends Part {
  api: RunningApi;
}

export async function buildApi({ config, store, model, billing, metrics, plugins, clock, log }: ApiBuildDeps): Promise<ApiPart> {
  const apiLog = log.child({ area: 'api' });
  const { access, models } = model;
  const auth = authService(config, access, (id) => models.current().model.customers.has(id), apiLog, clock);
  const api = await startApi(
    {
      store,
      models,
      editor: models,
      auth,
      clock,
      log: apiLog,
      energy: cachedCustomerEnergy({ store, clock }),
      billing,
      plugins: [portalPlugin(), ...(plugins ?? [])],
      metrics: exposedMetrics(config, metrics),
      secureCookie: config.api.secureCookie,
    },
    { host: config.api.host, port: config.api.port, tls: config.api.tls, trustProxy: config.api.trustProxy },
  );
  return {
    api,
    stop: async (budget) => {
      await budget.step('api', () => api.close());
    },
    close: () => api.close(),
  };
}
