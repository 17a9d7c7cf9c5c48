// Builds what the API stands on from central.yaml and the stores the caller opened (storage/backends.ts):
// the model holder (inventory and tariff files with the stored edits), the auth service; and starts the
// server. Composition only (central/main.ts and the user/token commands); the parts are tested alone.
import type { Logger } from 'pino';
import { AuthService } from '../auth/service.js';
import { readTariffs } from '../config/tariff-load.js';
import type { TariffBook } from '../model/tariffs/tariff.js';
import type { CentralConfig } from '../config/central-schema.js';
import type { LoadedInventory } from '../config/inventory-load.js';
import { ModelHolder } from '../model/holder.js';
import type { AccessStore } from '../storage/access/types.js';
import type { EditStore } from '../storage/edits/types.js';
import { buildApi, type ApiServer, type ApiServerOptions } from './server.js';
import type { ApiDeps, ApiMetrics } from './types.js';

export async function openModelHolder(deps: {
  config: CentralConfig;
  inventory: LoadedInventory;
  edits: EditStore;
  log: Logger;
  clock: { now(): number };
}): Promise<ModelHolder> {
  const tariffs: TariffBook = deps.config.billing ? await readTariffs([deps.config.billing.tariffs], deps.inventory.model) : new Map();
  const holder = new ModelHolder({
    base: { inventory: deps.inventory.inventory, tariffs },
    store: deps.edits,
    clock: deps.clock,
    log: deps.log,
  });
  await holder.load();
  return holder;
}

export function authService(
  config: CentralConfig,
  access: AccessStore,
  customerExists: ((id: string) => boolean) | undefined,
  log: Logger,
  clock: { now(): number },
): AuthService {
  const s = config.api.signIn;
  const limits = { perUsername: s.maxFailuresPerUsername, perAddress: s.maxFailuresPerAddress, windowMs: s.windowMinutes * 60_000 };
  return new AuthService({ store: access, clock, log, limits, sessionTtlMs: config.api.sessionHours * 3_600_000, customerExists });
}

/** The metrics as api.metrics exposes them: to staff (default) or anyone, or not at all. */
export function exposedMetrics(config: CentralConfig, metrics: Omit<ApiMetrics, 'access'>): ApiMetrics | undefined {
  const access = config.api.metrics;
  return access === 'off' ? undefined : { contentType: metrics.contentType, render: () => metrics.render(), access };
}

export interface RunningApi {
  url: string;
  port: number;
  server: ApiServer;
  close(): Promise<void>;
}

export async function startApi(deps: ApiDeps, listen: { host: string; port: number } & ApiServerOptions): Promise<RunningApi> {
  const server = await buildApi(deps, { tls: listen.tls, trustProxy: listen.trustProxy });
  await server.app.listen({ host: listen.host, port: listen.port });
  const addr = server.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : listen.port;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  const url = `${listen.tls ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  deps.log.info({ url }, 'API listening');
  return { url, port, server, close: () => server.app.close() };
}
