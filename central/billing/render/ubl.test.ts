// The e-invoice renderer against what a Peppol access point checks and our local validator cannot: the
// UBL 2.1 element order (a CreditNote has no document-level DueDate), Peppol's rules on notes, empty
// elements and currencies, the identifiers and references; the totals to the cent and the VAT breakdown.
// Lines: ubl-lines.test.ts; notes: ubl-notes.test.ts; refusals: ubl-refusals.test.ts.
import t from 'tap';
import { sumDec } from '../money.js';
import type { LineVat } from '../types.js';
import { qualityNote, renderInvoiceUbl } from './ubl.js';
import { CUSTOMIZATION_ID, PROFILE_ID } from './ubl-model.js';
import { finalDocument, VAT } from '../../../test/helpers/einvoice-drafts.js';
import {
  ACME,
  ACME_INVOICE,
  AMSTERDAM,
  amsterdamDraft,
  EINVOICE_INVOICES,
  feeSpec,
  LION_CITY_INVOICE,
  POLDER_INVOICE,
  RHEIN_MAIN,
  RHEIN_MAIN_INVOICE,
  renderedEInvoices,
} from '../../../test/helpers/einvoice-documents.js';
import { all, childNames, descendants, one, parseUbl, text } from '../../../test/helpers/ubl-xml.js';

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

const DOCS = renderedEInvoices();

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

t.test('zero rated, export and exempt lines: one breakdown each, the mention where one is due', async (t) => {
  const exempt: LineVat = { category: 'E', ratePct: '0', exemptionReason: 'Exempt under article 11 of the Dutch VAT act' };
  const draft = amsterdamDraft(
    [
      feeSpec({ description: 'Power at cost', vat: { category: 'Z', ratePct: '0' } }),
      feeSpec({ description: 'Export service', vat: { category: 'G', ratePct: '0' } }),
      feeSpec({ description: 'Financial service', vat: exempt }),
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

t.test('the data-quality note: only when some energy is estimated', async (t) => {
  const q = ACME_INVOICE.draft.quality;
  t.equal(qualityNote({ ...q, estimatedKwh: 0 }), undefined);
  t.equal(qualityNote({ ...q, estimatedKwh: 0.0001 }), undefined, 'under the printed precision');
  t.match(qualityNote(q), /^Data quality: 42\.500 kWh of 11334\.443 kWh are estimated .* \(measured share 99\.63 %\)\.$/);
});

t.test('text is escaped, not concatenated', async (t) => {
  const draft = amsterdamDraft([feeSpec({ description: 'Rack <A&B> "cage" 7' })], [{ name: 'BTW', vat: VAT.nl21 }]);
  const xml = renderInvoiceUbl(finalDocument(draft, 'X-<2>', '2026-11-01'));
  t.ok(xml.includes('Rack &lt;A&amp;B&gt; "cage" 7'));
  const root = parseUbl(xml);
  t.equal(text(root, 'cac:InvoiceLine/cac:Item/cbc:Name'), 'Rack <A&B> "cage" 7');
  t.equal(text(root, 'cbc:ID'), 'X-<2>');
  const control = amsterdamDraft([feeSpec({ description: 'Rack\u0001 7\uFFFE' })], [{ name: 'BTW', vat: VAT.nl21 }]);
  const cleaned = parseUbl(renderInvoiceUbl(finalDocument(control, 'X-3', '2026-11-01')));
  t.equal(text(cleaned, 'cac:InvoiceLine/cac:Item/cbc:Name'), 'Rack 7', 'characters XML cannot carry are dropped, the document parses');
});

t.test('Dutch rules: a registration without KvK/OIN scheme is left out rather than sent wrong', async (t) => {
  const draft = amsterdamDraft([feeSpec({})], [{ name: 'BTW', vat: VAT.nl21 }], { ...ACME, registration: { id: '12345678' } });
  draft.parties = { ...draft.parties!, seller: { ...AMSTERDAM, registration: { id: '76543210', scheme: '0190' } } };
  const root = parseUbl(renderInvoiceUbl(finalDocument(draft, 'X-2', '2026-11-01')));
  t.same(one(root, 'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID')?.attrs, { schemeID: '0190' });
  t.notOk(one(root, 'cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID'), 'NL-R-005');
  const de = amsterdamDraft([feeSpec({ vat: VAT.reverseCharge })], [{ name: 'RC', vat: VAT.reverseCharge }], {
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
