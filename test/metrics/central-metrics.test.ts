// The central metric registry over real parts: a central node (embedded broker, SQLite) that a real
// gateway publishes to, a refused login, refused messages, and invoice runs on a real SQLite billing
// store. Every render is read with the strict exposition-format reader and compared with the counters.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { setUser } from '../../central/broker/credentials.js';
import { resolvePaths } from '../../central/config/central-load.js';
import { CentralConfig } from '../../central/config/central-schema.js';
import { InvoiceRunner } from '../../central/billing/run/runner.js';
import { systemClock } from '../../common/clock.js';
import { startCentral } from '../../central/main.js';
import { createCentralMetrics } from '../../central/metrics/registry.js';
import { openSqliteBillingStore } from '../../central/storage/billing/sqlite.js';
import { startModbusSim } from '../../sim/modbus/start.js';
import { AMS, recordingOutputs, World } from '../billing/world.js';
import { freePort, quietLog } from '../helpers/env.js';
import { demoConfig, runGateway, waitFor } from '../helpers/gateway.js';
import { builtinProfiles } from '../helpers/modbus.js';
import { parsePrometheusText, value } from '../helpers/prom-text.js';

const FAST = { scrypt: { N: 1024, r: 8, p: 1 }, mosquittoIterations: 101 };

t.test('ingest, broker and alert metrics follow a real central node', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-central-metrics-'));
  const credentials = join(dir, 'credentials.yaml');
  await setUser(credentials, { username: 'gw-test', password: 'pw-gw', role: 'gateway', site: 'ams1', gateway: 'gw-test' }, FAST);
  const port = await freePort();
  const config = resolvePaths(
    CentralConfig.parse({ broker: { embedded: { host: '127.0.0.1', port, credentials: 'credentials.yaml' } } }),
    dir,
  );
  const central = await startCentral({ config, clock: systemClock, log: quietLog });
  t.teardown(() => central.stop());
  const metrics = createCentralMetrics({
    central: { id: config.central.id, version: 'test' },
    pipeline: central.pipeline,
    alerts: central.alerts,
    parts: central,
  });
  const scrape = async () => parsePrometheusText(await metrics.render());
  t.equal(metrics.contentType, 'text/plain; version=0.0.4; charset=utf-8');

  const before = await scrape();
  t.equal(value(before, 'joulebook_central_ingest_readings_stored_total'), 0, 'nothing stored yet');
  t.same(
    before
      .get('joulebook_central_ingest_messages_rejected_total')!
      .samples.map((s) => s.labels.reason)
      .sort(),
    ['bad_json', 'foreign_topic', 'gateway_mismatch', 'schema', 'site_mismatch', 'too_large'],
    'every rejection reason present from the start',
  );
  t.equal(value(before, 'joulebook_central_ingest_store_batch_duration_seconds_count'), 0);
  t.equal(value(before, 'joulebook_central_broker_connected_clients', { role: 'gateway' }), 0);
  t.equal(value(before, 'joulebook_central_info', { central: config.central.id, version: 'test' }), 1);
  t.ok(before.has('process_resident_memory_bytes') || before.has('process_cpu_user_seconds_total'), 'process metrics');

  // A login with a wrong password: refused and counted.
  const bad = await mqtt
    .connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'gw-test', password: 'wrong', clientId: 'intruder', reconnectPeriod: 0 })
    .catch((e: unknown) => e);
  t.type(bad, Error, 'a wrong password is refused');

  const simPort = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port: simPort },
    meters: [1, 2].map((unit) => ({ unit, profile: sdm })),
  });
  t.teardown(() => sim.close());
  sim.bank.meters.get(2)!.fault = { mode: 'dead' };
  const gwConfig = demoConfig(`mqtt://127.0.0.1:${port}`, simPort);
  const devices = gwConfig.devices.slice(0, 2).map((d) => ({ ...d, backoffBaseMs: 100, backoffMaxMs: 400 }));
  const gw = await runGateway({ ...gwConfig, devices, mqtt: { ...gwConfig.mqtt, username: 'gw-test', password: 'pw-gw' } });
  let gwStopped = false;
  t.teardown(async () => {
    if (!gwStopped) await gw.stop();
  });
  t.ok(await waitFor(() => central.pipeline.counters.snapshot().readingsStored >= 20, 10_000), 'readings stored');
  t.equal(value(await scrape(), 'joulebook_central_broker_connected_clients', { role: 'gateway' }), 1, 'one gateway connected');
  t.ok(await waitFor(() => central.alerts.counters.forwarded > 0, 10_000), "the dead meter's alert is forwarded");

  // The gateway's own login sending what ingest refuses: not JSON, then the wrong schema.
  const rogue = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    username: 'gw-test',
    password: 'pw-gw',
    clientId: 'gw-test-2',
    protocolVersion: 4,
  });
  await rogue.publishAsync('joulebook/v1/ams1/gw-test/readings', 'not json', { qos: 1 });
  await rogue.publishAsync('joulebook/v1/ams1/gw-test/readings', JSON.stringify({ v: 1, nothing: true }), { qos: 1 });
  await rogue.endAsync();
  gwStopped = true;
  await gw.stop();
  t.ok(await waitFor(() => central.pipeline.pending === 0, 5000), 'ingest idle');

  const snap = central.pipeline.counters.snapshot();
  const m = await scrape();
  t.equal(value(m, 'joulebook_central_ingest_messages_total'), snap.messagesIn, `messages in: ${snap.messagesIn}`);
  t.equal(value(m, 'joulebook_central_ingest_messages_stored_total'), snap.messagesStored, `messages stored: ${snap.messagesStored}`);
  t.equal(value(m, 'joulebook_central_ingest_readings_stored_total'), snap.readingsStored, `readings stored: ${snap.readingsStored}`);
  t.equal(value(m, 'joulebook_central_ingest_other_items_stored_total'), snap.otherItemsStored);
  t.equal(value(m, 'joulebook_central_ingest_duplicates_total'), snap.duplicates);
  t.equal(value(m, 'joulebook_central_ingest_messages_rejected_total', { reason: 'bad_json' }), 1, 'the bad JSON refused');
  t.equal(value(m, 'joulebook_central_ingest_messages_rejected_total', { reason: 'schema' }), 1, 'the bad schema refused');
  t.equal(value(m, 'joulebook_central_ingest_store_batches_total'), snap.storeCalls);
  t.equal(
    value(m, 'joulebook_central_ingest_store_batch_duration_seconds_count'),
    snap.storeCalls,
    `store batches timed: ${snap.storeCalls}`,
  );
  t.equal(value(m, 'joulebook_central_ingest_store_batch_duration_seconds_bucket', { le: '+Inf' }), snap.storeCalls);
  t.equal(value(m, 'joulebook_central_ingest_store_batch_duration_seconds_sum'), snap.storeLatency.sumMs / 1000, 'latency sum in seconds');
  t.equal(
    value(m, 'joulebook_central_ingest_store_batch_duration_seconds_bucket', { le: '10' }),
    snap.storeLatency.buckets.at(-1)!.count,
    'the 10 s bucket is the 10,000 ms one',
  );
  t.equal(value(m, 'joulebook_central_broker_refusals_total', { reason: 'connect_bad_password' }), 1, 'the wrong password counted');
  t.equal(value(m, 'joulebook_central_broker_connected_clients', { role: 'gateway' }), 0, 'no gateway connected after they left');
  t.equal(value(m, 'joulebook_central_alerts_forwarded_total'), central.alerts.counters.forwarded);
  t.ok(value(m, 'joulebook_central_alerts_published_total')! >= 1, 'published on the central alert topic');
  t.equal(value(m, 'joulebook_central_alert_webhook_deliveries_total', { result: 'failed' }), 0);
  t.equal(m.get('joulebook_central_invoice_runs')!.samples.length, 0, 'no billing section, no invoice runs');
  t.equal(value(m, 'joulebook_central_consumer_connects_total'), 0, 'no external-broker consumer');
  const wired = parsePrometheusText(await central.metrics.render());
  t.equal(
    value(wired, 'joulebook_central_ingest_readings_stored_total'),
    snap.readingsStored,
    'the registry central/main.ts builds reads the same counters',
  );
  t.equal(
    value(wired, 'joulebook_central_info', { central: config.central.id, version: 'unknown' }),
    1,
    'version "unknown" unless the caller gives one',
  );
});

t.test('invoice runs by state from a real billing store; an external-broker consumer', async (t) => {
  const H = 3_600_000;
  const clock = {
    t: Date.UTC(2026, 8, 1, 12),
    now() {
      return this.t;
    },
  };
  const store = openSqliteBillingStore({
    file: join(mkdtempSync(join(tmpdir(), 'jb-runs-metrics-')), 'c.db'),
    log: quietLog,
    now: () => clock.t,
  });
  t.teardown(() => store.close());
  const world = new World();
  world.gaps.add('globex@2026-07');
  world.failing.add('2026-08');
  const runner = new InvoiceRunner({
    store,
    computeDrafts: world.computeDrafts,
    outputs: recordingOutputs(),
    clock,
    log: quietLog,
    owner: 'node-a',
    entities: [AMS],
    settings: { graceMs: 6 * H, minMeasuredShare: 0.999, recheckMonths: 0 },
  });
  const consumer = { counters: { connects: 2, messages: 10, acksSent: 9, acksDropped: 1 } };
  const metrics = createCentralMetrics({
    central: { id: 'c1', version: 'test' },
    processMetrics: false,
    parts: { consumer, billing: { store, runner } },
    pipeline: {
      counters: {
        snapshot: () => ({
          messagesIn: 0,
          messagesStored: 0,
          messagesAbandoned: 0,
          readingsStored: 0,
          otherItemsStored: 0,
          duplicates: 0,
          rejected: {} as never,
          storeCalls: 0,
          storeFailures: 0,
          storeLatency: { count: 0, sumMs: 0, maxMs: 0, buckets: [] },
        }),
      },
      pending: 0,
    },
    alerts: { counters: { forwarded: 0, published: 0, publishFailed: 0, webhookDelivered: 3, webhookFailed: 1, webhookDropped: 0 } },
  });
  const empty = parsePrometheusText(await metrics.render());
  t.same(
    empty.get('joulebook_central_invoice_runs')!.samples.map((s) => [s.labels.state, s.value]),
    [
      ['partial', 0],
      ['drafted', 0],
      ['finalized', 0],
      ['complete', 0],
    ],
    'every state, zero before any run',
  );
  t.notOk(
    [...empty.keys()].some((k) => k.startsWith('process_')),
    'process metrics off when asked',
  );
  await runner.tick(); // June and July run (July held: globex has a gap), August fails
  const m = parsePrometheusText(await metrics.render());
  const runs = await store.runs();
  t.ok(runs.length >= 2, `${runs.length} runs in the store`);
  for (const state of ['partial', 'drafted', 'finalized', 'complete']) {
    t.equal(value(m, 'joulebook_central_invoice_runs', { state }), runs.filter((r) => r.state === state).length, `runs ${state}`);
  }
  t.equal(value(m, 'joulebook_central_invoice_run_errors_total'), runner.errorCount.value, `run errors: ${runner.errorCount.value}`);
  t.ok(runner.errorCount.value >= 1, 'the failing month counted');
  t.equal(value(m, 'joulebook_central_consumer_connects_total'), 2);
  t.equal(value(m, 'joulebook_central_consumer_acks_dropped_total'), 1);
  t.equal(value(m, 'joulebook_central_alert_webhook_deliveries_total', { result: 'delivered' }), 3);
  t.equal(m.get('joulebook_central_broker_refusals_total')!.samples.length, 0, 'no embedded broker, no refusals');
  t.equal(m.get('joulebook_central_broker_connected_clients')!.samples.length, 0, 'nor its clients');
});
