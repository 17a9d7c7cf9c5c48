// An invoice as JSON: the draft as computed (amounts as decimal strings, full trace), with its status,
// number and issue date once final, the period in local dates, and customer and site as objects (id, name).
import { localPeriod, status, type InvoiceDocument } from './document.js';

export function renderInvoiceJson(doc: InvoiceDocument): string {
  const { draft } = doc;
  return `${JSON.stringify(
    {
      status: status(doc),
      ...(doc.final ? { number: doc.final.number, issuedOn: doc.final.issuedOn } : {}),
      ...draft,
      customer: {
        id: draft.customer,
        ...(doc.customerName !== undefined ? { name: doc.customerName } : {}),
        ...(doc.customerRef !== undefined ? { ref: doc.customerRef } : {}),
      },
      site: { id: draft.site, ...(doc.siteName !== undefined ? { name: doc.siteName } : {}) },
      localPeriod: localPeriod(draft),
    },
    null,
    2,
  )}\n`;
}
