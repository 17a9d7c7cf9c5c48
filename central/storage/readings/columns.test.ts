import t from 'tap';
import { reading, T0 } from '../../../test/storage/readings-fixtures.js';
import { orNull, readingColumns, seriesKey, splitSeriesKey } from './columns.js';

t.test('a series key splits back into its parts, even around a device id holding a NUL', async (t) => {
  for (const k of [
    { site: 'ams1', gateway: 'gw-1', device: 'pdu-3', channel: 'outlet:4' },
    { site: 's', gateway: 'g', device: 'odd\u0000id', channel: 'total' },
  ]) {
    t.same(splitSeriesKey(seriesKey(k)), k);
  }
});

t.test("columns keep each reading's batch, series, time and encoded values; NaN stands for no value", async (t) => {
  const c = readingColumns([
    { site: 'ams1', gateway: 'gw-1', batch: 0, readings: [reading('m1', 'total', T0, { energy_import_kwh: 1.5, voltage_v: 230 })] },
    {
      site: 'ams1',
      gateway: 'gw-2',
      batch: 2,
      readings: [reading('p1', 'outlet:1', T0 + 1, { power_w: 0 }, { flags: { current_a: 'unreadable' }, quality: 'partial' })],
    },
  ]);
  t.equal(c.length, 2);
  t.same([...c.batch], [0, 2]);
  t.same(c.series.map(splitSeriesKey), [
    { site: 'ams1', gateway: 'gw-1', device: 'm1', channel: 'total' },
    { site: 'ams1', gateway: 'gw-2', device: 'p1', channel: 'outlet:1' },
  ]);
  t.same([...c.ts], [T0, T0 + 1]);
  t.same([...c.energyImportKwh].map(orNull), [1.5, null]);
  t.same([...c.powerW].map(orNull), [null, 0], 'a zero is a value');
  t.same(c.vals, ['{"u":230}', null]);
  t.same(c.flags, [null, '{"current_a":"unreadable"}']);
  t.same(c.quality, ['', 'partial'], 'a good reading is stored as the empty string (encode.ts storedQuality)');
});
