import t from 'tap';
import { SnmpTable } from '../../profiles/snmp-schema.js';
import { identityRows, mergeReadings, splitIndex, tableReadings, type RowProblems } from './rows.js';
import { oidUnder, snmpNumber, snmpText } from './values.js';

const outletTable = SnmpTable.parse({
  name: 'outlet',
  table: '1.3.6.1.4.1.318.1.1.26.9.4.3',
  index: ['row'],
  unit: { column: 2 },
  channel: { template: 'outlet:{number}' },
  vars: { number: { column: 4 } },
  source: 's',
  columns: [
    { measurement: 'power_w', column: 7, source: 's' },
    { measurement: 'energy_import_kwh', column: 11, scale: 0.1, counter: { bits: 32, resolutionKwh: 0.1 }, source: 's' },
  ],
});
const device = (u: number) => (u === 1 ? 'pdu' : `pdu.u${u}`);
const problems = (): RowProblems => ({ badValues: 0, badRows: 0 });

t.test('snmpNumber and snmpText over what net-snmp hands back', async (t) => {
  const cases: [unknown, ReturnType<typeof snmpNumber>][] = [
    [42, { ok: true, value: 42 }],
    [-1, { ok: true, value: -1 }],
    [Buffer.from('0000000100000000', 'hex'), { ok: true, value: 4294967296 }],
    [Buffer.from('00ffffffffffffffff', 'hex'), { ok: true, value: 18446744073709552000 }], // 9-byte Counter64
    [Buffer.from('230.5'), { ok: true, value: 230.5 }],
    [Buffer.from('not a number, far too long for a counter'), { ok: false, reason: 'bad_type' }],
    [undefined, { ok: false, reason: 'not_available' }],
    [null, { ok: false, reason: 'not_available' }],
    [NaN, { ok: false, reason: 'bad_type' }],
    [{ an: 'object' }, { ok: false, reason: 'bad_type' }],
    [10n, { ok: true, value: 10 }],
  ];
  cases.forEach(([v, want], i) => t.same(snmpNumber(v), want, `case ${i}`));
  t.equal(snmpText(Buffer.from('3F3452A52295\0\0')), '3F3452A52295');
  t.equal(snmpText(7), '7');
  t.equal(snmpText(undefined), undefined);
  t.ok(oidUnder('1.3.6.1.4.1.318.1.3.4.6', '1.3.6.1.4.1.318.1.3.4'));
  t.notOk(oidUnder('1.3.6.1.4.1.3180', '1.3.6.1.4.1.318'));
});

t.test('rows to readings: scaling, units, -1, wrong types, truncated rows, bad indexes', async (t) => {
  const p = problems();
  const rows = {
    1: { 2: 1, 4: 1, 7: 163, 11: 3046 },
    2: { 2: 1, 4: 2, 7: -1, 11: Buffer.from('garbage text!') },
    3: { 2: 1, 4: 3, 7: 90 }, // truncated: no energy column
    4: { 2: 2, 4: 1, 7: 50, 11: 10 }, // a chained unit
    '5.9': { 2: 1, 4: 5, 7: 1, 11: 1 }, // index of the wrong shape
    6: { 2: 1, 7: 1, 11: 1 }, // no outlet number: no channel
  };
  const rs = tableReadings(outletTable, rows, 1000, device, p);
  const get = (dev: string, ch: string) => rs.find((r) => r.device === dev && r.channel === ch);
  t.same(get('pdu', 'outlet:1'), {
    device: 'pdu',
    channel: 'outlet:1',
    ts: 1000,
    values: { power_w: 163, energy_import_kwh: 304.6 },
    quality: 'good',
  });
  t.same(get('pdu', 'outlet:2'), {
    device: 'pdu',
    channel: 'outlet:2',
    ts: 1000,
    values: {},
    flags: { power_w: 'not_available', energy_import_kwh: 'bad_type' },
    quality: 'partial',
  });
  t.same(get('pdu', 'outlet:3')?.flags, { energy_import_kwh: 'not_available' }, 'a missing cell is flagged');
  t.same(get('pdu.u2', 'outlet:1')?.values, { power_w: 50, energy_import_kwh: 1 }, 'unit 2 is its own device');
  t.same(p, { badValues: 1, badRows: 2 }, 'the wrong type and both unusable rows counted');
});

t.test('sensor tables scale by decimal digits; mapped channels', async (t) => {
  const raritan = SnmpTable.parse({
    name: 'inlet',
    table: '1.3.6.1.4.1.13742.6.5.2.3',
    index: ['pdu', 'inlet', 'sensor'],
    unit: { index: 'pdu' },
    channel: { template: 'inlet:{inlet}' },
    source: 's',
    bySensor: {
      index: 'sensor',
      column: 4,
      decimalDigits: { table: '1.3.6.1.4.1.13742.6.3.3.4', column: 7 },
      map: {
        1: { measurement: 'current_a', source: 's' },
        7: { measurement: 'power_factor', source: 's' },
        8: { measurement: 'energy_import_kwh', scale: 0.001, counter: { bits: 32, resolutionKwh: 0.001 }, source: 's' },
      },
    },
  });
  // Values of the centreon Raritan walk (devices.md B.2): 1626 / 3 digits, 64 / 2 digits, 1444088 Wh.
  const values = { '1.1.1': { 4: 1626 }, '1.1.7': { 4: 64 }, '1.1.8': { 4: 1444088 }, '1.1.99': { 4: 5 } };
  const digits = { '1.1.1': { 7: 3 }, '1.1.7': { 7: 2 }, '1.1.8': { 7: 0 } };
  const [r] = tableReadings(raritan, values, 5, device, problems(), digits);
  t.same(r?.values, { current_a: 1.626, power_factor: 0.64, energy_import_kwh: 1444.088 });

  const eaton = SnmpTable.parse({
    name: 'inputVoltage',
    table: '1.3.6.1.4.1.534.6.6.7.3.2',
    index: ['unit', 'input', 'n'],
    unit: { index: 'unit' },
    channel: { column: 2, map: { 1: 'total', 2: 'l1', 3: 'l2' } },
    source: 's',
    columns: [{ measurement: 'voltage_v', column: 3, scale: 0.001, source: 's' }],
  });
  const p = problems();
  const rs = tableReadings(
    eaton,
    { '0.1.1': { 2: 2, 3: 230123 }, '0.1.2': { 2: 3, 3: 229000 }, '0.1.3': { 2: 0, 3: 1 } },
    5,
    (u) => (u === 0 ? 'e' : `e.u${u}`),
    p,
  );
  t.same(
    rs.map((x) => [x.device, x.channel, x.values.voltage_v]),
    [
      ['e', 'l1', 230.123],
      ['e', 'l2', 229],
    ],
  );
  t.equal(p.badRows, 1, 'a measurement type with no channel is counted, not guessed');
});

t.test('identity rows, merging, index shapes, CIDR blocks', async (t) => {
  t.same(
    identityRows(
      { index: ['row'], unit: { column: 2 }, serial: { column: 9 }, model: { column: 8 } },
      { 1: { 2: 1, 8: Buffer.from('AP8641'), 9: Buffer.from('3F3452A52295') }, 2: { 2: 2, 9: Buffer.from('X2') } },
    ),
    [
      { unit: 1, serial: '3F3452A52295', model: 'AP8641' },
      { unit: 2, serial: 'X2' },
    ],
  );
  t.same(
    mergeReadings([
      { device: 'd', channel: 'outlet:1', ts: 1, values: { voltage_v: 230 }, quality: 'good' },
      { device: 'd', channel: 'outlet:1', ts: 1, values: { current_a: 1 }, flags: { power_w: 'not_available' }, quality: 'partial' },
      { device: 'd', channel: 'outlet:2', ts: 1, values: { current_a: 2 }, quality: 'good' },
    ]),
    [
      {
        device: 'd',
        channel: 'outlet:1',
        ts: 1,
        values: { voltage_v: 230, current_a: 1 },
        flags: { power_w: 'not_available' },
        quality: 'partial',
      },
      { device: 'd', channel: 'outlet:2', ts: 1, values: { current_a: 2 }, quality: 'good' },
    ],
  );
  t.same(splitIndex('1.2.8', ['a', 'b', 'c']), { a: 1, b: 2, c: 8 });
  t.equal(splitIndex('1.2', ['a']), undefined);
});

t.test('request ids read from raw SNMP messages', async (t) => {
  const { messageRequestId } = await import('./ber.js');
  // v2c GetResponse, request-id 0x1234: SEQUENCE { INTEGER 1, OCTET STRING "public", [A2] { INTEGER 0x1234, INTEGER 0, INTEGER 0, SEQUENCE {} } }
  const v2c = Buffer.from('30190201010406' + '7075626c6963' + 'a20c020212340201000201003000', 'hex');
  t.equal(messageRequestId(v2c), 0x1234);
  // v3 header: SEQUENCE { INTEGER 3, SEQUENCE { INTEGER msgID 77, ... } ... }
  const v3 = Buffer.from('300e020103300902014d020300ffe30400', 'hex');
  t.equal(messageRequestId(v3), 77);
  const negative = Buffer.from('301802010104067075626c6963a20b0201ff020100020100' + '3000', 'hex');
  t.equal(messageRequestId(negative), -1);
  for (const bad of ['', '30', '0201', '3003020103', 'ffffffff', '308400000010'])
    t.equal(messageRequestId(Buffer.from(bad, 'hex')), undefined, `garbage ${bad || '(empty)'}`);
});
