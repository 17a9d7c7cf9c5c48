// The metrics, the status snapshot and the page over a plain view (no drivers): what each shows in the
// corner cases the end-to-end test does not reach.
import t from 'tap';
import type { Alert } from '../../protocol/wire.js';
import { GatewayConfig } from '../config/schema.js';
import { parsePrometheusText, value } from '../../test/helpers/prom-text.js';
import { Counters } from './counters.js';
import { DeviceBook } from './devices.js';
import { createGatewayMetrics } from './metrics.js';
import { ago, duration, escapeHtml, renderStatusPage } from './page.js';
import { statusSnapshot } from './snapshot.js';
import { safeUrl, type GatewayView } from './view.js';

const NOW = Date.UTC(2026, 10, 1, 12, 0, 0);

function counters(values: Record<string, number>, latencyMs: number[] = []): Counters<string> {
  const c = new Counters<string>();
  for (const [k, v] of Object.entries(values)) c.inc(k, v);
  for (const l of latencyMs) c.observeLatency(l);
  return c;
}

function view(over: { alerts?: Alert[]; oldestTs?: number; lastAckedAtMs?: number; lastError?: string; url?: string } = {}): GatewayView {
  const config = GatewayConfig.parse({
    gateway: { id: 'gw-r101', site: 'ams1', room: 'r101' },
    mqtt: { url: over.url ?? 'mqtts://gw:secret@central.example:8883' },
    buses: [{ id: 'line1', type: 'rtu', path: '/dev/ttyUSB0' }],
    devices: [
      { id: 'busbar-a', bus: 'line1', unit: 1, profile: 'eastron-sdm630' },
      { id: 'busbar-b', bus: 'line1', unit: 2, profile: 'eastron-sdm630' },
    ],
    snmp: { pdus: [{ id: 'pdu-1', host: '10.0.0.5', profile: 'apc-rpdu2' }] },
  });
  const book = new DeviceBook(['busbar-a', 'busbar-b', 'pdu-1']);
  book.observe(
    {
      device: 'busbar-a',
      kind: 'full',
      durationMs: 40.04,
      readings: [
        { device: 'busbar-a', channel: 'total', ts: NOW - 5000, values: { energy_import_kwh: 1234.5, power_w: 4000 }, quality: 'good' },
      ],
      identities: [{ device: 'busbar-a', serial: 'A1' }],
    },
    NOW - 5000,
  );
  book.observe(
    {
      device: 'pdu-1',
      kind: 'full',
      durationMs: 300,
      readings: [
        { device: 'pdu-1', channel: 'inlet:1', ts: NOW - 8000, values: { power_w: 900 }, quality: 'good' },
        { device: 'pdu-1.u2', channel: 'inlet:1', ts: NOW - 8000, values: { power_w: 700 }, quality: 'good' },
      ],
      identities: [
        { device: 'pdu-1', serial: 'P1', model: 'AP8853' },
        { device: 'pdu-1.u2', serial: 'P2' },
      ],
    },
    NOW - 8000,
  );
  book.observe(
    {
      device: 'pdu-1',
      kind: 'energy',
      durationMs: 8000,
      readings: [],
      fault: { kind: 'timeout', reason: 'no complete answer within the 8000 ms budget <budget>' },
    },
    NOW - 1000,
  );
  return {
    config,
    version: '0.1.0',
    boot: '7-abcd',
    clock: { now: () => NOW },
    buses: new Map([
      ['line1', { counters: counters({ requests: 50, timeouts: 3, crc_errors: 1, stale_frames: 2 }, [10, 30]), queueDepth: 2 }],
    ]),
    devices: new Map([
      ['busbar-a', { counters: counters({ requests: 40, retries: 1, crc_errors: 1 }, [10, 30]), failing: false }],
      ['busbar-b', { counters: counters({}), failing: false }],
    ]),
    pdus: new Map([['pdu-1', { client: { counters: counters({ requests: 9, timeouts: 2, too_big: 1 }) } }]]),
    scheduler: { overruns: 4 },
    outbox: {
      size: { items: 3, entries: 30, bytes: 4_500_000, lastSeq: 77, ...(over.oldestTs !== undefined ? { oldestTs: over.oldestTs } : {}) },
      pendingCount: 1,
    },
    publisher: {
      connected: over.lastAckedAtMs !== undefined,
      lastError: over.lastError,
      lastAckedAtMs: over.lastAckedAtMs,
      counters: counters({ messages: 10, acked: 9, reconnects: 2, rejected: 1 }),
      status: () => ({}),
    },
    alerts: { active: () => over.alerts ?? [] },
    book,
  };
}

const alert = (a: Partial<Alert>): Alert => ({
  id: 'x',
  type: 'device_lost',
  severity: 'warning',
  state: 'raised',
  ts: NOW - 60_000,
  message: 'm',
  ...a,
});

t.test('metrics read the parts at scrape time', async (t) => {
  const alerts = [
    alert({ id: 'lost:a' }),
    alert({ id: 'lost:b' }),
    alert({ id: 'sum', type: 'phase_sum', severity: 'critical', subject: 'busbar-a/L1' }),
  ];
  const v = view({ alerts, oldestTs: NOW - 90_000, lastAckedAtMs: NOW - 2000 });
  const m = createGatewayMetrics(v, { processMetrics: false });
  m.observePoll({ device: 'busbar-b', kind: 'energy', readings: [], skipped: 'backoff', durationMs: 0 });
  m.observePoll({ device: 'busbar-a', kind: 'energy', readings: [], durationMs: 20 });
  m.observePoll({ device: 'not-configured', kind: 'full', readings: [], durationMs: 5 });
  const text = await m.render();
  const f = parsePrometheusText(text);
  t.notOk(
    [...f.keys()].some((k) => k.startsWith('process_') || k.startsWith('nodejs_')),
    'no process metrics when asked not to',
  );
  t.ok(
    [...f.keys()].every((k) => k.startsWith('joulebook_gateway_')),
    'every name under the prefix',
  );
  for (const fam of f.values()) if (fam.type === 'counter') t.match(fam.name, /_total$/, `${fam.name}: a counter ends in _total`);
  t.equal(value(f, 'joulebook_gateway_polls_total', { device: 'busbar-b', outcome: 'skipped_backoff' }), 1);
  t.equal(value(f, 'joulebook_gateway_poll_duration_seconds_count', { device: 'busbar-b' }), undefined, 'skipped polls are not timed');
  t.equal(value(f, 'joulebook_gateway_poll_duration_seconds_sum', { device: 'busbar-a', kind: 'energy' }), 0.02, 'durations in seconds');
  t.equal(value(f, 'joulebook_gateway_readings_total', { device: 'busbar-a' }), 0, 'a poll without readings adds none');
  t.equal(
    value(f, 'joulebook_gateway_polls_total', { device: 'not-configured', bus: '' }),
    1,
    'a result of an unknown device is counted, never thrown on',
  );
  t.equal(value(f, 'joulebook_gateway_modbus_bus_errors_total', { bus: 'line1', error: 'stale_frame' }), 2);
  t.equal(value(f, 'joulebook_gateway_modbus_device_errors_total', { device: 'busbar-a', bus: 'line1', error: 'crc' }), 1);
  t.equal(value(f, 'joulebook_gateway_modbus_device_retries_total', { device: 'busbar-a' }), 1);
  t.equal(value(f, 'joulebook_gateway_snmp_errors_total', { pdu: 'pdu-1', error: 'too_big' }), 1);
  t.equal(value(f, 'joulebook_gateway_modbus_bus_queue_depth', { bus: 'line1' }), 2);
  t.equal(value(f, 'joulebook_gateway_outbox_oldest_age_seconds'), 90);
  t.equal(value(f, 'joulebook_gateway_outbox_pending_items'), 1);
  t.equal(value(f, 'joulebook_gateway_mqtt_last_ack_timestamp_seconds'), (NOW - 2000) / 1000);
  t.equal(value(f, 'joulebook_gateway_outbox_items_rejected_total'), 1);
  t.equal(value(f, 'joulebook_gateway_poll_overruns_total'), 4);
  t.equal(
    value(f, 'joulebook_gateway_alerts_active', { type: 'device_lost', severity: 'warning' }),
    2,
    'alerts counted by type and severity',
  );
  t.equal(value(f, 'joulebook_gateway_alerts_active', { type: 'phase_sum', severity: 'critical' }), 1);
  t.equal(value(f, 'joulebook_gateway_device_consecutive_failures', { device: 'pdu-1', bus: 'snmp' }), 1);
  t.equal(
    value(f, 'joulebook_gateway_device_last_reading_timestamp_seconds', { device: 'busbar-b' }),
    undefined,
    'no reading, no timestamp',
  );

  const empty = parsePrometheusText(await createGatewayMetrics(view(), { processMetrics: false }).render());
  t.equal(value(empty, 'joulebook_gateway_outbox_oldest_age_seconds'), 0, 'an empty outbox has no age');
  t.equal(value(empty, 'joulebook_gateway_mqtt_last_ack_timestamp_seconds'), 0, 'never acknowledged: 0');
  t.equal(value(empty, 'joulebook_gateway_mqtt_connected'), 0);
  t.equal(empty.get('joulebook_gateway_alerts_active')!.samples.length, 0, 'no alerts, no series');
});

t.test('status snapshot', async (t) => {
  const s = statusSnapshot(
    view({
      oldestTs: NOW - 90_000,
      lastAckedAtMs: NOW - 2000,
      lastError: 'connack timeout',
      alerts: [alert({ id: 'i', severity: 'info' }), alert({ id: 'c', severity: 'critical' }), alert({ id: 'w' })],
    }),
  );
  t.equal(s.broker.url, 'mqtts://central.example:8883', 'credentials never shown');
  t.match(s.broker, {
    connected: true,
    lastError: 'connack timeout',
    lastAckAt: new Date(NOW - 2000).toISOString(),
    publishedPerS: 0,
    reconnects: 2,
    messagesAcked: 9,
  });
  t.same(s.outbox, { items: 3, entries: 30, bytes: 4_500_000, pendingItems: 1, oldestAgeS: 90 });
  t.same(s.buses, [
    {
      id: 'line1',
      type: 'rtu',
      requests: 50,
      errors: { timeout: 3, crc: 1, exception: 0, garbage: 0, link: 0, stale_frame: 2, desync: 0 },
      reconnects: 0,
      queueDepth: 2,
      latencyMs: { mean: 20, max: 30 },
    },
  ]);
  const [a, b, pdu] = s.devices;
  t.match(a, {
    id: 'busbar-a',
    state: 'ok',
    address: 'unit 1',
    lastDurationMs: 40,
    requestLatencyMs: { mean: 20, max: 30, last: 30 },
    errors: { crc: 1, timeout: 0 },
  });
  t.notOk('stale_frame' in a!.errors, "bus-only errors are not a device's");
  t.match(b, { id: 'busbar-b', state: 'waiting', polls: 0, identities: {}, values: {} });
  t.notOk('requestLatencyMs' in b!, 'no latency before an answer');
  t.match(pdu, {
    id: 'pdu-1',
    kind: 'snmp',
    bus: 'snmp',
    address: '10.0.0.5:161',
    state: 'failing',
    failingSince: new Date(NOW - 1000).toISOString(),
    errors: { timeout: 2, too_big: 1 },
  });
  t.same(
    s.alerts.map((x) => x.id),
    ['c', 'w', 'i'],
    'alerts: critical first',
  );
  t.equal(s.pollOverruns, 4);
});

t.test('status page', async (t) => {
  const v = view({
    oldestTs: NOW - 90_000,
    alerts: [
      alert({
        id: 'sum',
        type: 'phase_sum',
        severity: 'critical',
        subject: 'busbar-a/L1',
        message: 'PDUs <sum> 10% over the meter',
        since: NOW - 7200_000,
      }),
    ],
  });
  const html = renderStatusPage(statusSnapshot(v));
  t.match(html, /<meta name="viewport" content="width=device-width/, 'laid out for a phone');
  t.match(html, 'not connected', 'broker down');
  t.match(html, '30 entries waiting (3 items, 4.5 MB), oldest 90 s');
  t.match(html, 'PDUs &#60;sum&#62; 10% over the meter', 'text from the gateway is escaped');
  t.match(html, 'busbar-a/L1');
  t.match(html, '2 h ago');
  t.match(html, 'pdu-1: P1 (AP8853), pdu-1.u2: P2', 'every unit of a PDU chain with its serial');
  t.match(html, 'pdu-1.u2: 700 W');
  t.match(html, '1234.50 kWh · 4000 W');
  t.match(html, 'failing (1)');
  t.match(html, 'timeout: no complete answer within the 8000 ms budget &#60;budget&#62; (1 s ago)');
  t.match(html, 'Devices (3, 1 failing)');
  t.match(html, '<td>line1</td><td>rtu</td><td>50</td><td>3</td><td>1</td><td>0</td><td>2</td><td>20 ms</td>', 'bus table');
  t.notMatch(html, /<script|<link|<img|src=/, 'nothing loaded from elsewhere');

  const bare = view({ lastAckedAtMs: NOW - 1000 });
  bare.config = { ...bare.config, buses: [], devices: [], snmp: { ...bare.config.snmp, pdus: [] } };
  const none = renderStatusPage(statusSnapshot(bare));
  t.match(none, 'none configured');
  t.match(none, 'Alerts (0)</h2><p>none</p>');
  t.notMatch(none, 'id="buses"', 'no bus table without buses');
  t.match(none, '>connected<');
});

t.test('page helpers', async (t) => {
  const now = new Date(NOW).toISOString();
  const at = (s: number) => new Date(NOW - s * 1000).toISOString();
  const agoCases: [string | undefined, string][] = [
    [undefined, 'never'],
    [at(0), '0 s ago'],
    [at(119), '119 s ago'],
    [at(120), '2 min ago'],
    [at(7199), '120 min ago'],
    [at(7200), '2 h ago'],
    [at(172_800), '2 d ago'],
    [new Date(NOW + 5000).toISOString(), '0 s ago'],
  ];
  for (const [a, want] of agoCases) t.equal(ago(a, now), want, want);
  const durCases: [number, string][] = [
    [0, '0 s'],
    [119.6, '120 s'],
    [120, '2 min'],
    [7200, '2.0 h'],
    [36_000, '10.0 h'],
  ];
  for (const [s, want] of durCases) t.equal(duration(s), want, want);
  t.equal(escapeHtml(`<a href="x">'&'</a>`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  const urls: [string, string][] = [
    ['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.1:1883'],
    ['mqtts://u:p@host:8883', 'mqtts://host:8883'],
    ['wss://u:p@host/mqtt', 'wss://host/mqtt'],
    ['not a url u:p@x', 'not a url u:p@x'],
    ['tcp://u:p@[bad', 'tcp://[bad'],
  ];
  for (const [u, want] of urls) t.equal(safeUrl(u), want, u);
});
