import t from 'tap';
import { legalReasons } from './legal-checks.js';
import type { InvoiceDraft, InvoiceLine } from './types.js';
import { lineVatOf, taxDescription, taxKey, termsTaxes } from './vat.js';

const BTW = { name: 'BTW', ratePct: '21.00' };

t.test('each treatment: the line VAT and the tax lines it makes', async (t) => {
  const cases: [string, Parameters<typeof termsTaxes>[0], ReturnType<typeof termsTaxes>][] = [
    [
      'standard, one tax',
      { taxes: [BTW], tax: { treatment: 'standard' } },
      [{ name: 'BTW', ratePct: '21', vat: { category: 'S', ratePct: '21' } }],
    ],
    [
      'standard at 0 %',
      { taxes: [{ name: 'BTW', ratePct: 0 }], tax: { treatment: 'standard' } },
      [{ name: 'BTW', ratePct: '0', vat: { category: 'Z', ratePct: '0' } }],
    ],
    [
      'standard, two taxes: no single rate',
      { taxes: [BTW, { name: 'Levy', ratePct: '2' }], tax: { treatment: 'standard' } },
      [
        { name: 'BTW', ratePct: '21' },
        { name: 'Levy', ratePct: '2' },
      ],
    ],
    ['standard, no tax', { taxes: [], tax: { treatment: 'standard' } }, []],
    [
      'reverse charge: the list name at 0 %',
      { taxes: [BTW], tax: { treatment: 'reverse-charge' } },
      [
        {
          name: 'BTW',
          ratePct: '0',
          vat: { category: 'AE', ratePct: '0', exemptionReason: 'Reverse charge', exemptionCode: 'VATEX-EU-AE' },
        },
      ],
    ],
    [
      'export without a listed tax',
      { taxes: [], tax: { treatment: 'export' } },
      [
        {
          name: 'VAT',
          ratePct: '0',
          vat: { category: 'G', ratePct: '0', exemptionReason: 'Export outside the EU', exemptionCode: 'VATEX-EU-G' },
        },
      ],
    ],
    [
      'exempt with its ground',
      { taxes: [BTW], tax: { treatment: 'exempt', exemptionReason: 'Art. 135(1)(b)' } },
      [{ name: 'BTW', ratePct: '0', vat: { category: 'E', ratePct: '0', exemptionReason: 'Art. 135(1)(b)' } }],
    ],
  ];
  for (const [name, terms, want] of cases) {
    t.same(termsTaxes(terms), want, name);
    t.same(lineVatOf(terms), want.length === 1 ? want[0]!.vat : undefined, `${name}: line VAT`);
  }
  const ae = termsTaxes({ taxes: [BTW], tax: { treatment: 'reverse-charge' } })[0]!.vat;
  t.equal(taxKey('BTW', '21', { category: 'S', ratePct: '21' }), 'tax:BTW:21', 'a standard rate keeps the key it always had');
  t.equal(taxKey('BTW', '0', ae), 'tax:BTW:AE');
  t.equal(taxDescription('BTW', '0', ae), 'BTW 0% (Reverse charge)');
  t.equal(taxDescription('GST', '9', { category: 'S', ratePct: '9' }), 'GST 9%');
});

const line = (vat: InvoiceLine['vat'], version = 'v1'): InvoiceLine => ({
  key: `fixed_fee:${version}:x`,
  kind: 'fixed_fee',
  description: 'Fee',
  site: 'ams1',
  version,
  quantity: '1',
  unit: 'month',
  unitPrice: '10',
  amount: '10.00',
  ...(vat ? { vat } : {}),
});

const draftWith = (lines: InvoiceLine[], parties: InvoiceDraft['parties']): InvoiceDraft =>
  ({ lines, ...(parties ? { parties } : {}) }) as InvoiceDraft;

t.test('what holds a draft with legal parties', async (t) => {
  const seller = { id: 'nl-bv', legalName: 'Polder B.V.', address: { country: 'NL' }, vatId: 'NL859123456B01', paymentTermsDays: 30 };
  const buyer = {
    id: 'kestrel',
    legalName: 'Kestrel GmbH',
    address: { country: 'DE' },
    vatId: 'DE298765432',
    taxTreatment: 'reverse-charge' as const,
  };
  const AE = { category: 'AE' as const, ratePct: '0', exemptionReason: 'Reverse charge' };
  const S = { category: 'S' as const, ratePct: '21' };
  t.same(legalReasons(draftWith([line(S)], undefined)), [], 'no parties (no legal details): nothing to check');
  t.same(legalReasons(draftWith([line(AE)], { seller, buyer, paymentTermsDays: 30 })), [], 'reverse charge with both VAT ids');
  const noBuyerVat = { ...buyer };
  delete (noBuyerVat as { vatId?: string }).vatId;
  t.same(legalReasons(draftWith([line(AE)], { seller, buyer: noBuyerVat, paymentTermsDays: 30 })), [
    `reverse charge needs the buyer's VAT id: account "kestrel" has none in its legal details`,
  ]);
  const noSellerVat = { ...seller };
  delete (noSellerVat as { vatId?: string }).vatId;
  t.match(legalReasons(draftWith([line(S)], { seller: noSellerVat, buyer, paymentTermsDays: 30 })), [
    /issuing entity "nl-bv" has no VAT id/,
  ]);
  t.same(
    legalReasons(
      draftWith([line(S), line(undefined, 'v2')], {
        seller,
        buyer: { id: 'x', legalName: 'X', taxTreatment: 'standard' },
        paymentTermsDays: 30,
      }),
    ),
    [
      `account "x" has no address in its legal details: an invoice must print the buyer's`,
      'no single VAT rate on the lines of "v2": a standard treatment needs exactly one tax per line',
    ],
  );
});
