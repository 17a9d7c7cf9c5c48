import t from 'tap';
import type { Reading } from '../../protocol/reading.js';
import type { PollResult } from '../polling/result.js';
import { DeviceBook, headlineValues, pollOutcome } from './devices.js';

const reading = (device: string, channel: string, values: Reading['values'], ts = 1000): Reading => ({
  device,
  channel,
  ts,
  values,
  quality: 'good',
});
const result = (r: Partial<PollResult>): PollResult => ({ device: 'm1', kind: 'full', readings: [], durationMs: 12, ...r });

t.test('pollOutcome', async (t) => {
  const cases: [Partial<PollResult>, string][] = [
    [{}, 'ok'],
    [{ skipped: 'backoff' }, 'skipped_backoff'],
    [{ fault: { kind: 'timeout' } }, 'timeout'],
    [{ fault: { kind: 'crc' } }, 'crc'],
    [{ fault: { kind: 'error', reason: 'noSuchName' } }, 'error'],
  ];
  for (const [r, want] of cases) t.equal(pollOutcome(result(r)), want, want);
});

t.test('headlineValues: the total channel first, then an inlet, then a phase, per reading device', async (t) => {
  const cases: { name: string; readings: Reading[]; want: ReturnType<typeof headlineValues> }[] = [
    { name: 'nothing', readings: [], want: {} },
    {
      name: 'a meter: total beats phases',
      readings: [reading('m1', 'l1', { power_w: 1, voltage_v: 230 }), reading('m1', 'total', { power_w: 3, energy_import_kwh: 10 })],
      want: { m1: { power_w: 3, energy_import_kwh: 10, voltage_v: 230 } },
    },
    {
      name: 'a PDU and its chained unit: inlet beats outlets, frequency not shown',
      readings: [
        reading('pdu', 'outlet:1', { power_w: 100, energy_import_kwh: 1 }),
        reading('pdu', 'inlet:1', { power_w: 900, current_a: 4, frequency_hz: 50 }),
        reading('pdu.u2', 'outlet:3', { power_w: 7 }),
      ],
      want: { pdu: { power_w: 900, current_a: 4, energy_import_kwh: 1 }, 'pdu.u2': { power_w: 7 } },
    },
  ];
  for (const c of cases) t.same(headlineValues(c.readings), c.want, c.name);
});

t.test('DeviceBook follows polls, failures and recoveries', async (t) => {
  const book = new DeviceBook(['m1', 'pdu']);
  t.same(
    book.get('m1'),
    { polls: 0, failedPolls: 0, consecutiveFailures: 0, values: {}, identities: {} },
    'nothing known before the first poll',
  );
  book.observe(
    result({
      readings: [reading('m1', 'total', { energy_import_kwh: 5, power_w: 100 }, 900)],
      identities: [{ device: 'm1', serial: 'S1', model: 'SDM630' }],
    }),
    1000,
  );
  t.match(book.get('m1'), {
    polls: 1,
    lastPollAtMs: 1000,
    lastDurationMs: 12,
    lastOutcome: 'ok',
    lastReadingAtMs: 900,
    values: { m1: { energy_import_kwh: 5, power_w: 100 } },
    identities: { m1: { serial: 'S1', model: 'SDM630' } },
  });
  book.observe(result({ kind: 'energy', readings: [reading('m1', 'total', { energy_import_kwh: 6 }, 1900)] }), 2000);
  t.same(book.get('m1')!.values, { m1: { energy_import_kwh: 6, power_w: 100 } }, 'an energy poll keeps the power of the last full poll');
  book.observe(result({ fault: { kind: 'timeout' }, durationMs: 300 }), 3000);
  book.observe(result({ skipped: 'backoff', durationMs: 0 }), 3500);
  book.observe(result({ fault: { kind: 'link', reason: 'ECONNREFUSED' } }), 4000);
  t.match(
    book.get('m1'),
    {
      polls: 4,
      failedPolls: 2,
      consecutiveFailures: 2,
      failingSinceMs: 3000,
      lastError: { kind: 'link', reason: 'ECONNREFUSED', atMs: 4000 },
      lastReadingAtMs: 1900,
    },
    'skipped polls are not polls; failing since the first failure',
  );
  book.observe(result({ readings: [] }), 5000);
  t.equal(book.get('m1')!.consecutiveFailures, 0, 'a good poll ends the failing streak');
  t.equal(book.get('m1')!.failingSinceMs, undefined);
  t.match(book.get('m1')!.lastError, { kind: 'link' }, 'the last error stays for the installer');
  book.observe(result({ device: 'unknown' }), 5000);
  t.equal(book.get('unknown'), undefined, 'results of unconfigured devices are ignored');
  book.observe(result({ device: 'pdu', identities: [{ device: 'pdu.u2' }] }), 6000);
  t.same(book.get('pdu')!.identities, { 'pdu.u2': {} }, 'a unit without serial or model is still listed');
});
