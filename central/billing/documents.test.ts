// The documents built from what storage keeps: issue dates are local dates in the issuing entity's zone
// (a note made at 23:30 UTC on 30 November is issued on 1 December in Amsterdam), a debit note and a final
// invoice with parties are due after the payment terms, a credit note never; the names come from the model.
import t from 'tap';
import { draftOf } from '../../scripts/benches/invoice-drafts.js';
import { worldModel, worldParties } from '../../test/billing/world.js';
import type { StoredInvoice, StoredNote } from '../storage/billing/types.js';
import { invoiceDocumentOf, noteDocumentOf } from './documents.js';
import type { NoteDraft } from './types.js';

const draft = { ...draftOf('acme'), parties: worldParties('acme') };
const invoice: StoredInvoice = {
  id: 1,
  runId: 1,
  entity: 'ams1',
  period: '2026-10',
  customer: 'acme',
  account: 'acme',
  status: 'final',
  number: 'AMS1-2026-000001',
  currency: 'EUR',
  total: '10.00',
  review: [],
  draft,
  createdAt: 0,
  finalizedAt: Date.UTC(2026, 9, 31, 23, 30), // 1 November, 00:30 in Amsterdam
  release: undefined,
  renderedAt: undefined,
  deliveredAt: undefined,
  deliveryAttempts: 0,
  lastDeliveryError: undefined,
};
const noteDraft = (kind: NoteDraft['kind'], parties = true): NoteDraft => ({
  kind,
  invoiceNumber: invoice.number!,
  customer: 'acme',
  account: 'acme',
  entity: 'ams1',
  currency: 'EUR',
  period: draft.period,
  lines: [],
  subtotalDelta: '1.00',
  taxDelta: '0.00',
  totalDelta: '1.00',
  quality: draft.quality,
  ...(parties ? { parties: draft.parties } : {}),
});
const stored = (note: NoteDraft): StoredNote => ({
  id: 3,
  number: 'AMS1-DN-2026-000001',
  invoiceNumber: invoice.number!,
  entity: 'ams1',
  period: '2026-10',
  customer: 'acme',
  account: 'acme',
  kind: note.kind,
  currency: 'EUR',
  totalDelta: note.totalDelta,
  fingerprint: 'f',
  note,
  createdAt: Date.UTC(2026, 10, 30, 23, 30),
  renderedAt: undefined,
  deliveredAt: undefined,
  deliveryAttempts: 0,
  lastDeliveryError: undefined,
});
const model = worldModel();

t.test('an invoice: issued on its local date, due after the payment terms of its parties', async (t) => {
  t.match(invoiceDocumentOf(invoice, model), {
    final: { number: 'AMS1-2026-000001', issuedOn: '2026-11-01', dueOn: '2026-11-15' },
    customerName: 'Acme',
    siteNames: { ams1: 'Amsterdam 1' },
  });
  const without = { ...draft, parties: undefined };
  t.same(
    invoiceDocumentOf({ ...invoice, draft: without }, model).final,
    { number: 'AMS1-2026-000001', issuedOn: '2026-11-01' },
    'no parties: no due date',
  );
  t.notOk(
    invoiceDocumentOf({ ...invoice, status: 'draft', number: undefined, finalizedAt: undefined }, model).final,
    'a draft is not final',
  );
});

t.test('a note: issued on its local date, the invoice it corrects with its issue date; a debit note is due', async (t) => {
  t.match(noteDocumentOf(stored(noteDraft('debit')), invoice, model), {
    number: 'AMS1-DN-2026-000001',
    issuedOn: '2026-12-01',
    dueOn: '2026-12-15',
    invoice: { number: 'AMS1-2026-000001', issuedOn: '2026-11-01' },
    customerName: 'Acme',
    siteNames: { ams1: 'Amsterdam 1' },
  });
  t.notOk('dueOn' in noteDocumentOf(stored(noteDraft('credit')), invoice, model), 'a credit note is not due');
  t.notOk('dueOn' in noteDocumentOf(stored(noteDraft('debit', false)), invoice, model), 'nor a debit note without parties');
  t.throws(() => noteDocumentOf(stored(noteDraft('debit')), { ...invoice, number: 'AMS1-2026-000002' }, model), {
    name: 'InvoiceNotFoundError',
  });
});
