// EN 16931 e-invoices in UBL 2.1 (Peppol BIS Billing 3.0): an Invoice for a final invoice or a debit note
// (type 383), a CreditNote for a credit note. Being written: the signatures are what the rest codes against.
import type { InvoiceDocument, NoteDocument } from './document.js';

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

export function renderInvoiceUbl(doc: InvoiceDocument): string {
  throw new EInvoiceUnavailableError(doc.final?.number ?? 'a draft', 'not built yet');
}

export function renderNoteUbl(doc: NoteDocument): string {
  throw new EInvoiceUnavailableError(doc.number, 'not built yet');
}
