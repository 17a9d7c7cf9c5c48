import t from 'tap';
import { MEASUREMENTS } from '../../../protocol/measurements.js';
import { decodeReading, encodeReading, NonFiniteValueError, VALUE_CODES, valuePath } from './encode.js';

t.test('promoted measurements get their columns, the rest short keys; decoding gives the values back', async (t) => {
  const values = { energy_import_kwh: 12.5, power_w: -3, current_a: 1e-7, voltage_v: 230.1, energy_export_kwh: 2 };
  const e = encodeReading({ values });
  t.same(e, { energyImportKwh: 12.5, powerW: -3, vals: '{"i":1e-7,"u":230.1,"ee":2}', flags: null });
  t.same(JSON.parse(e.vals!), { i: 1e-7, u: 230.1, ee: 2 }, 'valid JSON');
  t.strictSame(
    decodeReading({ ts: 5, energy_import_kwh: e.energyImportKwh, power_w: e.powerW, vals: e.vals, flags: e.flags, quality: 'good' }),
    { ts: 5, values, quality: 'good' },
  );
});

t.test('only promoted values, none at all, flags kept as given', async (t) => {
  t.same(encodeReading({ values: { energy_import_kwh: 1 } }), { energyImportKwh: 1, powerW: null, vals: null, flags: null });
  t.same(encodeReading({ values: {}, flags: {} }), { energyImportKwh: null, powerW: null, vals: null, flags: '{}' });
  t.same(encodeReading({ values: {}, flags: { power_w: 'unreadable' } }).flags, '{"power_w":"unreadable"}');
});

t.test('every measurement has a code or its own name, and codes are distinct', async (t) => {
  const keys = MEASUREMENTS.filter((m) => m !== 'energy_import_kwh' && m !== 'power_w').map((m) => VALUE_CODES[m] ?? m);
  t.equal(new Set(keys).size, keys.length);
  t.equal(valuePath('current_a'), '$.i');
  t.equal(valuePath('some_future_kwh'), '$.some_future_kwh');
  const unknown = encodeReading({ values: { some_future_kwh: 3 } as never });
  t.equal(unknown.vals, '{"some_future_kwh":3}', 'a measurement without a code keeps its name');
  t.same(decodeReading({ ts: 1, energy_import_kwh: null, power_w: null, vals: unknown.vals, flags: null, quality: 'good' }).values, {
    some_future_kwh: 3,
  });
});

t.test('a non-finite value is refused with its name', async (t) => {
  for (const v of [Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => encodeReading({ values: { voltage_v: v } }), new NonFiniteValueError('voltage_v'));
  }
});
