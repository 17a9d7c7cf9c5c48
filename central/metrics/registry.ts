// The central node's Prometheus metrics: one Registry per central instance, every value read at scrape time
// from the counters the parts already keep (ingest, broker security, alert forwarding, invoice runs), so
// nothing is counted twice. The API serves render() at GET /metrics. Names and labels: docs/metrics.md.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { IngestCountersSnapshot } from '../ingest/counters.js';
import { RUN_STATES, type InvoiceRun } from '../storage/billing/types.js';
import type { StorageStatus } from '../lifecycle/status.js';
import { SnapshotHistogram } from './snapshot-histogram.js';

export const PREFIX = 'joulebook_central_';

/** The parts a central node may run without; read at scrape time, so the registry can be built before them. */
export interface CentralParts {
  /** The embedded broker's refusals by reason. */
  security?: { refusals(): Record<string, number> };
  /** The embedded broker's connected clients by role. */
  broker?: { connectedByRole(): Record<string, number> };
  /** The consumer of an external broker. */
  consumer?: { counters: { connects: number; messages: number; acksSent: number; acksDropped: number } };
  billing?: { store: { runs(): Promise<InvoiceRun[]> }; runner: { errorCount: { value: number } } };
  /** The data lifecycle's status (with billing), a copy at most a few seconds old. */
  storage?: { status(): Promise<StorageStatus> };
}

export interface CentralMetricsDeps {
  central: { id: string; version: string };
  pipeline: { counters: { snapshot(): IngestCountersSnapshot }; pending: number };
  alerts: {
    counters: {
      forwarded: number;
      published: number;
      publishFailed: number;
      webhookDelivered: number;
      webhookFailed: number;
      webhookDropped: number;
    };
  };
  /** Often the running node itself, whose optional parts are filled in as they start. */
  parts: CentralParts;
  /** process_* and nodejs_* metrics of this process (off in tests that build many registries). */
  processMetrics?: boolean;
}

export interface CentralMetrics {
  registry: Registry;
  contentType: string;
  render(): Promise<string>;
}

type Sample = [Record<string, string>, number];

export function createCentralMetrics(deps: CentralMetricsDeps): CentralMetrics {
  const registry = new Registry();
  const counter = (name: string, help: string, labelNames: string[], read: () => Iterable<Sample>) =>
    new Counter({
      name: PREFIX + name,
      help,
      labelNames,
      registers: [registry],
      collect(this: Counter) {
        this.reset();
        for (const [l, v] of read()) this.inc(l, v);
      },
    });
  const gauge = (name: string, help: string, labelNames: string[], read: () => Iterable<Sample> | Promise<Iterable<Sample>>) =>
    new Gauge({
      name: PREFIX + name,
      help,
      labelNames,
      registers: [registry],
      async collect(this: Gauge) {
        const samples = await read();
        this.reset();
        for (const [l, v] of samples) this.set(l, v);
      },
    });

  // One snapshot per scrape, shared by the ingest metrics (the counters move while a scrape runs).
  let ingest: IngestCountersSnapshot | undefined;
  const snap = () => (ingest ??= deps.pipeline.counters.snapshot());
  const one = (v: () => number) => (): Sample[] => [[{}, v()]];
  counter(
    'ingest_messages_total',
    'MQTT messages received from gateways (before validation)',
    [],
    one(() => snap().messagesIn),
  );
  counter(
    'ingest_messages_stored_total',
    'messages committed to storage and acknowledged to the broker',
    [],
    one(() => snap().messagesStored),
  );
  counter(
    'ingest_messages_abandoned_total',
    'messages given up because their sender went away before they were stored (the broker redelivers them)',
    [],
    one(() => snap().messagesAbandoned),
  );
  counter('ingest_messages_rejected_total', 'messages refused by reason (acknowledged and dropped, never stored)', ['reason'], () =>
    Object.entries(snap().rejected).map(([reason, n]): Sample => [{ reason }, n]),
  );
  counter(
    'ingest_readings_stored_total',
    'readings stored (duplicates not counted)',
    [],
    one(() => snap().readingsStored),
  );
  counter(
    'ingest_other_items_stored_total',
    'events and alerts stored, and status and meta messages (one each)',
    [],
    one(() => snap().otherItemsStored),
  );
  counter(
    'ingest_duplicates_total',
    'readings and items received again and dropped by identity',
    [],
    one(() => snap().duplicates),
  );
  counter(
    'ingest_store_batches_total',
    'store calls (one transaction each)',
    [],
    one(() => snap().storeCalls),
  );
  counter(
    'ingest_store_failures_total',
    'store calls that failed (retried; nothing acknowledged)',
    [],
    one(() => snap().storeFailures),
  );
  new SnapshotHistogram({
    name: `${PREFIX}ingest_store_batch_duration_seconds`,
    help: 'time to store one batch (one transaction)',
    registers: [registry],
    read: () => {
      const l = snap().storeLatency;
      return { buckets: l.buckets.map((b) => ({ le: b.leMs / 1000, count: b.count })), count: l.count, sum: l.sumMs / 1000 };
    },
  });
  gauge('ingest_pending_messages', 'messages received and not yet stored or refused', [], () => [[{}, deps.pipeline.pending]]);

  // A part the node runs without has no series (labelled families) or 0 (the label-less counters).
  const p = deps.parts;
  counter('broker_refusals_total', "the embedded broker's refused connects, publishes and subscribes, by reason", ['reason'], () =>
    Object.entries(p.security?.refusals() ?? {}).map(([reason, n]): Sample => [{ reason }, n]),
  );
  gauge('broker_connected_clients', 'clients connected to the embedded broker by role (role="gateway": connected gateways)', ['role'], () =>
    Object.entries(p.broker?.connectedByRole() ?? {}).map(([role, n]): Sample => [{ role }, n]),
  );
  counter(
    'consumer_connects_total',
    'connections of the ingest consumer to an external broker',
    [],
    one(() => p.consumer?.counters.connects ?? 0),
  );
  counter(
    'consumer_acks_dropped_total',
    'acknowledgements lost because the connection dropped first (the broker redelivers)',
    [],
    one(() => p.consumer?.counters.acksDropped ?? 0),
  );

  const a = deps.alerts.counters;
  counter(
    'alerts_forwarded_total',
    'new gateway alerts forwarded once stored',
    [],
    one(() => a.forwarded),
  );
  counter(
    'alerts_published_total',
    'alerts published on the central alert topic',
    [],
    one(() => a.published),
  );
  counter(
    'alerts_publish_failures_total',
    'alerts that could not be published on the central alert topic',
    [],
    one(() => a.publishFailed),
  );
  counter(
    'alert_webhook_deliveries_total',
    'alert webhook deliveries by result: delivered, failed (after retries), dropped (queue full)',
    ['result'],
    () => [
      [{ result: 'delivered' }, a.webhookDelivered],
      [{ result: 'failed' }, a.webhookFailed],
      [{ result: 'dropped' }, a.webhookDropped],
    ],
  );

  gauge('invoice_runs', 'invoice runs (one per issuing entity and month) by state', ['state'], async () => {
    if (!p.billing) return [];
    const runs = await p.billing.store.runs();
    return RUN_STATES.map((state): Sample => [{ state }, runs.filter((r) => r.state === state).length]);
  });
  counter(
    'invoice_run_errors_total',
    'invoice runs that failed (retried on the next tick)',
    [],
    one(() => p.billing?.runner.errorCount.value ?? 0),
  );

  // The storage figures cost a query each: one status read serves the four gauges of a scrape.
  let storage: Promise<StorageStatus | undefined> | undefined;
  const status = () => (storage ??= p.storage ? p.storage.status() : Promise.resolve(undefined));
  gauge('storage_bytes', 'bytes at rest by tier: raw readings, rollups, other (events, alerts, invoices, ...)', ['tier'], async () => {
    const s = await status();
    if (!s) return [];
    return [
      [{ tier: 'raw' }, s.figures.rawBytes],
      [{ tier: 'rollups' }, s.figures.rollupBytes],
      [{ tier: 'other' }, s.figures.otherBytes],
    ];
  });
  gauge('storage_oldest_seconds', 'the oldest raw reading and rollup day, as Unix time', ['tier'], async () => {
    const f = (await status())?.figures;
    const out: Sample[] = [];
    if (f?.oldestRawMs !== undefined) out.push([{ tier: 'raw' }, f.oldestRawMs / 1000]);
    if (f?.oldestRollupDayMs !== undefined) out.push([{ tier: 'rollups' }, f.oldestRollupDayMs / 1000]);
    return out;
  });
  gauge('rollup_lag_seconds', 'now minus the lowest rollup watermark of the series with data', [], async () => {
    const lag = (await status())?.rollupLagMs;
    return lag === undefined ? [] : [[{}, lag / 1000]];
  });
  gauge('retention_removable_readings', 'raw readings the next retention pass removes', [], async () => {
    const s = await status();
    return s ? [[{}, s.next.rawRemovable]] : [];
  });

  gauge('info', 'this central instance: id and software version (always 1)', ['central', 'version'], () => [
    [{ central: deps.central.id, version: deps.central.version }, 1],
  ]);
  if (deps.processMetrics !== false) collectDefaultMetrics({ register: registry });

  return {
    registry,
    contentType: registry.contentType,
    render: async () => {
      ingest = undefined;
      storage = undefined;
      try {
        return await registry.metrics();
      } finally {
        ingest = undefined;
        storage = undefined;
      }
    },
  };
}
