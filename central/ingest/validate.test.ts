import t from 'tap';
import { MAX_PAYLOAD_BYTES } from '../../protocol/wire.js';
import { readingsMessage } from '../../scripts/benches/sample-messages.js';
import { validateMessage } from './validate.js';

const T = 'joulebook/v1/fra1/gw-a1';
const env = { v: 1, gateway: 'gw-a1', boot: 'b1', seq: 5, seqEnd: 5, sentAt: 1 };
const json = (x: unknown) => Buffer.from(JSON.stringify(x));
const readings = json(readingsMessage({ gateway: 'gw-a1', seq: 1, readings: 3 }));

t.test('each message to a batch or a reason', async (t) => {
  const cases: [string, string, Buffer, string][] = [
    ['readings', `${T}/readings`, readings, 'ok'],
    ['events', `${T}/events`, json({ ...env, events: [{ type: 'clock_jump', ts: 1, deltaMs: 5 }] }), 'ok'],
    [
      'alerts',
      `${T}/alerts`,
      json({ ...env, alerts: [{ id: 'x', type: 't', severity: 'info', state: 'raised', ts: 1, message: 'm' }] }),
      'ok',
    ],
    ['status', `${T}/status`, json({ v: 1, gateway: 'gw-a1', boot: 'b1', state: 'online', ts: 1 }), 'ok'],
    [
      'meta',
      `${T}/meta`,
      json({ v: 1, gateway: 'gw-a1', boot: 'b1', ts: 1, version: '1', configHash: 'h', site: 'fra1', room: 'r1', devices: [] }),
      'ok',
    ],
    [
      'meta for another site',
      `${T}/meta`,
      json({ v: 1, gateway: 'gw-a1', boot: 'b1', ts: 1, version: '1', configHash: 'h', site: 'ams1', room: 'r1', devices: [] }),
      'site_mismatch',
    ],
    ['unknown kind', `${T}/commands`, readings, 'foreign_topic'],
    ['too deep', `${T}/readings/x`, readings, 'foreign_topic'],
    ['not ours', 'other/app/x', readings, 'foreign_topic'],
    ['wildcard level', 'joulebook/v1/+/gw-a1/readings', readings, 'foreign_topic'],
    ['too large', `${T}/readings`, Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20), 'too_large'],
    ['not JSON', `${T}/readings`, Buffer.from('{"v":1,'), 'bad_json'],
    ['binary', `${T}/readings`, Buffer.from([0xff, 0xfe, 0x00]), 'bad_json'],
    ['empty', `${T}/readings`, Buffer.alloc(0), 'bad_json'],
    ['wrong types', `${T}/readings`, json({ ...env, historical: 'no', readings: [] }), 'schema'],
    ['extra field', `${T}/status`, json({ v: 1, gateway: 'gw-a1', boot: 'b1', state: 'online', ts: 1, admin: true }), 'schema'],
    ['array', `${T}/readings`, json([1, 2]), 'schema'],
    ['another gateway', `${T}/readings`, json(readingsMessage({ gateway: 'gw-b2', seq: 1, readings: 1 })), 'gateway_mismatch'],
  ];
  for (const [name, topic, payload, want] of cases) {
    const v = validateMessage(topic, payload, 42);
    t.equal(v.ok ? 'ok' : v.reason, want, name);
    if (!v.ok) t.ok(v.detail.length > 0 && v.detail.length <= 201, `${name}: a short detail`);
  }
});

t.test('a valid message carries its origin and reading count', async (t) => {
  const v = validateMessage(`${T}/readings`, readings, 42);
  if (!v.ok) throw new Error(v.detail);
  t.equal(v.readings, 3);
  t.match(v.batch, { kind: 'readings', site: 'fra1', gateway: 'gw-a1', receivedAt: 42 });
  const sub = readings.subarray(0);
  t.equal(
    validateMessage(`${T}/readings`, new Uint8Array(sub.buffer, sub.byteOffset, sub.byteLength), 1).ok,
    true,
    'a Uint8Array view works too',
  );
});
