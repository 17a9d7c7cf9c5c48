// The central node's composition root: the only place that builds and wires a running central node. The
// store (SQLite or PostgreSQL, picked once from storage/backends.ts) is opened here; every other part comes
// from a named builder (central/builders/), in the order the parts need each other: the ingest pipeline in
// front of the store with the alert forwarder behind it, the model with its edits, billing, the broker
// (embedded, where ingest runs before each PUBACK, or a consumer of an external one), the metrics and the
// API. The timers start once all is built. `stop` takes the parts down in reverse order within one budget;
// a start that fails closes what it opened, in reverse.
import type { Logger } from 'pino';
import type { Clock } from '../common/clock.js';
import { StopBudget } from '../common/stop-budget.js';
import type { AlertForwarder } from './alerts/forward.js';
import type { ApiDeps } from './api/types.js';
import type { Billing } from './billing/compose.js';
import { buildApi } from './builders/api.js';
import { buildBilling } from './builders/billing.js';
import { buildBroker } from './builders/broker.js';
import { buildIngest } from './builders/ingest.js';
import { buildLifecycle } from './builders/lifecycle.js';
import { buildModel } from './builders/model.js';
import { Parts } from './builders/part.js';
import { openStore } from './builders/store.js';
import type { EmbeddedBroker } from './broker/broker.js';
import type { BrokerSecurity } from './broker/security.js';
import type { CentralConfig } from './config/central-schema.js';
import { readInventory, type LoadedInventory } from './config/inventory-load.js';
import type { MqttIngestConsumer } from './ingest/mqtt-consumer.js';
import type { Lifecycle } from './lifecycle/compose.js';
import type { IngestPipeline } from './ingest/pipeline.js';
import { createCentralMetrics, type CentralMetrics } from './metrics/registry.js';
import type { ModelHolder } from './model/holder.js';
import type { AccessStore } from './storage/access/types.js';
import { storageBackend } from './storage/backends.js';
import type { CentralStore } from './storage/readings/types.js';

export { openStore };

export interface CentralDeps {
  config: CentralConfig;
  clock: Clock;
  log: Logger;
  /** Software version, for the metrics' info series. */
  version?: string;
  /** Registered on the API server (the portal's assets and pages). */
  apiPlugins?: ApiDeps['plugins'];
  /** The operator asked for a new database (`--new-database`): made where none is, or on an empty SQLite file. */
  newDatabase?: boolean;
}

export interface RunningCentral {
  store: CentralStore;
  pipeline: IngestPipeline;
  alerts: AlertForwarder;
  inventory?: LoadedInventory;
  /** The embedded broker's listening ports (undefined with an external broker). */
  ports?: { tcpPort?: number; tlsPort?: number };
  broker?: EmbeddedBroker;
  /** The embedded broker's refusals of connects, publishes and subscribes, counted by reason. */
  security?: BrokerSecurity;
  consumer?: MqttIngestConsumer;
  /** API users, tokens and sessions (with an inventory); its connection keeps the model edits too. */
  access?: AccessStore;
  /** Invoice runs, when central.yaml has a billing section. */
  billing?: Billing;
  /** Rollups and retention (with billing): the pass and the storage status. */
  lifecycle?: Lifecycle;
  /** Prometheus metrics of this instance; the API serves render() at GET /metrics. */
  metrics: CentralMetrics;
  /** The model with the operators' edits (with an inventory). */
  models?: ModelHolder;
  /** The REST API (docs/api.md), when enabled and an inventory is set. */
  api?: { url: string; port: number; close(): Promise<void> };
  /** Stops within budgetMs (default 10 s; `joulebook central` gives CENTRAL_STOP_BUDGET_MS), leaving behind what does not answer in time. */
  stop(budgetMs?: number): Promise<void>;
}

export async function startCentral(deps: CentralDeps): Promise<RunningCentral> {
  const { config, clock, log } = deps;
  const inventory = config.inventory ? await readInventory(config.inventory) : undefined;
  const storage = storageBackend(config.storage);
  const store = await openStore(config, log, { newDatabase: deps.newDatabase }, storage);
  const parts = new Parts();
  parts.add({ stop: () => store.close(), close: () => store.close() });
  try {
    const { pipeline, alerts, publishAlertsWith } = parts.add(buildIngest({ config, store, clock, log }));
    const model = inventory && parts.add(await buildModel({ config, storage, inventory, clock, log }));
    const billing =
      config.billing && inventory && model
        ? parts.add(await buildBilling({ config, storage, readings: store, inventory, models: model.models, clock, log }))
        : undefined;
    const broker = parts.add(await buildBroker({ config, pipeline, clock, log }));
    publishAlertsWith(broker.publishAlert);
    // Built after the broker, so a stop aborts the pass under way first, before the broker's drain spends the budget.
    const lifecycle =
      billing && model
        ? parts.add(buildLifecycle({ config, store, billing: billing.billing, models: model.models, clock, log }))
        : undefined;
    const metrics = createCentralMetrics({
      central: { id: config.central.id, version: deps.version ?? 'unknown' },
      pipeline,
      alerts,
      parts: { security: broker.security, broker: broker.broker, consumer: broker.consumer, billing: billing?.billing, storage: lifecycle },
    });
    const api =
      model && config.api.enabled
        ? parts.add(await buildApi({ config, store, model, billing: billing?.billing, metrics, plugins: deps.apiPlugins, clock, log }))
        : undefined;
    parts.start();
    log.info(
      { storage: storage.kind, broker: broker.ports ?? 'external', points: inventory?.model.points.size, api: api?.api.url },
      'central node running',
    );
    return {
      store,
      pipeline,
      alerts,
      inventory,
      ports: broker.ports,
      broker: broker.broker,
      security: broker.security,
      consumer: broker.consumer,
      access: model?.access,
      billing: billing?.billing,
      lifecycle: lifecycle?.lifecycle,
      metrics,
      models: model?.models,
      api: api?.api,
      stop: async (budgetMs = 10_000) => {
        // Every step within one budget: what is received is stored and acknowledged if the store keeps up,
        // and a broker or client that stopped answering is left behind rather than waited for.
        const startedMs = performance.now();
        const budget = new StopBudget(budgetMs, log);
        await parts.stop(budget);
        log.info({ tookMs: Math.round(performance.now() - startedMs), leftPending: budget.late }, 'central node stopped');
      },
    };
  } catch (err) {
    await parts.close();
    throw err;
  }
}
