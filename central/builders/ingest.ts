// The ingest pipeline in front of the readings store, and the alert forwarder behind it: alerts are
// forwarded once stored, to webhooks and to the central alert topic. The topic's publish is bound once
// the broker is up (the broker's ingest needs this pipeline first); until then a publish is refused with
// 'no broker yet' and the forwarder counts it as it counts any failed publish.
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.js';
import { AlertForwarder } from '../alerts/forward.js';
import type { CentralConfig } from '../config/central-schema.js';
import { compileMessageChecks } from '../ingest/message-checks.js';
import { IngestPipeline } from '../ingest/pipeline.js';
import type { CentralStore } from '../storage/readings/types.js';
import type { Part } from './part.js';

export interface IngestBuildDeps {
  config: Pick<CentralConfig, 'alerts' | 'ingest'>;
  store: CentralStore;
  clock: Clock;
  log: Logger;
}

export interface IngestPart extends Part {
  pipeline: IngestPipeline;
  alerts: AlertForwarder;
  /** Alerts go out on the central alert topic with this from now on. */
  publishAlertsWith(publish: (payload: string) => Promise<void>): void;
}

export function buildIngest({ config, store, clock, log }: IngestBuildDeps): IngestPart {
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
  return {
    pipeline,
    alerts,
    publishAlertsWith: (publish) => {
      publishAlert = publish;
    },
    stop: async (budget) => {
      await budget.step('ingest', () => pipeline.stop(budget.leftMs(50)));
      await budget.step('alerts', () => alerts.drain(Math.min(500, budget.leftMs(0))));
    },
  };
}
