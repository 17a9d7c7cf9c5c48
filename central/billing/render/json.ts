// An invoice as JSON: the draft as computed (amounts as decimal strings, full trace), with its status,
// number and issue date once final, the period in local dates, customer, account and entity as objects
// (id, name), and a section per site with its name and local dates.
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
      account: { id: draft.account, ...(doc.accountName !== undefined ? { name: doc.accountName } : {}) },
      entity: { id: draft.entity, ...(doc.entityName !== undefined ? { name: doc.entityName } : {}) },
      sections: draft.sections.map((s) => ({
        ...s,
        ...(doc.siteNames?.[s.site] !== undefined ? { siteName: doc.siteNames[s.site] } : {}),
        localPeriod: localPeriod(s),
      })),
      localPeriod: localPeriod(draft),
    },
    null,
    2,
  )}\n`;
}
