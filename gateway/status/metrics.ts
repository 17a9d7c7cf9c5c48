// The gateway's Prometheus metrics: one Registry per gateway. Polls are observed at the poll boundary
// (observePoll, called by gateway/polling/intake.ts); everything else is read at scrape time from the counters the
// drivers, outbox and publisher already keep, so nothing is counted twice. Names and labels: docs/metrics.md.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PollResult } from '../polling/result.js';
import { pollOutcome } from './devices.js';
import { busOf, type GatewayView } from './view.js';

export const PREFIX = 'joulebook_gateway_';

/** Poll duration buckets (s): a Modbus energy poll ~10-50 ms, a full PDU walk up to its 8 s budget. */
export const POLL_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Driver counter name -> `error` label, for Modbus buses and devices. */
const MODBUS_ERRORS: Record<string, string> = {
  timeouts: 'timeout',
  crc_errors: 'crc',
  exceptions: 'exception',
  garbage: 'garbage',
  link_errors: 'link',
};
const BUS_ONLY_ERRORS: Record<string, string> = { stale_frames: 'stale_frame', desyncs: 'desync' };
const SNMP_ERRORS: Record<string, string> = {
  timeouts: 'timeout',
  errors: 'error',
  too_big: 'too_big',
  stale_responses: 'stale_response',
  malformed: 'malformed',
  bad_values: 'bad_value',
  bad_rows: 'bad_row',
};
const PUBLISH_COUNTERS: [string, string, string][] = [
  ['mqtt_messages_published_total', 'messages', 'MQTT messages handed to the broker (QoS 1)'],
  ['mqtt_messages_acked_total', 'acked', 'MQTT messages the broker acknowledged (PUBACK); their items left the outbox'],
  ['mqtt_entries_acked_total', 'entries_acked', 'readings, events and alerts in acknowledged messages'],
  ['mqtt_historical_entries_total', 'historical_entries', 'entries sent flagged historical (older than the connection: outage replay)'],
  ['mqtt_reconnects_total', 'reconnects', 'reconnection attempts to the broker'],
  ['outbox_items_rejected_total', 'rejected', 'outbox items dropped because they fail the wire schema (never offered to the broker)'],
];

export interface GatewayMetrics {
  registry: Registry;
  contentType: string;
  render(): Promise<string>;
  /** Called with every poll result, at the poll boundary. */
  observePoll(r: PollResult): void;
}

export interface GatewayMetricsOptions {
  /** process_* and nodejs_* metrics of this process (off in tests that build many registries). */
  processMetrics?: boolean;
}

type Labels = Record<string, string>;
type Sample = [Labels, number];

export function createGatewayMetrics(view: GatewayView, opts: GatewayMetricsOptions = {}): GatewayMetrics {
  const registry = new Registry();
  const busFor = busOf(view);
  const counter = (name: string, help: string, labelNames: string[], read?: () => Iterable<Sample>) =>
    new Counter({
      name: PREFIX + name,
      help,
      labelNames,
      registers: [registry],
      ...(read
        ? {
            collect(this: Counter) {
              this.reset();
              for (const [l, v] of read()) this.inc(l, v);
            },
          }
        : {}),
    });
  const gauge = (name: string, help: string, labelNames: string[], read: () => Iterable<Sample>) =>
    new Gauge({
      name: PREFIX + name,
      help,
      labelNames,
      registers: [registry],
      collect(this: Gauge) {
        this.reset();
        for (const [l, v] of read()) this.set(l, v);
      },
    });

  const duration = new Histogram({
    name: `${PREFIX}poll_duration_seconds`,
    help: 'wall time of one poll of a device (all its requests and retries), skipped polls not counted',
    labelNames: ['device', 'bus', 'kind'],
    buckets: POLL_BUCKETS_S,
    registers: [registry],
  });
  const polls = counter(
    'polls_total',
    'polls by outcome: ok, skipped_backoff, or the fault that ended them (timeout, crc, garbage, link, error)',
    ['device', 'bus', 'outcome'],
  );
  const readings = counter('readings_total', 'readings produced by polls (one per channel per poll), before the outbox', ['device', 'bus']);
  for (const [device, bus] of busFor) {
    polls.inc({ device, bus, outcome: 'ok' }, 0);
    readings.inc({ device, bus }, 0);
  }

  gauge('device_consecutive_failures', 'failed polls in a row (0 once a poll succeeds)', ['device', 'bus'], () =>
    [...busFor].map(([device, bus]) => [{ device, bus }, view.book.get(device)!.consecutiveFailures]),
  );
  gauge('device_last_reading_timestamp_seconds', 'time of the newest reading of the device (Unix seconds)', ['device', 'bus'], () =>
    [...busFor].flatMap(([device, bus]): Sample[] => {
      const at = view.book.get(device)!.lastReadingAtMs;
      return at === undefined ? [] : [[{ device, bus }, at / 1000]];
    }),
  );
  counter('poll_overruns_total', 'scheduled poll ticks skipped because the previous poll ran over', [], () => [
    [{}, view.scheduler.overruns],
  ]);

  const byName =
    <T extends { counters: { get(n: string): number } }>(
      m: ReadonlyMap<string, T>,
      names: Record<string, string>,
      label: (id: string) => Labels,
    ) =>
    () =>
      [...m].flatMap(([id, x]) => Object.entries(names).map(([n, error]): Sample => [{ ...label(id), error }, x.counters.get(n)]));
  const one =
    <T extends { counters: { get(n: string): number } }>(m: ReadonlyMap<string, T>, n: string, label: (id: string) => Labels) =>
    () =>
      [...m].map(([id, x]): Sample => [label(id), x.counters.get(n)]);
  const devLabels = (id: string) => ({ device: id, bus: busFor.get(id)! });
  const busLabels = (id: string) => ({ bus: id });
  const pduLabels = (id: string) => ({ pdu: id });
  const snmp = new Map([...view.pdus].map(([id, a]) => [id, a.client]));

  counter('modbus_bus_requests_total', 'Modbus requests sent on the bus', ['bus'], one(view.buses, 'requests', busLabels));
  counter(
    'modbus_bus_errors_total',
    'failed Modbus transactions on the bus by error (timeout, crc, exception, garbage, link), and stale frames and desynchronised TCP streams',
    ['bus', 'error'],
    byName(view.buses, { ...MODBUS_ERRORS, ...BUS_ONLY_ERRORS }, busLabels),
  );
  counter(
    'modbus_bus_reconnects_total',
    'times the bus link (serial port or TCP connection) was reopened',
    ['bus'],
    one(view.buses, 'reconnects', busLabels),
  );
  counter(
    'modbus_bus_unexpected_bytes_total',
    'bytes received outside any transaction (late answers, line noise)',
    ['bus'],
    one(view.buses, 'unexpected_bytes', busLabels),
  );
  gauge('modbus_bus_queue_depth', 'requests waiting for the bus', ['bus'], () =>
    [...view.buses].map(([bus, b]): Sample => [{ bus }, b.queueDepth]),
  );
  counter(
    'modbus_device_requests_total',
    'Modbus requests sent to the device, retries included',
    ['device', 'bus'],
    one(view.devices, 'requests', devLabels),
  );
  counter(
    'modbus_device_errors_total',
    'failed Modbus requests to the device by error (timeout, crc, exception, garbage, link)',
    ['device', 'bus', 'error'],
    byName(view.devices, MODBUS_ERRORS, devLabels),
  );
  counter(
    'modbus_device_retries_total',
    'requests repeated after a timeout or a corrupt answer',
    ['device', 'bus'],
    one(view.devices, 'retries', devLabels),
  );
  counter('snmp_requests_total', 'SNMP requests sent to the PDU agent', ['pdu'], one(snmp, 'requests', pduLabels));
  counter(
    'snmp_errors_total',
    'SNMP problems by error (timeout, error, too_big, stale_response, malformed, bad_value, bad_row)',
    ['pdu', 'error'],
    byName(snmp, SNMP_ERRORS, pduLabels),
  );

  const size = () => view.outbox.size;
  gauge('outbox_items', 'items (poll results, event and alert batches) committed and not yet acknowledged by the broker', [], () => [
    [{}, size().items],
  ]);
  gauge('outbox_entries', 'readings, events and alerts in the outbox', [], () => [[{}, size().entries]]);
  gauge('outbox_bytes', 'bytes of item bodies in the outbox', [], () => [[{}, size().bytes]]);
  gauge('outbox_oldest_age_seconds', 'age of the oldest item in the outbox (0 when empty)', [], () => {
    const oldest = size().oldestTs;
    return [[{}, oldest === undefined ? 0 : Math.max(0, (view.clock.now() - oldest) / 1000)]];
  });
  gauge('outbox_pending_items', 'poll results held in memory, not yet committed to disk', [], () => [[{}, view.outbox.pendingCount]]);

  gauge('mqtt_connected', '1 while connected to the broker', [], () => [[{}, view.publisher.connected ? 1 : 0]]);
  gauge('mqtt_last_ack_timestamp_seconds', 'time the broker last acknowledged a message (Unix seconds; 0 before the first)', [], () => [
    [{}, (view.publisher.lastAckedAtMs ?? 0) / 1000],
  ]);
  for (const [name, key, help] of PUBLISH_COUNTERS) counter(name, help, [], () => [[{}, view.publisher.counters.get(key)]]);

  gauge('alerts_active', 'alerts raised and not cleared, by type and severity', ['type', 'severity'], () => {
    const n = new Map<string, Sample>();
    for (const a of view.alerts.active()) {
      const key = `${a.type}\n${a.severity}`;
      const s = n.get(key) ?? [{ type: a.type, severity: a.severity }, 0];
      s[1]++;
      n.set(key, s);
    }
    return n.values();
  });
  const g = view.config.gateway;
  gauge('info', 'this gateway: ids, software version and boot id (always 1)', ['gateway', 'site', 'room', 'version', 'boot'], () => [
    [{ gateway: g.id, site: g.site, room: g.room, version: view.version, boot: view.boot }, 1],
  ]);

  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry });

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    observePoll: (r) => {
      const bus = busFor.get(r.device) ?? ''; // never undefined: a label must be a string, and this runs in the poll path
      polls.inc({ device: r.device, bus, outcome: pollOutcome(r) });
      if (r.skipped) return;
      duration.observe({ device: r.device, bus, kind: r.kind }, r.durationMs / 1000);
      if (r.readings.length > 0) readings.inc({ device: r.device, bus }, r.readings.length);
    },
  };
}
