import t from 'tap';
import { formatQuantity, quantityWithUnit } from './quantity.js';

t.test("a quantity prints with its unit's fixed decimals", async (t) => {
  for (const [value, unit, currency, printed] of [
    ['4088.5', 'kWh', 'EUR', '4088.500'],
    ['1226.55', 'kWh', 'EUR', '1226.550'],
    ['0.0005', 'kWh', 'EUR', '0.001'],
    ['7', 'kW', 'EUR', '7.000'],
    ['1', 'month', 'EUR', '1.000'],
    ['0.5', 'month', 'EUR', '0.500'],
    ['0.516129032258', 'month', 'EUR', '0.516'],
    ['4088.5', 'amount', 'EUR', '4088.50'],
    ['1513.625', 'amount', 'EUR', '1513.63'],
    ['1500', 'amount', 'JPY', '1500'],
    ['12.3456', 'amount', 'KWD', '12.346'],
    ['-0.0001', 'kWh', 'EUR', '0.000'],
    ['1e-9', 'kWh', 'EUR', '0.000'],
  ] as const)
    t.equal(formatQuantity(value, unit, currency), printed, `${value} ${unit} (${currency})`);
});

t.test('differences are signed; zero is not', async (t) => {
  t.equal(formatQuantity('12.5', 'kWh', 'EUR', { signed: true }), '+12.500');
  t.equal(formatQuantity('-12.5', 'kWh', 'EUR', { signed: true }), '-12.500');
  t.equal(formatQuantity('-0.001', 'amount', 'EUR', { signed: true }), '0.00');
  t.equal(formatQuantity('-18.59', 'amount', 'EUR', { signed: true }), '-18.59');
});

t.test('with the unit: kWh, kW and month named, an amount not', async (t) => {
  t.equal(quantityWithUnit('4088.5', 'kWh', 'EUR'), '4088.500 kWh');
  t.equal(quantityWithUnit('1', 'month', 'EUR'), '1.000 month');
  t.equal(quantityWithUnit('4088.5', 'amount', 'EUR'), '4088.50');
  t.throws(() => formatQuantity('1', 'amount', 'XXX'), /no rounding rule/, 'an unknown currency is refused, as when pricing');
});
