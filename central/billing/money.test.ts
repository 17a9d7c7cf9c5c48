import t from 'tap';
import { dec, formatMoney, formatQuantity, minorUnits, roundMoney, roundQuantity, sumDec } from './money.js';

t.test('rounding per currency, half away from zero', async (t) => {
  const table: [string, string, string][] = [
    ['EUR', '12.345', '12.35'],
    ['EUR', '-12.345', '-12.35'],
    ['EUR', '12.3449999', '12.34'],
    ['USD', '0.005', '0.01'],
    ['SGD', '1002.4', '1002.40'],
    ['JPY', '1234.5', '1235'],
    ['JPY', '1234.49', '1234'],
    ['BHD', '1.23456', '1.235'],
  ];
  for (const [cur, v, want] of table) t.equal(formatMoney(v, cur), want, `${v} ${cur}`);
  t.equal(minorUnits('JPY'), 0);
  t.throws(() => roundMoney(1, 'XXX'), RangeError);
});

t.test('decimal, not binary: 0.1 + 0.2 and kWh × price', async (t) => {
  t.equal(sumDec([0.1, 0.2]).toString(), '0.3');
  t.equal(dec('1490.5').times('0.2150').toString(), '320.4575');
  t.equal(formatQuantity(1234.5675), '1234.568', 'kWh to 0.001, half up');
  t.equal(roundQuantity('2.0004999').toString(), '2');
});
