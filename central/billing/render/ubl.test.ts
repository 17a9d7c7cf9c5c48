// The e-invoice renderer against what a Peppol access point checks and our local validator cannot: the
// UBL 2.1 element order (a CreditNote has no document-level DueDate), the Peppol rules on notes, empty
// elements, currencies, line arithmetic (R120) and the identifiers; plus the totals to the cent, the
// credit note's signs and every reason a document is refused.
import t, { type Test } from 'tap';
import { dec, sumDec } from '../money.js';
import type { InvoiceDraft, InvoiceLine, LineVat, NoteLine } from '../types.js';
import type { InvoiceDocument, NoteDocument } from './document.js';
import { EInvoiceUnavailableError, qualityNote, renderInvoiceUbl, renderNoteUbl } from './ubl.js';
import { lineFigures, r120Holds, UNIT_CODES } from './ubl-lines.js';
import { CUSTOMIZATION_ID, PROFILE_ID } from './ubl-model.js';
import {
  ACME,
  ACME_CREDIT_NOTE,
  ACME_INVOICE,
  AMSTERDAM,
  EINVOICE_INVOICES,
  EINVOICE_NOTES,
  finalDocument,
  invoiceDraft,
  LION_CITY_INVOICE,
  POLDER_DEBIT_NOTE,
  POLDER_INVOICE,
  RHEIN_MAIN,
  RHEIN_MAIN_ADJUSTMENT,
  RHEIN_MAIN_INVOICE,
  VAT,
  type LineSpec,
} from '../../../test/helpers/einvoice-documents.js';
import { all, childNames, descendants, one, parseUbl, text, type El } from '../../../test/helpers/ubl-xml.js';

// UBL 2.1's sequences (xsd/maindoc/UBL-Invoice-2.1.xsd, UBL-CreditNote-2.1.xsd, common/…Aggregate…): the
// elements a Peppol BIS document may use, in the order the schema wants them.
const seq = (names: string): string[] => names.split(' ');
const INVOICE_ORDER = seq(
  'cbc:CustomizationID cbc:ProfileID cbc:ID cbc:IssueDate cbc:DueDate cbc:InvoiceTypeCode cbc:Note cbc:TaxPointDate ' +
    'cbc:DocumentCurrencyCode cbc:TaxCurrencyCode cbc:AccountingCost cbc:BuyerReference cac:InvoicePeriod ' +
    'cac:OrderReference cac:BillingReference cac:DespatchDocumentReference cac:ReceiptDocumentReference ' +
    'cac:OriginatorDocumentReference cac:ContractDocumentReference cac:AdditionalDocumentReference cac:ProjectReference ' +
    'cac:AccountingSupplierParty cac:AccountingCustomerParty cac:PayeeParty cac:TaxRepresentativeParty cac:Delivery ' +
    'cac:PaymentMeans cac:PaymentTerms cac:AllowanceCharge cac:TaxTotal cac:LegalMonetaryTotal cac:InvoiceLine',
);
const CREDIT_NOTE_ORDER = seq(
  'cbc:CustomizationID cbc:ProfileID cbc:ID cbc:IssueDate cbc:TaxPointDate cbc:CreditNoteTypeCode cbc:Note ' +
    'cbc:DocumentCurrencyCode cbc:TaxCurrencyCode cbc:AccountingCost cbc:BuyerReference cac:InvoicePeriod ' +
    'cac:OrderReference cac:BillingReference cac:DespatchDocumentReference cac:ReceiptDocumentReference ' +
    'cac:ContractDocumentReference cac:AdditionalDocumentReference cac:OriginatorDocumentReference ' +
    'cac:AccountingSupplierParty cac:AccountingCustomerParty cac:PayeeParty cac:TaxRepresentativeParty cac:Delivery ' +
    'cac:PaymentMeans cac:PaymentTerms cac:AllowanceCharge cac:TaxTotal cac:LegalMonetaryTotal cac:CreditNoteLine',
);
const ORDERS: Record<string, string[]> = {
  'cac:Party': seq(
    'cbc:EndpointID cac:PartyIdentification cac:PartyName cac:PostalAddress cac:PartyTaxScheme cac:PartyLegalEntity ' + 'cac:Contact',
  ),
  'cac:PostalAddress': seq(
    'cbc:StreetName cbc:AdditionalStreetName cbc:CityName cbc:PostalZone cbc:CountrySubentity cac:AddressLine cac:Country',
  ),
  'cac:PaymentMeans': seq(
    'cbc:PaymentMeansCode cbc:PaymentDueDate cbc:PaymentID cac:CardAccount cac:PayeeFinancialAccount cac:PaymentMandate',
  ),
  'cac:TaxSubtotal': seq('cbc:TaxableAmount cbc:TaxAmount cac:TaxCategory'),
  'cac:TaxCategory': seq('cbc:ID cbc:Percent cbc:TaxExemptionReasonCode cbc:TaxExemptionReason cac:TaxScheme'),
  'cac:LegalMonetaryTotal': seq(
    'cbc:LineExtensionAmount cbc:TaxExclusiveAmount cbc:TaxInclusiveAmount cbc:AllowanceTotalAmount cbc:ChargeTotalAmount ' +
      'cbc:PrepaidAmount cbc:PayableRoundingAmount cbc:PayableAmount',
  ),
  'cac:InvoiceLine': seq(
    'cbc:ID cbc:Note cbc:InvoicedQuantity cbc:LineExtensionAmount cbc:AccountingCost cac:InvoicePeriod ' +
      'cac:OrderLineReference cac:DocumentReference cac:AllowanceCharge cac:Item cac:Price',
  ),
  'cac:CreditNoteLine': seq(
    'cbc:ID cbc:Note cbc:CreditedQuantity cbc:LineExtensionAmount cbc:AccountingCost cac:InvoicePeriod ' +
      'cac:OrderLineReference cac:DocumentReference cac:AllowanceCharge cac:Item cac:Price',
  ),
  'cac:Item': seq(
    'cbc:Description cbc:Name cac:BuyersItemIdentification cac:SellersItemIdentification cac:StandardItemIdentification ' +
      'cac:OriginCountry cac:CommodityClassification cac:ClassifiedTaxCategory cac:AdditionalItemProperty',
  ),
  'cac:Price': seq('cbc:PriceAmount cbc:BaseQuantity cac:AllowanceCharge'),
};

/** Where a sequence of names breaks an order (every name must be known, and none may go back). */
function orderBreaks(names: readonly string[], order: readonly string[]): string[] {
  const out: string[] = [];
  let at = 0;
  for (const n of names) {
    const i = order.indexOf(n);
    if (i < 0) out.push(`${n} is not in the sequence`);
    else if (i < at) out.push(`${n} after ${order[at]}`);
    else at = i;
  }
  return out;
}

const rendered = (): { name: string; doc: InvoiceDocument | NoteDocument; xml: string }[] => [
  ...Object.entries(EINVOICE_INVOICES).map(([name, doc]) => ({ name, doc, xml: renderInvoiceUbl(doc) })),
  ...Object.entries(EINVOICE_NOTES).map(([name, doc]) => ({ name, doc, xml: renderNoteUbl(doc) })),
];
const DOCS = rendered();

const lineName = (root: El): string => (root.name === 'Invoice' ? 'cac:InvoiceLine' : 'cac:CreditNoteLine');
const quantityName = (root: El): string => (root.name === 'Invoice' ? 'cbc:InvoicedQuantity' : 'cbc:CreditedQuantity');

t.test('every document follows UBL 2.1 element order, root and nested', async (t) => {
  for (const { name, xml } of DOCS) {
    const root = parseUbl(xml);
    t.same(orderBreaks(childNames(root), root.name === 'Invoice' ? INVOICE_ORDER : CREDIT_NOTE_ORDER), [], `${name}: root`);
    for (const el of descendants(root)) {
      const order = ORDERS[el.name];
      if (order) t.same(orderBreaks(childNames(el), order), [], `${name}: ${el.name}`);
    }
  }
});

t.test('an invoice: the Peppol ids, references, parties, payment and one note, in order', async (t) => {
  const root = parseUbl(renderInvoiceUbl(ACME_INVOICE));
  t.equal(root.name, 'Invoice');
  t.same(childNames(root).slice(0, 17), [
    'cbc:CustomizationID',
    'cbc:ProfileID',
    'cbc:ID',
    'cbc:IssueDate',
    'cbc:DueDate',
    'cbc:InvoiceTypeCode',
    'cbc:Note',
    'cbc:DocumentCurrencyCode',
    'cbc:BuyerReference',
    'cac:InvoicePeriod',
    'cac:OrderReference',
    'cac:AccountingSupplierParty',
    'cac:AccountingCustomerParty',
    'cac:PaymentMeans',
    'cac:PaymentTerms',
    'cac:TaxTotal',
    'cac:LegalMonetaryTotal',
  ]);
  t.equal(text(root, 'cbc:CustomizationID'), 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0');
  t.equal(CUSTOMIZATION_ID, text(root, 'cbc:CustomizationID'));
  t.equal(text(root, 'cbc:ProfileID'), 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0');
  t.equal(PROFILE_ID, text(root, 'cbc:ProfileID'));
  t.same([text(root, 'cbc:ID'), text(root, 'cbc:IssueDate'), text(root, 'cbc:DueDate')], ['AMS-2026-000101', '2026-11-01', '2026-12-01']);
  t.equal(text(root, 'cbc:InvoiceTypeCode'), '380');
  t.equal(all(root, 'cbc:Note').length, 1, 'one document note (PEPPOL-EN16931-R002)');
  t.match(text(root, 'cbc:Note'), /42\.500 kWh of 11334\.443 kWh are estimated/);
  t.equal(text(root, 'cbc:DocumentCurrencyCode'), 'EUR');
  t.equal(text(root, 'cbc:BuyerReference'), 'PO-2026-0117', 'no buyer reference: the purchase order');
  t.equal(text(root, 'cac:OrderReference/cbc:ID'), 'PO-2026-0117');
  t.same([text(root, 'cac:InvoicePeriod/cbc:StartDate'), text(root, 'cac:InvoicePeriod/cbc:EndDate')], ['2026-10-01', '2026-10-31']);
  const seller = one(root, 'cac:AccountingSupplierParty/cac:Party')!;
  t.same(one(seller, 'cbc:EndpointID')!.attrs, { schemeID: '0106' });
  t.equal(text(seller, 'cbc:EndpointID'), '76543210');
  t.equal(text(seller, 'cac:PartyTaxScheme/cbc:CompanyID'), 'NL859876543B01');
  t.equal(text(seller, 'cac:PartyTaxScheme/cac:TaxScheme/cbc:ID'), 'VAT');
  t.equal(text(seller, 'cac:PartyLegalEntity/cbc:RegistrationName'), 'Joulebook Colocation Amsterdam B.V.');
  t.same(one(seller, 'cac:PartyLegalEntity/cbc:CompanyID')!.attrs, { schemeID: '0106' }, 'KvK for a Dutch seller (NL-R-003)');
  const buyer = one(root, 'cac:AccountingCustomerParty/cac:Party')!;
  t.same([one(buyer, 'cbc:EndpointID')!.attrs.schemeID, text(buyer, 'cbc:EndpointID')], ['0106', '12345678']);
  t.equal(text(buyer, 'cac:Contact/cbc:ElectronicMail'), 'ap@acme-hosting.example', "the account's invoice address");
  const pay = one(root, 'cac:PaymentMeans')!;
  t.equal(text(pay, 'cbc:PaymentMeansCode'), '58', 'SEPA credit transfer');
  t.equal(text(pay, 'cbc:PaymentID'), 'AMS-2026-000101', 'the invoice number as remittance reference');
  t.equal(text(pay, 'cac:PayeeFinancialAccount/cbc:ID'), 'NL91ABNA0417164300');
  t.equal(text(pay, 'cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID'), 'ABNANL2A');
  t.equal(text(root, 'cac:PaymentTerms/cbc:Note'), 'Payment within 30 days');
  t.ok(renderInvoiceUbl(ACME_INVOICE).startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
});

t.test('the buyer reference: the customer’s own, else the purchase order, else the account', async (t) => {
  const rrm = parseUbl(renderInvoiceUbl(RHEIN_MAIN_INVOICE));
  t.equal(text(rrm, 'cbc:BuyerReference'), 'RRM-COLO-AMS');
  t.notOk(one(rrm, 'cac:OrderReference'), 'no purchase order, no OrderReference');
  t.equal(text(parseUbl(renderInvoiceUbl(POLDER_INVOICE)), 'cbc:BuyerReference'), 'polder');
  t.notOk(one(rrm, 'cbc:Note'), 'nothing estimated: no document note');
});

t.test('no empty element, one currency, 2-decimal amounts (R008, R051, BR-DEC)', async (t) => {
  for (const { name, xml } of DOCS) {
    const root = parseUbl(xml);
    const currency = text(root, 'cbc:DocumentCurrencyCode');
    const els = descendants(root);
    t.same(
      els.filter((e) => e.children.length === 0 && e.text.trim() === '').map((e) => e.name),
      [],
      `${name}: no empty elements`,
    );
    const priced = els.filter((e) => e.attrs.currencyID !== undefined);
    t.ok(priced.length > 5);
    t.ok(
      priced.every((e) => e.attrs.currencyID === currency),
      `${name}: every currencyID is ${currency}`,
    );
    t.same(
      priced.filter((e) => e.name !== 'cbc:PriceAmount' && !/^-?\d+\.\d{2}$/.test(e.text)).map((e) => `${e.name}=${e.text}`),
      [],
      `${name}: amounts have 2 decimals`,
    );
  }
});

t.test('every line recomputes to its amount (PEPPOL-EN16931-R120), price ≥ 0, base > 0 in the same unit', async (t) => {
  for (const { name, xml } of DOCS) {
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

t.test('totals are the draft’s to the cent; the breakdown is per category and rate', async (t) => {
  for (const [name, doc] of Object.entries(EINVOICE_INVOICES)) {
    const root = parseUbl(renderInvoiceUbl(doc));
    const d = doc.draft;
    const m = one(root, 'cac:LegalMonetaryTotal')!;
    t.same(
      [
        text(m, 'cbc:LineExtensionAmount'),
        text(m, 'cbc:TaxExclusiveAmount'),
        text(m, 'cbc:TaxInclusiveAmount'),
        text(m, 'cbc:PayableAmount'),
      ],
      [d.subtotal, d.subtotal, d.total, d.total],
      `${name}: BG-22`,
    );
    t.equal(text(root, 'cac:TaxTotal/cbc:TaxAmount'), d.taxTotal);
    t.equal(sumDec(all(root, 'cac:InvoiceLine/cbc:LineExtensionAmount').map((e) => e.text)).toFixed(2), d.subtotal, `${name}: BR-CO-10`);
    t.equal(all(root, 'cac:TaxTotal').length, 1, 'R053');
  }
  const rc = one(parseUbl(renderInvoiceUbl(RHEIN_MAIN_INVOICE)), 'cac:TaxTotal/cac:TaxSubtotal')!;
  t.same(
    ['cbc:TaxableAmount', 'cbc:TaxAmount', 'cac:TaxCategory/cbc:ID', 'cac:TaxCategory/cbc:Percent'].map((p) => text(rc, p)),
    ['1770.00', '0.00', 'AE', '0'],
  );
  t.same(
    [text(rc, 'cac:TaxCategory/cbc:TaxExemptionReasonCode'), text(rc, 'cac:TaxCategory/cbc:TaxExemptionReason')],
    ['VATEX-EU-AE', 'Reverse charge'],
  );
  const rrmBuyer = one(parseUbl(renderInvoiceUbl(RHEIN_MAIN_INVOICE)), 'cac:AccountingCustomerParty/cac:Party')!;
  t.equal(text(rrmBuyer, 'cac:PartyTaxScheme/cbc:CompanyID'), 'DE811234567', 'the buyer’s VAT id (BR-AE-02)');
  const sg = parseUbl(renderInvoiceUbl(LION_CITY_INVOICE));
  t.same(
    [text(sg, 'cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID'), text(sg, 'cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent')],
    ['S', '9'],
  );
  t.notOk(one(sg, 'cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason'), 'no exemption on S (BR-S-10)');
  t.notOk(one(sg, 'cac:PaymentMeans'), 'no IBAN, no payment means');
  t.equal(text(sg, 'cac:PaymentTerms/cbc:Note'), 'Payment within 14 days');
});

const spec = (over: Partial<LineSpec>): LineSpec => ({
  kind: 'fixed_fee',
  description: 'Rack space',
  site: 'ams1',
  version: 'v1',
  quantity: '1',
  unit: 'month',
  unitPrice: '100.00',
  vat: VAT.nl21,
  ...over,
});
const draftWith = (lines: LineSpec[], taxes: { name: string; vat: LineVat }[], buyer = ACME): InvoiceDraft =>
  invoiceDraft({
    customer: 'c',
    entity: 'jb-ams',
    currency: 'EUR',
    month: '2026-10',
    timeZone: 'Europe/Amsterdam',
    sites: ['ams1'],
    lines,
    taxes,
    parties: { seller: AMSTERDAM, buyer, paymentTermsDays: 30 },
  });

t.test('zero rated, export and exempt lines: one breakdown each, the mention where one is due', async (t) => {
  const exempt: LineVat = { category: 'E', ratePct: '0', exemptionReason: 'Exempt under article 11 of the Dutch VAT act' };
  const draft = draftWith(
    [
      spec({ description: 'Power at cost', vat: { category: 'Z', ratePct: '0' } }),
      spec({ description: 'Export service', vat: { category: 'G', ratePct: '0' } }),
      spec({ description: 'Financial service', vat: exempt }),
    ],
    [
      { name: 'Export', vat: { category: 'G', ratePct: '0' } },
      { name: 'Exempt', vat: exempt },
    ],
  );
  const root = parseUbl(renderInvoiceUbl(finalDocument(draft, 'X-1', '2026-11-01')));
  const subs = all(root, 'cac:TaxTotal/cac:TaxSubtotal').map((s) =>
    [
      'cac:TaxCategory/cbc:ID',
      'cbc:TaxableAmount',
      'cbc:TaxAmount',
      'cac:TaxCategory/cbc:TaxExemptionReasonCode',
      'cac:TaxCategory/cbc:TaxExemptionReason',
    ].map((p) => text(s, p)),
  );
  t.same(subs, [
    ['Z', '100.00', '0.00', '', ''],
    ['G', '100.00', '0.00', 'VATEX-EU-G', 'Export outside the EU'],
    ['E', '100.00', '0.00', '', 'Exempt under article 11 of the Dutch VAT act'],
  ]);
});

t.test('line periods: the section’s local month, clipped inside the document’s (R110, R111)', async (t) => {
  const draft = structuredClone(POLDER_INVOICE.draft);
  // A section that (by some zone) began two days before the invoice's month.
  draft.sections[0]!.period = { ...draft.sections[0]!.period, fromMs: draft.period.fromMs - 2 * 86_400_000 };
  draft.sections[1]!.period = { ...draft.sections[1]!.period, fromMs: draft.period.fromMs + 9 * 86_400_000 };
  const root = parseUbl(renderInvoiceUbl({ ...POLDER_INVOICE, draft }));
  const periods = all(root, 'cac:InvoiceLine').map(
    (l) => `${text(l, 'cac:InvoicePeriod/cbc:StartDate')}..${text(l, 'cac:InvoicePeriod/cbc:EndDate')}`,
  );
  t.same([...new Set(periods)], ['2026-10-01..2026-10-31', '2026-10-10..2026-10-31']);
});

t.test('a credit note: CreditNote 381, credited amounts positive, the other way negative, no DueDate at the top', async (t) => {
  const xml = renderNoteUbl({ ...ACME_CREDIT_NOTE, dueOn: '2026-12-20' });
  const root = parseUbl(xml);
  t.equal(root.name, 'CreditNote');
  t.equal(text(root, 'cbc:CreditNoteTypeCode'), '381');
  t.notOk(one(root, 'cbc:DueDate'), 'UBL 2.1 has no document-level DueDate in a CreditNote');
  t.notOk(one(root, 'cbc:InvoiceTypeCode'));
  t.equal(text(root, 'cac:PaymentMeans/cbc:PaymentDueDate'), '2026-12-20', 'BT-9 goes to PaymentMeans');
  t.notOk(one(root, 'cac:PaymentTerms'), 'nothing for the buyer to pay');
  t.same(
    [
      text(root, 'cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID'),
      text(root, 'cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate'),
    ],
    ['AMS-2026-000101', '2026-11-01'],
  );
  const note = ACME_CREDIT_NOTE.note;
  t.equal(note.kind, 'credit');
  t.ok(dec(note.totalDelta).isNegative());
  const m = one(root, 'cac:LegalMonetaryTotal')!;
  t.equal(text(m, 'cbc:PayableAmount'), dec(note.totalDelta).neg().toFixed(2), 'a credit of −x is a CreditNote of x');
  t.equal(text(m, 'cbc:LineExtensionAmount'), dec(note.subtotalDelta).neg().toFixed(2));
  t.equal(text(root, 'cac:TaxTotal/cbc:TaxAmount'), dec(note.taxDelta).neg().toFixed(2));
  const lines = all(root, 'cac:CreditNoteLine').map((l) => [
    text(l, 'cac:Item/cbc:Name'),
    text(l, 'cbc:CreditedQuantity'),
    text(l, 'cbc:LineExtensionAmount'),
    text(l, 'cac:Price/cbc:PriceAmount'),
  ]);
  t.same(lines, [
    ['Energy', '120', '25.20', '0.21'],
    ['Energy, peak', '-10', '-2.70', '0.27'],
    ['Overhead (factor 1.3) on energy', '36', '7.56', '0.21'],
  ]);
  const props = all(root, 'cac:CreditNoteLine')[0]!.children.find((c) => c.name === 'cac:Item')!;
  t.same(
    all(props, 'cac:AdditionalItemProperty')
      .map((p) => `${text(p, 'cbc:Name')}: ${text(p, 'cbc:Value')}`)
      .slice(2),
    ['Invoiced: 8123.456 kWh, 1705.93 EUR', 'Corrected: 8003.456 kWh, 1680.73 EUR'],
  );
  t.notOk(parseUbl(renderNoteUbl(ACME_CREDIT_NOTE)).children.some((c) => c.name === 'cbc:DueDate'));
  t.notOk(renderNoteUbl(RHEIN_MAIN_ADJUSTMENT).includes('<cbc:DueDate>'), 'nor in an adjustment');
});

t.test('a debit note: Invoice 383 with its due date; prorated corrections as one unit at the amount', async (t) => {
  const root = parseUbl(renderNoteUbl(POLDER_DEBIT_NOTE));
  t.equal(root.name, 'Invoice');
  t.equal(text(root, 'cbc:InvoiceTypeCode'), '383');
  t.equal(text(root, 'cbc:DueDate'), '2026-12-05');
  t.equal(text(root, 'cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID'), 'AMS-2026-000103');
  t.equal(text(root, 'cac:LegalMonetaryTotal/cbc:PayableAmount'), POLDER_DEBIT_NOTE.note.totalDelta);
  const commitment = all(root, 'cac:InvoiceLine').find((l) => text(l, 'cac:Item/cbc:Name') === 'Committed power 50 kW')!;
  t.same(
    [
      one(commitment, 'cbc:InvoicedQuantity')!.attrs.unitCode,
      text(commitment, 'cbc:InvoicedQuantity'),
      text(commitment, 'cac:Price/cbc:PriceAmount'),
    ],
    ['C62', '1', '59.68'],
    '16 → 18 days of 925 per month: the quantity did not change, the amount did',
  );
  t.equal(text(root, 'cac:PaymentMeans/cbc:PaymentID'), 'AMS-DN-2026-000004');
});

t.test('an adjustment (lines moved, total 0): a CreditNote of 0.00', async (t) => {
  const root = parseUbl(renderNoteUbl(RHEIN_MAIN_ADJUSTMENT));
  t.equal(RHEIN_MAIN_ADJUSTMENT.note.kind, 'adjustment');
  t.equal(root.name, 'CreditNote');
  t.equal(text(root, 'cac:LegalMonetaryTotal/cbc:PayableAmount'), '0.00');
  t.same(
    all(root, 'cac:CreditNoteLine/cbc:LineExtensionAmount').map((e) => e.text),
    ['21.00', '-21.00'],
  );
});

t.test('the data-quality note: only when some energy is estimated', async (t) => {
  const q = ACME_INVOICE.draft.quality;
  t.equal(qualityNote({ ...q, estimatedKwh: 0 }), undefined);
  t.equal(qualityNote({ ...q, estimatedKwh: 0.0001 }), undefined, 'under the printed precision');
  t.match(qualityNote(q), /^Data quality: 42\.500 kWh of 11334\.443 kWh are estimated .* \(measured share 99\.63 %\)\.$/);
});

t.test('text is escaped, not concatenated', async (t) => {
  const draft = draftWith([spec({ description: 'Rack <A&B> "cage" 7' })], [{ name: 'BTW', vat: VAT.nl21 }]);
  const xml = renderInvoiceUbl(finalDocument(draft, 'X-<2>', '2026-11-01'));
  t.ok(xml.includes('Rack &lt;A&amp;B&gt; "cage" 7'));
  const root = parseUbl(xml);
  t.equal(text(root, 'cac:InvoiceLine/cac:Item/cbc:Name'), 'Rack <A&B> "cage" 7');
  t.equal(text(root, 'cbc:ID'), 'X-<2>');
});

t.test('Dutch rules: a registration without KvK/OIN scheme is left out rather than sent wrong', async (t) => {
  const draft = draftWith([spec({})], [{ name: 'BTW', vat: VAT.nl21 }], { ...ACME, registration: { id: '12345678' } });
  draft.parties = { ...draft.parties!, seller: { ...AMSTERDAM, registration: { id: '76543210', scheme: '0190' } } };
  const root = parseUbl(renderInvoiceUbl(finalDocument(draft, 'X-2', '2026-11-01')));
  t.same(one(root, 'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID')?.attrs, { schemeID: '0190' });
  t.notOk(one(root, 'cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID'), 'NL-R-005');
  const de = draftWith([spec({ vat: VAT.reverseCharge })], [{ name: 'RC', vat: VAT.reverseCharge }], {
    ...RHEIN_MAIN,
    registration: { id: 'HRB 12345' },
  });
  const deRoot = parseUbl(renderInvoiceUbl(finalDocument(de, 'X-3', '2026-11-01')));
  t.equal(
    text(deRoot, 'cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID'),
    'HRB 12345',
    'the Dutch rule is for Dutch buyers',
  );
});

/** A copy of `o` without the field `k` (a detail the inventory does not have). */
function without<T extends object, K extends keyof T>(o: T, k: K): Omit<T, K> {
  const copy = { ...o };
  delete copy[k];
  return copy;
}

/** The reason a document is refused (fails the test when it is not). */
function refusal(t: Test, render: () => string, what: string, reason: RegExp): void {
  try {
    render();
    t.fail(`no refusal: ${reason}`);
  } catch (e) {
    t.ok(e instanceof EInvoiceUnavailableError, `an EInvoiceUnavailableError (${String(e)})`);
    const err = e as EInvoiceUnavailableError;
    t.equal(err.what, what);
    t.match(err.reason, reason);
    t.equal(err.message, `no e-invoice for ${what}: ${err.reason}`);
  }
}

t.test('EInvoiceUnavailableError: not final, no legal details, no VAT categories, and what Peppol would reject', async (t) => {
  const d = ACME_INVOICE.draft;
  const doc = (draft: InvoiceDraft): InvoiceDocument => ({ ...ACME_INVOICE, draft });
  const withParties = (p: Partial<NonNullable<InvoiceDraft['parties']>>) => doc({ ...d, parties: { ...d.parties!, ...p } });
  const num = 'AMS-2026-000101';
  refusal(t, () => renderInvoiceUbl({ draft: d }), 'a draft', /not final/);
  const bare = without(d, 'parties');
  refusal(t, () => renderInvoiceUbl(doc(bare)), num, /no legal details/);
  const noVat = d.lines.map((l): InvoiceLine => (l.kind === 'energy' ? { ...l, vat: undefined } : l));
  refusal(t, () => renderInvoiceUbl(doc({ ...d, lines: noVat })), num, /line "Energy" has no VAT category/);
  const taxNoVat = d.lines.map((l): InvoiceLine => (l.kind === 'tax' ? { ...l, vat: undefined } : l));
  refusal(t, () => renderInvoiceUbl(doc({ ...d, lines: taxNoVat })), num, /tax line "BTW 21%" has no VAT category/);
  refusal(t, () => renderInvoiceUbl(doc({ ...d, lines: d.lines.filter((l) => l.kind === 'tax') })), num, /no lines/);
  const noEndpoint = without(AMSTERDAM, 'endpoint');
  refusal(t, () => renderInvoiceUbl(withParties({ seller: noEndpoint })), num, /issuing entity has no Peppol electronic address/);
  refusal(
    t,
    () => renderInvoiceUbl(withParties({ buyer: { ...ACME, endpoint: { scheme: 'EM', id: 'ap@acme.example' } } })),
    num,
    /scheme EM/,
  );
  const noVatId = without(AMSTERDAM, 'vatId');
  refusal(t, () => renderInvoiceUbl(withParties({ seller: noVatId })), num, /no VAT id/);
  const noAddress = without(ACME, 'address');
  refusal(t, () => renderInvoiceUbl(withParties({ buyer: noAddress })), num, /billing account has no address/);
  refusal(t, () => renderInvoiceUbl(withParties({ buyer: { ...ACME, address: { country: 'NL', city: 'Amsterdam' } } })), num, /NL-R-002/);
  const noBank = without(AMSTERDAM, 'bank');
  refusal(t, () => renderInvoiceUbl(withParties({ seller: noBank })), num, /NL-R-007/);
  refusal(t, () => renderInvoiceUbl(doc({ ...d, currency: 'KWD' })), num, /3 decimals/);
  refusal(t, () => renderInvoiceUbl(doc({ ...d, currency: 'XXX' })), num, /no rounding rule/);
  refusal(t, () => renderInvoiceUbl(doc({ ...d, total: dec(d.total).plus('0.01').toFixed(2) })), num, /total .* is not the subtotal/);
  refusal(t, () => renderInvoiceUbl(doc({ ...d, subtotal: '0.00' })), num, /lines sum to 3554\.63, its subtotal is 0\.00/);
  refusal(t, () => renderInvoiceUbl(doc({ ...d, taxTotal: '0.00' })), num, /breakdown sums to 746\.47/);
  const badBase = d.lines.map((l): InvoiceLine => (l.kind === 'tax' ? { ...l, quantity: '1000' } : l));
  refusal(t, () => renderInvoiceUbl(doc({ ...d, lines: badBase })), num, /breakdown S:21 is on 1000 but its lines sum to 3554\.63/);
  const stray = d.lines.map((l): InvoiceLine => (l.kind === 'tax' ? { ...l, vat: { category: 'S', ratePct: '9' } } : l));
  refusal(t, () => renderInvoiceUbl(doc({ ...d, lines: stray })), num, /no line falls under S:9/);

  const rrm = RHEIN_MAIN_INVOICE.draft;
  const rrmNoVat = without(RHEIN_MAIN, 'vatId');
  refusal(
    t,
    () => renderInvoiceUbl({ ...RHEIN_MAIN_INVOICE, draft: { ...rrm, parties: { ...rrm.parties!, buyer: rrmNoVat } } }),
    'AMS-2026-000102',
    /BR-AE-02/,
  );
  const german = (over: Partial<typeof AMSTERDAM>) => ({
    ...AMSTERDAM,
    address: { city: 'Frankfurt am Main', postalCode: '60314', country: 'DE' },
    ...over,
  });
  const deToDe = (seller: typeof AMSTERDAM) =>
    renderInvoiceUbl({ ...RHEIN_MAIN_INVOICE, draft: { ...rrm, parties: { ...rrm.parties!, seller } } });
  refusal(t, () => deToDe(german({ contact: { name: 'Billing', email: 'billing@example.de' } })), 'AMS-2026-000102', /DE-R-002/);
  refusal(t, () => deToDe(german({ address: { city: 'Frankfurt am Main', country: 'DE' } })), 'AMS-2026-000102', /DE-R-003/);
  refusal(t, () => deToDe(without(german({}), 'bank')), 'AMS-2026-000102', /DE-R-001/);
  t.match(deToDe(german({})), /<cbc:CityName>Frankfurt am Main<\/cbc:CityName>/, 'a complete German seller is fine');
  const noReason = draftWith([spec({ vat: { category: 'E', ratePct: '0' } })], []);
  refusal(t, () => renderInvoiceUbl(finalDocument(noReason, 'X-4', '2026-11-01')), 'X-4', /no exemption reason/);
  const rated = draftWith([spec({ vat: { category: 'Z', ratePct: '5' } })], []);
  refusal(t, () => renderInvoiceUbl(finalDocument(rated, 'X-5', '2026-11-01')), 'X-5', /only S has a rate above zero/);
  const untaxed = draftWith([spec({})], []);
  refusal(t, () => renderInvoiceUbl(finalDocument(untaxed, 'X-6', '2026-11-01')), 'X-6', /S:21 is on no tax line/);

  const n = ACME_CREDIT_NOTE;
  const bareNote = without(n.note, 'parties');
  refusal(t, () => renderNoteUbl({ ...n, note: bareNote }), n.number, /no legal details/);
  const noteNoVat = n.note.lines.map((l): NoteLine => ({ ...l, vat: undefined }));
  refusal(t, () => renderNoteUbl({ ...n, note: { ...n.note, lines: noteNoVat } }), n.number, /has no VAT category/);
});

t.test('other errors are not dressed up as unavailable', async (t) => {
  const d = ACME_INVOICE.draft;
  let caught: unknown;
  try {
    renderInvoiceUbl({ ...ACME_INVOICE, draft: { ...d, subtotal: 'lots' } });
  } catch (e) {
    caught = e;
  }
  t.ok(caught instanceof Error && !(caught instanceof EInvoiceUnavailableError), `a plain error: ${String(caught)}`);
});
