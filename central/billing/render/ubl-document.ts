// The e-invoice as UBL 2.1 XML: the document skeleton in the schema's element order, which differs between
// Invoice and CreditNote (a CreditNote has no document-level DueDate: BT-9 goes to PaymentMeans), then the
// payment, the VAT breakdown, the totals and the lines. Peppol validates the UBL 2.1 sequence, so the order
// below is the XSD's, not a matter of taste. Pure: a UblDocument in, a string out.
// Facts: ../shared/reference/invoicing.md C1, C2, C5, C7, C8.
import { create } from 'xmlbuilder2';
import { CUSTOMIZATION_ID, NS, PROFILE_ID, type UblDocument, type UblLine, type VatSubtotal } from './ubl-model.js';
import { writeParties } from './ubl-parties.js';
import { amount, cac, cbc, vatScheme, type XmlNode } from './ubl-xml.js';

/** SEPA credit transfer (UNCL 4461): needs the payee's IBAN (BR-61). */
const SEPA_CREDIT_TRANSFER = '58';

function period(parent: XmlNode, p: { start: string; end: string }): void {
  const el = cac(parent, 'InvoicePeriod');
  cbc(el, 'StartDate', p.start);
  cbc(el, 'EndDate', p.end);
}

/** BG-16. On a CreditNote the due date (BT-9) lives here, UBL 2.1 having no DueDate at its top. */
function paymentMeans(root: XmlNode, d: UblDocument): void {
  if (!d.payment) return;
  const el = cac(root, 'PaymentMeans');
  cbc(el, 'PaymentMeansCode', SEPA_CREDIT_TRANSFER);
  if (d.root === 'CreditNote') cbc(el, 'PaymentDueDate', d.dueOn);
  cbc(el, 'PaymentID', d.payment.paymentId);
  const account = cac(el, 'PayeeFinancialAccount');
  cbc(account, 'ID', d.payment.iban);
  cbc(account, 'Name', d.payment.accountName);
  if (d.payment.bic) cbc(cac(account, 'FinancialInstitutionBranch'), 'ID', d.payment.bic);
}

function taxCategory(parent: XmlNode, name: 'TaxCategory' | 'ClassifiedTaxCategory', v: Omit<VatSubtotal, 'taxable' | 'tax'>): void {
  const el = cac(parent, name);
  cbc(el, 'ID', v.category);
  cbc(el, 'Percent', v.ratePct);
  cbc(el, 'TaxExemptionReasonCode', v.exemptionCode);
  cbc(el, 'TaxExemptionReason', v.exemptionReason);
  vatScheme(el);
}

/** BG-23: exactly one TaxTotal with subtotals (PEPPOL-EN16931-R053). */
function taxTotal(root: XmlNode, d: UblDocument): void {
  const el = cac(root, 'TaxTotal');
  amount(el, 'TaxAmount', d.totals.tax, d.currency);
  for (const v of d.vat) {
    const sub = cac(el, 'TaxSubtotal');
    amount(sub, 'TaxableAmount', v.taxable, d.currency);
    amount(sub, 'TaxAmount', v.tax, d.currency);
    taxCategory(sub, 'TaxCategory', v);
  }
}

/** BG-22 in its order: LineExtension, TaxExclusive, TaxInclusive, (no allowances, charges, prepaid), Payable. */
function monetaryTotal(root: XmlNode, d: UblDocument): void {
  const el = cac(root, 'LegalMonetaryTotal');
  amount(el, 'LineExtensionAmount', d.totals.lineExtension, d.currency);
  amount(el, 'TaxExclusiveAmount', d.totals.taxExclusive, d.currency);
  amount(el, 'TaxInclusiveAmount', d.totals.taxInclusive, d.currency);
  amount(el, 'PayableAmount', d.totals.payable, d.currency);
}

/** BG-25 in its order: ID, quantity, amount, period, Item (Name, ClassifiedTaxCategory, properties), Price. */
function line(root: XmlNode, d: UblDocument, l: UblLine, n: number): void {
  const invoice = d.root === 'Invoice';
  const el = cac(root, invoice ? 'InvoiceLine' : 'CreditNoteLine');
  cbc(el, 'ID', String(n));
  cbc(el, invoice ? 'InvoicedQuantity' : 'CreditedQuantity', l.quantity, { unitCode: l.unitCode });
  amount(el, 'LineExtensionAmount', l.amount, d.currency);
  if (l.period) period(el, l.period);
  const item = cac(el, 'Item');
  cbc(item, 'Name', l.name);
  // The line's category and rate only (BG-30): the exemption reason is the breakdown's (BT-120).
  taxCategory(item, 'ClassifiedTaxCategory', { category: l.vat.category, ratePct: l.vat.ratePct });
  for (const p of l.properties) {
    const prop = cac(item, 'AdditionalItemProperty');
    cbc(prop, 'Name', p.name);
    cbc(prop, 'Value', p.value);
  }
  const price = cac(el, 'Price');
  amount(price, 'PriceAmount', l.price, d.currency);
  cbc(price, 'BaseQuantity', l.baseQuantity, { unitCode: l.unitCode });
}

/** The whole document as UBL 2.1 XML (UTF-8). */
export function writeUbl(d: UblDocument): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele(NS[d.root], d.root, { 'xmlns:cac': NS.cac, 'xmlns:cbc': NS.cbc });
  const invoice = d.root === 'Invoice';
  cbc(root, 'CustomizationID', CUSTOMIZATION_ID);
  cbc(root, 'ProfileID', PROFILE_ID);
  cbc(root, 'ID', d.number);
  cbc(root, 'IssueDate', d.issuedOn);
  if (invoice) cbc(root, 'DueDate', d.dueOn);
  cbc(root, invoice ? 'InvoiceTypeCode' : 'CreditNoteTypeCode', d.typeCode);
  cbc(root, 'Note', d.note);
  cbc(root, 'DocumentCurrencyCode', d.currency);
  cbc(root, 'BuyerReference', d.buyerReference);
  period(root, d.period);
  if (d.orderReference) cbc(cac(root, 'OrderReference'), 'ID', d.orderReference);
  if (d.billingReference) {
    const ref = cac(cac(root, 'BillingReference'), 'InvoiceDocumentReference');
    cbc(ref, 'ID', d.billingReference.number);
    cbc(ref, 'IssueDate', d.billingReference.issuedOn);
  }
  writeParties(root, d.parties);
  paymentMeans(root, d);
  if (d.paymentTerms) cbc(cac(root, 'PaymentTerms'), 'Note', d.paymentTerms);
  taxTotal(root, d);
  monetaryTotal(root, d);
  d.lines.forEach((l, i) => line(root, d, l, i + 1));
  return doc.end({ prettyPrint: true });
}
