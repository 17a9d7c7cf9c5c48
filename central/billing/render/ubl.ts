// EN 16931 e-invoices in UBL 2.1 (Peppol BIS Billing 3.0): an Invoice for a final invoice (380) or a debit
// note (383), a CreditNote (381) for a credit or adjustment note, whose amounts are the credited ones
// (a credit of −12.34 is a CreditNote of 12.34). Built from the figures the draft already has, to the
// cent: lines (ubl-lines.ts), VAT breakdown and totals (ubl-vat.ts), parties (ubl-parties.ts), written in
// UBL's element order (ubl-document.ts). Pure, no I/O. A document that cannot be a valid e-invoice (not
// final, no legal details, made before lines carried their VAT category) throws EInvoiceUnavailableError
// with the reason. Facts: ../shared/reference/invoicing.md B4, C1–C9.
import { formatQuantity, minorUnits, dec } from '../money.js';
import type { DataQuality, DraftParties, VatCategory } from '../types.js';
import { addDays, localPeriod, type InvoiceDocument, type NoteDocument } from './document.js';
import { writeUbl } from './ubl-document.js';
import { invoiceLines, noteLines } from './ubl-lines.js';
import { UblDataError, type UblDocument, type UblLine } from './ubl-model.js';
import { checkParties } from './ubl-parties.js';
import { monetaryTotals, vatBreakdown, type TaxLineInput } from './ubl-vat.js';

/** The invoice or note cannot be an e-invoice: not final, or its issuing entity has no legal details. */
export class EInvoiceUnavailableError extends Error {
  constructor(
    readonly what: string,
    readonly reason: string,
  ) {
    super(`no e-invoice for ${what}: ${reason}`);
    this.name = 'EInvoiceUnavailableError';
  }
}

function guarded(what: string, build: () => UblDocument): string {
  try {
    return writeUbl(build());
  } catch (e) {
    if (e instanceof UblDataError) throw new EInvoiceUnavailableError(what, e.reason);
    throw e;
  }
}

function partiesOf(p: DraftParties | undefined): DraftParties {
  if (!p) throw new UblDataError('its issuing entity had no legal details (name, address, VAT id) when it was computed');
  return p;
}

/** BR-DEC: every amount has at most 2 decimals, so a currency with 3 minor units cannot be sent. */
function checkCurrency(currency: string): void {
  let units: number;
  try {
    units = minorUnits(currency);
  } catch {
    throw new UblDataError(`its currency ${currency} has no rounding rule`);
  }
  if (units > 2) throw new UblDataError(`amounts in ${currency} have ${units} decimals; EN 16931 allows 2 (BR-DEC)`);
}

/** BT-22, the one document note Peppol allows (R002): said only when some energy is estimated. */
export function qualityNote(q: DataQuality): string | undefined {
  if (Math.abs(q.estimatedKwh) < 0.0005) return undefined;
  return (
    `Data quality: ${formatQuantity(q.estimatedKwh)} kWh of ${formatQuantity(q.kWh)} kWh are estimated where meter readings ` +
    `were missing (measured share ${(q.measuredShare * 100).toFixed(2)} %).`
  );
}

/** BT-20. */
export const paymentTermsText = (days: number): string => (days === 0 ? 'Payment on receipt' : `Payment within ${days} days`);

const categories = (lines: readonly UblLine[]): Set<VatCategory> => new Set(lines.map((l) => l.vat.category));

/** The header fields an invoice and a note share: references, payment, parties checked. */
function common(p: DraftParties, number: string, account: string, lines: readonly UblLine[]) {
  if (lines.length === 0) throw new UblDataError('it has no lines but taxes (EN 16931 needs at least one, BG-25)');
  checkParties(p, categories(lines));
  const { buyer, seller } = p;
  return {
    parties: p,
    // R003: BT-10 or BT-13; the account id when the customer gave neither.
    buyerReference: buyer.buyerReference ?? buyer.purchaseOrder ?? account,
    ...(buyer.purchaseOrder ? { orderReference: buyer.purchaseOrder } : {}),
    ...(seller.bank
      ? { payment: { iban: seller.bank.iban, bic: seller.bank.bic, accountName: seller.bank.accountName, paymentId: number } }
      : {}),
  };
}

/** NL-R-007: a Dutch seller must say how an amount owed to it is paid. */
function checkDutchPayment(d: UblDocument): UblDocument {
  if (d.parties.seller.address.country === 'NL' && d.root === 'Invoice' && dec(d.totals.payable).gt(0) && !d.payment)
    throw new UblDataError('the issuing entity has no bank account; a Dutch seller must state a means of payment (NL-R-007)');
  return d;
}

export function renderInvoiceUbl(doc: InvoiceDocument): string {
  const final = doc.final;
  if (!final) throw new EInvoiceUnavailableError('a draft', 'the invoice is not final (no number or issue date yet)');
  return guarded(final.number, () => {
    const { draft } = doc;
    const p = partiesOf(draft.parties);
    checkCurrency(draft.currency);
    const { first, last } = localPeriod(draft);
    const period = { start: first, end: last };
    const lines = invoiceLines(doc, period);
    const head = common(p, final.number, draft.account, lines);
    const taxes: TaxLineInput[] = draft.lines
      .filter((l) => l.kind === 'tax')
      .map((l) => ({ description: l.description, vat: l.vat, base: dec(l.quantity), tax: dec(l.amount) }));
    const vat = vatBreakdown(lines, taxes, draft.currency);
    const expected = { subtotal: dec(draft.subtotal), taxTotal: dec(draft.taxTotal), total: dec(draft.total) };
    const note = qualityNote(draft.quality);
    return checkDutchPayment({
      root: 'Invoice',
      typeCode: '380',
      number: final.number,
      issuedOn: final.issuedOn,
      dueOn: final.dueOn ?? addDays(final.issuedOn, p.paymentTermsDays),
      ...(note ? { note } : {}),
      currency: draft.currency,
      period,
      ...head,
      paymentTerms: paymentTermsText(p.paymentTermsDays),
      lines,
      vat,
      totals: monetaryTotals(lines, vat, expected, draft.currency),
    });
  });
}

/**
 * A debit note is an Invoice 383 with its amounts as they are; a credit note (total negative) and an
 * adjustment (lines moved, total 0) are a CreditNote 381 with every amount negated, so what is credited
 * reads positive. Both refer to the invoice they correct (BG-3; NL-R-001).
 */
export function renderNoteUbl(doc: NoteDocument): string {
  return guarded(doc.number, () => {
    const { note } = doc;
    const p = partiesOf(note.parties);
    checkCurrency(note.currency);
    const debit = note.kind === 'debit';
    const sign = debit ? 1 : -1;
    const { first, last } = localPeriod(note);
    const lines = noteLines(doc, sign);
    const head = common(p, doc.number, note.account, lines);
    const taxes: TaxLineInput[] = note.lines
      .filter((l) => l.kind === 'tax')
      .map((l) => ({
        description: l.description,
        vat: l.vat,
        base: dec(l.quantityDelta).times(sign),
        tax: dec(l.amountDelta).times(sign),
      }));
    const vat = vatBreakdown(lines, taxes, note.currency);
    const expected = {
      subtotal: dec(note.subtotalDelta).times(sign),
      taxTotal: dec(note.taxDelta).times(sign),
      total: dec(note.totalDelta).times(sign),
    };
    const remark = qualityNote(note.quality);
    // A credit note's due date only has a place in PaymentMeans (UBL 2.1), which needs the seller's account.
    const dueOn = debit ? (doc.dueOn ?? addDays(doc.issuedOn, p.paymentTermsDays)) : doc.dueOn;
    return checkDutchPayment({
      root: debit ? 'Invoice' : 'CreditNote',
      typeCode: debit ? '383' : '381',
      number: doc.number,
      issuedOn: doc.issuedOn,
      ...(dueOn ? { dueOn } : {}),
      ...(remark ? { note: remark } : {}),
      currency: note.currency,
      period: { start: first, end: last },
      billingReference: doc.invoice,
      ...head,
      ...(debit ? { paymentTerms: paymentTermsText(p.paymentTermsDays) } : {}),
      lines,
      vat,
      totals: monetaryTotals(lines, vat, expected, note.currency),
    });
  });
}
