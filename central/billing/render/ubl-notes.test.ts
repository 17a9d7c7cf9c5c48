// Notes as e-invoices: a credit note is a CreditNote 381 whose amounts are the credited ones (a credit of
// −x is a CreditNote of x, a line that went the other way is negative) and which has no document-level
// DueDate (UBL 2.1: BT-9 goes to PaymentMeans); a debit note is an Invoice 383; an adjustment a CreditNote
// of 0.00; all refer to the invoice they correct.
import t from 'tap';
import { dec } from '../money.js';
import { renderNoteUbl } from './ubl.js';
import { ACME_CREDIT_NOTE, POLDER_DEBIT_NOTE, RHEIN_MAIN_ADJUSTMENT } from '../../../test/helpers/einvoice-documents.js';
import { all, one, parseUbl, text } from '../../../test/helpers/ubl-xml.js';

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
