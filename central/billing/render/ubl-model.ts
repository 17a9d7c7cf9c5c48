// What an EN 16931 e-invoice says, before it is XML: the figures each part of ubl*.ts computes from an
// invoice or note (lines, VAT breakdown, totals) and ubl-document.ts writes in UBL 2.1's element order.
// Facts: ../shared/reference/invoicing.md C1–C9 (Peppol BIS Billing 3.0, release 3.0.19).
import type { DraftParties, LineVat } from '../types.js';

/** BT-24: EN 16931 as Peppol BIS Billing 3.0 restricts it (PEPPOL-EN16931-R004). */
export const CUSTOMIZATION_ID = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
/** BT-23: the Peppol billing process (R001, R007). */
export const PROFILE_ID = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';

export const NS = {
  Invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  CreditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
} as const;

/**
 * Why a document cannot become a valid e-invoice (the entity lacks a detail, the draft predates VAT
 * categories, its figures disagree); ubl.ts turns it into EInvoiceUnavailableError with the document's number.
 */
export class UblDataError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UblDataError';
  }
}

export interface LocalRange {
  /** YYYY-MM-DD, both inclusive. */
  start: string;
  end: string;
}

export interface ItemProperty {
  name: string;
  value: string;
}

/** One InvoiceLine or CreditNoteLine (BG-25), with its figures as sent: quantity × price / baseQuantity ≈ amount (R120). */
export interface UblLine {
  /** Signed (a credit note's line that went the other way is negative). */
  quantity: string;
  /** UN/ECE Rec 20 (BR-CL-23); the base quantity has the same (R130). */
  unitCode: string;
  /** BT-131: 2 decimals, signed like the quantity. */
  amount: string;
  /** BT-146: never negative (BR-27). */
  price: string;
  /** BT-149: above zero (R121). */
  baseQuantity: string;
  /** BT-153: the line's description. */
  name: string;
  vat: LineVat;
  /** BG-26, inside the document's period (R110, R111). */
  period?: LocalRange;
  /** BG-32: the site, the terms, how a prorated amount was computed. */
  properties: ItemProperty[];
}

/** One VAT breakdown (BG-23): a category and rate, the lines' sum under it and the tax on it. */
export interface VatSubtotal {
  category: LineVat['category'];
  /** Decimal string as written ('21', '9', '0'). */
  ratePct: string;
  taxable: string;
  tax: string;
  /** AE, G, E: BT-120 and BT-121. */
  exemptionReason?: string;
  exemptionCode?: string;
}

/** BG-22, every amount with 2 decimals (BR-DEC). */
export interface MonetaryTotals {
  lineExtension: string;
  taxExclusive: string;
  taxInclusive: string;
  payable: string;
  /** BT-110: the sum of the breakdowns' tax. */
  tax: string;
}

/** A whole e-invoice: an Invoice (380 invoice, 383 debit note) or a CreditNote (381). */
export interface UblDocument {
  root: 'Invoice' | 'CreditNote';
  typeCode: '380' | '383' | '381';
  number: string;
  issuedOn: string;
  /** BT-9: the Invoice's DueDate; on a CreditNote it goes in PaymentMeans (UBL 2.1 has no DueDate there). */
  dueOn?: string;
  /** BT-22: at most one (PEPPOL-EN16931-R002). */
  note?: string;
  currency: string;
  /** BT-10 (R003: BT-10 or BT-13). */
  buyerReference: string;
  /** BT-13: the buyer's purchase order. */
  orderReference?: string;
  /** BG-14: the invoiced month, local dates. */
  period: LocalRange;
  /** BG-3: the invoice a note corrects. */
  billingReference?: { number: string; issuedOn: string };
  parties: DraftParties;
  /** BG-16 with the seller's account: SEPA credit transfer (58), remittance reference BT-83. */
  payment?: { iban: string; bic?: string; accountName?: string; paymentId: string };
  /** BT-20. */
  paymentTerms?: string;
  lines: UblLine[];
  vat: VatSubtotal[];
  totals: MonetaryTotals;
}
