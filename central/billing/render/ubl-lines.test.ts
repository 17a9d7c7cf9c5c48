// E-invoice lines: PEPPOL-EN16931-R120 (quantity × price / base quantity = amount within 0.02) on every
// line of every document, the price never negative (BR-27), the base quantity positive in the quantity's
// unit (R121, R130), UN/ECE unit codes, prorated months sent exactly as days, and the one-unit fallback.
import t from 'tap';
import { dec } from '../money.js';
import type { InvoiceDocument } from './document.js';
import { renderInvoiceUbl } from './ubl.js';
import { lineFigures, r120Holds, UNIT_CODES } from './ubl-lines.js';
import { ACME_INVOICE, POLDER_INVOICE, renderedEInvoices } from '../../../test/helpers/einvoice-documents.js';
import { all, one, parseUbl, text, type El } from '../../../test/helpers/ubl-xml.js';

const lineName = (root: El): string => (root.name === 'Invoice' ? 'cac:InvoiceLine' : 'cac:CreditNoteLine');
const quantityName = (root: El): string => (root.name === 'Invoice' ? 'cbc:InvoicedQuantity' : 'cbc:CreditedQuantity');

t.test('every line recomputes to its amount (PEPPOL-EN16931-R120), price ≥ 0, base > 0 in the same unit', async (t) => {
  for (const { name, xml } of renderedEInvoices()) {
    const root = parseUbl(xml);
    for (const line of all(root, lineName(root))) {
      const q = one(line, quantityName(root))!;
      const base = one(line, 'cac:Price/cbc:BaseQuantity')!;
      const price = dec(text(line, 'cac:Price/cbc:PriceAmount'));
      const amount = dec(text(line, 'cbc:LineExtensionAmount'));
      const computed = dec(q.text).times(price.div(base.text));
      t.ok(
        computed.minus(amount).abs().lte('0.02'),
        `${name} line ${text(line, 'cbc:ID')}: ${q.text} × ${price} / ${base.text} ≈ ${amount}`,
      );
      t.ok(price.gte(0), 'BR-27');
      t.ok(dec(base.text).gt(0), 'R121');
      t.equal(base.attrs.unitCode, q.attrs.unitCode, 'R130');
      t.notOk(dec(q.text).isZero() && !amount.isZero(), 'no zero quantity with an amount');
    }
  }
});

t.test('unit codes: kWh KWH, kW KWT (never KW), month MON, amount C62, prorated months as DAY', async (t) => {
  t.same(UNIT_CODES, { kWh: 'KWH', kW: 'KWT', month: 'MON', amount: 'C62' });
  const units = (doc: InvoiceDocument) =>
    all(parseUbl(renderInvoiceUbl(doc)), 'cac:InvoiceLine').map((l) => [
      text(l, 'cac:Item/cbc:Name'),
      one(l, 'cbc:InvoicedQuantity')!.attrs.unitCode,
    ]);
  t.same(units(ACME_INVOICE), [
    ['Energy', 'KWH'],
    ['Energy, peak', 'KWH'],
    ['Overhead (factor 1.3) on energy', 'KWH'],
    ['Monitoring, "remote hands" included', 'MON'],
    ['Committed power 20 kW', 'KWT'],
  ]);
  const polder = all(parseUbl(renderInvoiceUbl(POLDER_INVOICE)), 'cac:InvoiceLine');
  const commitment = polder.find((l) => text(l, 'cac:Item/cbc:Name') === 'Committed power 50 kW')!;
  t.same(
    [
      text(commitment, 'cbc:InvoicedQuantity'),
      text(commitment, 'cac:Price/cbc:PriceAmount'),
      text(commitment, 'cac:Price/cbc:BaseQuantity'),
    ],
    ['16', '925', '31'],
    '50 kW × 18.50 for 16 of 31 days: 16 DAY at 925 per 31 DAY',
  );
  const props = Object.fromEntries(
    all(commitment, 'cac:Item/cac:AdditionalItemProperty').map((p) => [text(p, 'cbc:Name'), text(p, 'cbc:Value')]),
  );
  t.same(props, {
    Site: 'Amsterdam Science Park (ams1)',
    Terms: 'ams1-polder-2026',
    Prorated: '16 of 31 days held',
    Quantity: '50 kW',
    'Unit price': '18.50 EUR per kW per month',
  });
  const cross = polder.find((l) => text(l, 'cac:Item/cbc:Name') === 'Cross-connect')!;
  t.same([text(cross, 'cbc:InvoicedQuantity'), text(cross, 'cbc:LineExtensionAmount')], ['15.5', '75.00'], 'a half day held');
  const topUp = polder.find((l) => /^Minimum charge/.test(text(l, 'cac:Item/cbc:Name')))!;
  t.same(
    [one(topUp, 'cbc:InvoicedQuantity')!.attrs.unitCode, text(topUp, 'cbc:InvoicedQuantity'), text(topUp, 'cac:Price/cbc:PriceAmount')],
    ['C62', '1', '294.99'],
  );
  t.notOk(renderInvoiceUbl(POLDER_INVOICE).includes('unitCode="KW"'));
});

t.test('line figures: exact forms first, one unit at the amount when the figures cannot make it', async (t) => {
  const cases: [string, Parameters<typeof lineFigures>[0], [string, string, string, string, boolean]][] = [
    [
      'energy',
      { quantity: '1234.567', unit: 'kWh', unitPrice: '0.2134', amount: dec('263.46') },
      ['1234.567', 'KWH', '0.2134', '1', false],
    ],
    [
      'a fee for 10 of 30 days',
      { quantity: '1', unit: 'month', unitPrice: '100', prorate: { days: 10, daysInPeriod: 30 }, amount: dec('33.33') },
      ['10', 'DAY', '100', '30', false],
    ],
    [
      'a whole month held',
      { quantity: '2', unit: 'kW', unitPrice: '7.5', prorate: { days: 31, daysInPeriod: 31, basis: 'held' }, amount: dec('15.00') },
      ['2', 'KWT', '7.5', '1', false],
    ],
    ['a negative price', { quantity: '3', unit: 'month', unitPrice: '-10', amount: dec('-30.00') }, ['-3', 'MON', '10', '1', false]],
    [
      'figures that do not make the amount',
      { quantity: '1', unit: 'month', unitPrice: '100', amount: dec('51.61') },
      ['1', 'C62', '51.61', '1', true],
    ],
    ['a negative amount alone', { quantity: '0', unit: 'month', unitPrice: '100', amount: dec('-9.68') }, ['-1', 'C62', '9.68', '1', true]],
    ['not a number', { quantity: 'n/a', unit: 'kWh', unitPrice: '0.2', amount: dec('4.00') }, ['1', 'C62', '4', '1', true]],
  ];
  for (const [what, input, want] of cases) {
    const f = lineFigures(input);
    t.same([f.quantity.toFixed(), f.unitCode, f.price.toFixed(), f.baseQuantity.toFixed(), f.lumpSum], want, what);
    t.ok(r120Holds(f, input.amount), `${what}: R120 holds`);
  }
  t.notOk(r120Holds({ quantity: dec(1), price: dec('10.02'), baseQuantity: dec(1) }, dec('10.00')), 'a 2-cent gap is refused by our bound');
});
