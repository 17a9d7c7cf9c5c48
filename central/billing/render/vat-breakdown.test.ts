import t from 'tap';
import { line, REVERSE_CHARGE, STANDARD_21, taxLine } from '../../../test/helpers/billing-documents.js';
import type { InvoiceLine, LineVat } from '../types.js';
import { noteVatBreakdown, REVERSE_CHARGE_MENTION, vatBreakdown, vatMentions } from './vat-breakdown.js';

const EXPORT: LineVat = { category: 'G', ratePct: '0', exemptionReason: 'Export outside the EU', exemptionCode: 'VATEX-EU-G' };
const EXEMPT: LineVat = { category: 'E', ratePct: '0', exemptionReason: 'Exempt under art. 135(1)(l)' };

t.test('the breakdown is the tax lines: base, rate, tax', async (t) => {
  const lines = [line('ams1', 'energy:v1:standard', 'Energy', '4088.5', 'kWh', '0.21', STANDARD_21)];
  t.same(vatBreakdown([...lines, taxLine('BTW', lines, STANDARD_21)], 'EUR'), [
    { label: 'BTW 21%', category: 'S', ratePct: '21', base: '858.59', tax: '180.30' },
  ]);
  const rc = [line('ams1', 'energy:v1:standard', 'Energy', '100', 'kWh', '0.2', REVERSE_CHARGE)];
  t.same(vatBreakdown([...rc, taxLine('VAT', rc, REVERSE_CHARGE)], 'EUR'), [
    { label: 'VAT 0%', category: 'AE', ratePct: '0', base: '20.00', tax: '0.00', exemptionReason: 'Reverse charge' },
  ]);
});

t.test('a zero rate without a tax line gets its row; a standard rate without one does not', async (t) => {
  const zero: LineVat = { category: 'Z', ratePct: '0' };
  const lines = [
    line('sin1', 'energy:v1:standard', 'Energy', '100', 'kWh', '0.2', zero),
    line('sin1', 'fixed_fee:v1:Fee', 'Fee', '1', 'month', '10', zero),
    line('sin1', 'fixed_fee:v1:Other', 'Other', '1', 'month', '5', { category: 'S', ratePct: '9' }),
  ];
  t.same(vatBreakdown(lines, 'EUR'), [{ label: 'Zero rated', category: 'Z', ratePct: '0', base: '30.00', tax: '0.00' }]);
});

t.test('an old draft: tax lines without VAT, the rate from the unit price', async (t) => {
  const old: InvoiceLine = {
    key: 'tax:BTW:21',
    kind: 'tax',
    description: 'BTW 21%',
    quantity: '4088.5',
    unit: 'amount',
    unitPrice: '0.21',
    amount: '858.59',
  };
  t.same(vatBreakdown([old], 'EUR'), [{ label: 'BTW 21%', ratePct: '21', base: '4088.50', tax: '858.59' }]);
});

t.test("a note's breakdown: base was, now, the difference, and the tax's difference", async (t) => {
  t.same(
    noteVatBreakdown(
      [
        {
          key: 'tax:BTW:S:21',
          kind: 'tax',
          description: 'BTW 21%',
          unit: 'amount',
          unitPrice: '0.21',
          was: { quantity: '1513.62', amount: '317.86' },
          now: { quantity: '1489.45', amount: '312.78' },
          quantityDelta: '-24.17',
          amountDelta: '-5.08',
          vat: STANDARD_21,
        },
      ],
      'EUR',
    ),
    [{ label: 'BTW 21%', category: 'S', ratePct: '21', baseWas: '1513.62', baseNow: '1489.45', baseDelta: '-24.17', taxDelta: '-5.08' }],
  );
});

t.test('mentions: reverse charge, export and exemption, each once', async (t) => {
  t.same(vatMentions([STANDARD_21, undefined]), []);
  t.same(vatMentions([REVERSE_CHARGE, REVERSE_CHARGE]), [REVERSE_CHARGE_MENTION]);
  t.same(vatMentions([EXPORT, EXEMPT, { category: 'E', ratePct: '0' }, { category: 'G', ratePct: '0' }]), [
    'VAT not charged: Export outside the EU.',
    'Exempt under art. 135(1)(l).',
    'Exempt from VAT.',
    'VAT not charged: export outside the EU.',
  ]);
  t.same(vatMentions([{ category: 'E', ratePct: '0', exemptionReason: 'Art. 11(1)(o) Wet OB' }]), [
    'Exempt from VAT: Art. 11(1)(o) Wet OB.',
  ]);
  t.same(vatMentions([{ ...REVERSE_CHARGE, exemptionReason: 'Steuerschuldnerschaft des Leistungsempfaengers' }]), [
    REVERSE_CHARGE_MENTION,
    'Steuerschuldnerschaft des Leistungsempfaengers.',
  ]);
});
