// The central node: a store (SQLite or PostgreSQL, picked once from storage/backends.ts), the ingest
// pipeline in front of it, alerts forwarded once stored, and either the embedded broker (ingest runs before
// each PUBACK) or a consumer of an external broker. Composition only; every part is built here (the stores
// opened here and passed to the API and billing) and stopped in reverse order.
import mqtt from 'mqtt';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { AlertForwarder } from './alerts/forward.js';
import { authService, exposedMetrics, openModelHolder, startApi } from './api/compose.js';
import { cachedCustomerEnergy } from './api/energy-cache.js';
import type { ApiDeps } from './api/types.js';
import { openBilling, type Billing } from './billing/compose.js';
import { startTickSchedule } from './billing/run/schedule.js';
import { EmbeddedBroker } from './broker/broker.js';
import { CredentialStore } from './broker/credential-store.js';
import { BrokerSecurity } from './broker/security.js';
import { CENTRAL_ALERTS_TOPIC } from './broker/topics.js';
import type { CentralConfig } from './config/central-schema.js';
import { readInventory, type LoadedInventory } from './config/inventory-load.js';
import type { Clock } from '../common/clock.js';
import { EmbeddedIngest } from './ingest/embedded-consumer.js';
import { compileMessageChecks } from './ingest/message-checks.js';
import { MqttIngestConsumer } from './ingest/mqtt-consumer.js';
import { portalPlugin } from './portal/plugin.js';
import { createCentralMetrics, type CentralMetrics } from './metrics/registry.js';
import { IngestPipeline } from './ingest/pipeline.js';
import type { ModelHolder } from './model/holder.js';
import { startModelRefresh } from './model/refresh.js';
import type { AccessStore } from './storage/access/types.js';
import { storageBackend, type ReadingsOpenOptions, type StorageBackend } from './storage/backends.js';
import type { CentralStore } from './storage/readings/types.js';
import { endMqttClient } from './broker/end-client.js';
import { StopBudget } from '../common/stop-budget.js';

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
  /** Prometheus metrics of this instance; the API serves render() at GET /metrics. */
  metrics: CentralMetrics;
  /** The model with the operators' edits (with an inventory). */
  models?: ModelHolder;
  /** The REST API (docs/api.md), when enabled and an inventory is set. */
  api?: { url: string; port: number; close(): Promise<void> };
  /** Stops within budgetMs (default 10 s; `joulebook central` gives CENTRAL_STOP_BUDGET_MS), leaving behind what does not answer in time. */
  stop(budgetMs?: number): Promise<void>;
}

/**
 * The readings store central.yaml names; the first store a command opens, so the database's checks (an
 * empty or damaged file, `create: never`) and a new database's making happen here. dataDir holds the
 * SQLite file by default: a new one is made 0700.
 */
export async function openStore(
  config: CentralConfig,
  log: Logger,
  opts: ReadingsOpenOptions = {},
  storage: StorageBackend = storageBackend(config.storage),
): Promise<CentralStore> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  return storage.openReadings(log.child({ area: 'storage' }), opts);
}

export async function startCentral(deps: CentralDeps): Promise<RunningCentral> {
  const { config, clock, log } = deps;
  const inventory = config.inventory ? await readInventory(config.inventory) : undefined;
  const storage = storageBackend(config.storage);
  const store = await openStore(config, log, deps.newDatabase ? { newDatabase: true } : {}, storage);
  let publishAlert: (payload: string) => Promise<void> = () => Promise.reject(new Error('no broker yet'));
  const alerts = new AlertForwarder({
    sink: store,
    publish: (p) => publishAlert(p),
    webhooks: config.alerts.webhooks,
    log: log.child({ area: 'alerts' }),
  });
  const pipeline = new IngestPipeline({
    sink: alerts,
    clock,
    log: log.child({ area: 'ingest' }),
    checks: compileMessageChecks(),
    options: { maxDelayMs: config.ingest.maxDelayMs, maxReadings: config.ingest.maxReadings },
  });
  const running: Omit<RunningCentral, 'metrics'> = {
    store,
    pipeline,
    alerts,
    ...(inventory ? { inventory } : {}),
    stop: async () => undefined,
  };
  const metrics = createCentralMetrics({
    central: { id: config.central.id, version: deps.version ?? 'unknown' },
    pipeline,
    alerts,
    parts: running,
  });
  const closers: (() => Promise<void>)[] = [];
  try {
    if (inventory) {
      const access = await storage.openAccess(log.child({ area: 'api' }));
      closers.push(() => access.close());
      running.access = access;
      running.models = await openModelHolder({ config, inventory, edits: access, log: log.child({ area: 'model' }), clock });
    }
    if (config.billing && inventory) {
      const billingStore = await storage.openBilling(log.child({ area: 'billing' }));
      const billing = await openBilling({
        config,
        readings: store,
        store: billingStore,
        model: inventory.model,
        ...(running.models ? { models: running.models } : {}),
        log,
        clock,
      });
      running.billing = billing;
      closers.push(() => billing.close());
    }
    if ('embedded' in config.broker) {
      const b = config.broker.embedded;
      const credentials = new CredentialStore({ file: b.credentials, log: log.child({ area: 'broker' }) });
      await credentials.load();
      const t = b.signInThrottle;
      const security = new BrokerSecurity({
        credentials,
        log: log.child({ area: 'broker' }),
        nowMs: () => clock.monotonicMs(),
        throttle: {
          windowMs: t.windowS * 1000,
          maxFailuresPerUserAddress: t.maxFailuresPerUserAddress,
          maxFailuresPerAddress: t.maxFailuresPerAddress,
          maxFailuresPerUser: t.maxFailuresPerUser,
        },
      });
      running.security = security;
      const broker = new EmbeddedBroker({
        options: {
          dataDir: `${config.dataDir}/broker`,
          tcp: { host: b.host, port: b.port },
          maxPacketBytes: b.maxPacketBytes,
          connectTimeoutMs: b.connectTimeoutS * 1000,
          ...(b.tls
            ? {
                tls: {
                  host: b.tls.host,
                  port: b.tls.port,
                  certFile: b.tls.cert,
                  keyFile: b.tls.key,
                  ...(b.tls.ca ? { caFile: b.tls.ca, requestClientCert: true } : {}),
                },
              }
            : {}),
        },
        security,
        gate: new EmbeddedIngest({ pipeline }),
        log: log.child({ area: 'broker' }),
      });
      running.ports = await broker.start();
      running.broker = broker;
      publishAlert = (payload) =>
        new Promise((resolve, reject) =>
          broker.aedes.publish(
            { cmd: 'publish', topic: CENTRAL_ALERTS_TOPIC, payload: Buffer.from(payload), qos: 1, retain: false, dup: false },
            (err) => (err ? reject(err) : resolve()),
          ),
        );
    } else {
      const x = config.broker.external;
      const clientId = x.clientId ?? `joulebook-central-${config.central.id}`;
      const tls = x.tls
        ? {
            ...(x.tls.ca ? { ca: readFileSync(x.tls.ca) } : {}),
            ...(x.tls.cert ? { cert: readFileSync(x.tls.cert) } : {}),
            ...(x.tls.key ? { key: readFileSync(x.tls.key) } : {}),
          }
        : undefined;
      const auth = { ...(x.username ? { username: x.username } : {}), ...(x.password ? { password: x.password } : {}) };
      const consumer = new MqttIngestConsumer({
        options: { url: x.url, clientId, ...auth, ...(tls ? { tls } : {}), ...(x.shareGroup ? { shareGroup: x.shareGroup } : {}) },
        pipeline,
        log: log.child({ area: 'ingest' }),
      });
      await consumer.start();
      running.consumer = consumer;
      // Alerts go out on a client of their own, so a slow publish never delays an acknowledgement.
      const publisher = await mqtt.connectAsync(x.url, { clientId: `${clientId}-alerts`, protocolVersion: 4, ...auth, ...(tls ?? {}) });
      publisher.on('error', (err) => log.warn({ err: err.message }, 'alert publisher error'));
      publishAlert = async (payload) => {
        await publisher.publishAsync(CENTRAL_ALERTS_TOPIC, payload, { qos: 1 });
      };
      closers.push(() => endMqttClient(publisher, 500));
    }
    if (running.models && running.access && config.api.enabled) {
      const apiLog = log.child({ area: 'api' });
      const models = running.models;
      const auth = authService(config, running.access, (id) => models.current().model.customers.has(id), apiLog, clock);
      running.api = await startApi(
        {
          store,
          models: running.models,
          editor: running.models,
          auth,
          clock,
          log: apiLog,
          energy: cachedCustomerEnergy({ store, clock }),
          ...(running.billing ? { billing: running.billing } : {}),
          plugins: [portalPlugin(), ...(deps.apiPlugins ?? [])],
          ...(exposedMetrics(config, metrics) ? { metrics: exposedMetrics(config, metrics)! } : {}),
          ...(config.api.secureCookie !== undefined ? { secureCookie: config.api.secureCookie } : {}),
        },
        {
          host: config.api.host,
          port: config.api.port,
          ...(config.api.tls ? { tls: config.api.tls } : {}),
          ...(config.api.trustProxy !== undefined ? { trustProxy: config.api.trustProxy } : {}),
        },
      );
    }
  } catch (err) {
    await running.api?.close();
    await running.broker?.stop(0);
    await running.billing?.close();
    await running.access?.close();
    await store.close();
    throw err;
  }
  if (running.models) {
    const refresh = startModelRefresh({
      models: running.models,
      everyMs: config.model.refreshS * 1000,
      clock,
      log: log.child({ area: 'model' }),
    });
    closers.unshift(() => refresh.stop());
  }
  if (running.billing) {
    const billing = running.billing;
    // An invoice run bills with every stored edit, another instance's too.
    const tick = async () => {
      await running.models?.refresh();
      return billing.runner.tick();
    };
    const schedule = startTickSchedule({
      tick,
      log: log.child({ area: 'invoices' }),
      ...(config.billing ? { cron: config.billing.schedule } : {}),
    });
    closers.unshift(() => schedule.stop());
  }
  log.info(
    {
      storage: storage.kind,
      broker: 'embedded' in config.broker ? running.ports : 'external',
      points: inventory?.model.points.size,
      api: running.api?.url,
    },
    'central node running',
  );
  running.stop = async (budgetMs = 10_000) => {
    // Every step within one budget: what is received is stored and acknowledged if the store keeps up,
    // and a broker or client that stopped answering is left behind rather than waited for.
    const startedMs = performance.now();
    const budget = new StopBudget(budgetMs, log);
    if (running.api) await budget.step('api', () => running.api!.close());
    if (running.broker) await budget.step('embedded broker', () => running.broker!.stop(budget.leftMs(50)));
    if (running.consumer)
      await budget.step('broker consumer', () => running.consumer!.stop(budget.leftMs(50), Math.min(500, budget.leftMs(50))));
    for (const close of closers) await budget.step('closing', close);
    await budget.step('ingest', () => pipeline.stop(budget.leftMs(50)));
    await budget.step('alerts', () => alerts.drain(Math.min(500, budget.leftMs(0))));
    await store.close();
    log.info({ tookMs: Math.round(performance.now() - startedMs), leftPending: budget.late }, 'central node stopped');
  };
  return Object.assign(running, { metrics });
}
