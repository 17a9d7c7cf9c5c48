// What people and Prometheus see of a running gateway: the metrics registry (polls observed at the poll
// boundary, the rest read from the parts at scrape time) and, when enabled, the status page that serves
// it. A status page that cannot listen is logged loudly; metering goes on without it.
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/schema.js';
import { createGatewayMetrics, type GatewayMetrics } from '../status/metrics.js';
import { statusRoutes } from '../status/routes.js';
import { StatusServer } from '../status/server.js';
import type { GatewayView } from '../status/view.js';

export interface StatusDeps {
  config: Pick<GatewayConfig, 'status'>;
  view: GatewayView;
  log: Logger;
}

export interface StatusParts {
  metrics: GatewayMetrics;
  server?: StatusServer;
}

export function buildStatus({ config, view, log }: StatusDeps): StatusParts {
  const metrics = createGatewayMetrics(view);
  if (!config.status.enabled) return { metrics };
  return {
    metrics,
    server: new StatusServer({ options: config.status, routes: statusRoutes(view, metrics), log: log.child({ area: 'status' }) }),
  };
}

/** Starts the page; says its address, or why it is not served. */
export async function startStatus(server: StatusServer | undefined, log: Logger): Promise<{ url?: string; error?: string }> {
  if (!server) return {};
  try {
    return await server.start();
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log.error({ err: error }, 'status page not started; the gateway meters and publishes without it');
    return { error };
  }
}
