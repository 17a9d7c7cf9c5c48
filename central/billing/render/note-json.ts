// A credit, debit or adjustment note as JSON: the note as made (each line as invoiced, as recomputed and the
// difference, amounts as decimal strings), with its number, issue date, due date (debit notes with parties),
// the invoice it corrects (number and issue date), customer, account and entity as objects (id, name), each
// line's site name, and the period in local dates. Notes carry no trace: nothing to redact for a customer.
import { localPeriod, type NoteDocument } from './document.js';

export function renderNoteJson(doc: NoteDocument): string {
  const { note } = doc;
  return `${JSON.stringify(
    {
      number: doc.number,
      issuedOn: doc.issuedOn,
      ...(doc.dueOn !== undefined ? { dueOn: doc.dueOn } : {}),
      invoice: { number: doc.invoice.number, issuedOn: doc.invoice.issuedOn },
      ...note,
      kind: note.kind,
      customer: {
        id: note.customer,
        ...(doc.customerName !== undefined ? { name: doc.customerName } : {}),
        ...(doc.customerRef !== undefined ? { ref: doc.customerRef } : {}),
      },
      account: { id: note.account, ...(doc.accountName !== undefined ? { name: doc.accountName } : {}) },
      entity: { id: note.entity, ...(doc.entityName !== undefined ? { name: doc.entityName } : {}) },
      lines: note.lines.map((l) => ({
        ...l,
        ...(l.site !== undefined && doc.siteNames?.[l.site] !== undefined ? { siteName: doc.siteNames[l.site] } : {}),
      })),
      localPeriod: localPeriod(note),
    },
    null,
    2,
  )}\n`;
}
