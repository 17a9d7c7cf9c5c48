// What billing renders, built from what storage keeps and the running model's names: an invoice's document
// and a note's (number, issue and due dates, the invoice it corrects), in every format, for operators or for
// the customer. Issue dates are local dates in the issuing entity's zone; a due date is the issue date plus
// the payment terms the draft copied from its parties (absent without them).
import { localDateOf } from '../../common/local-time.js';
import type { ModelSource } from '../model/holder.js';
import type { InventoryModel } from '../model/types.js';
import { InvoiceNotFoundError, type BillingStore, type StoredInvoice, type StoredNote } from '../storage/billing/types.js';
import { renderInvoiceCsv } from './render/csv.js';
import { addDays, type DocumentNames, type InvoiceDocument, type NoteDocument } from './render/document.js';
import { renderInvoiceJson } from './render/json.js';
import { renderNoteCsv } from './render/note-csv.js';
import { renderNoteJson } from './render/note-json.js';
import { renderNotePdf } from './render/note-pdf.js';
import { renderInvoicePdf, type PdfOptions } from './render/pdf.js';
import type { DraftParties } from './types.js';
import { billedPointsOf, customerDocument } from './render/redact.js';
import { EInvoiceUnavailableError, renderInvoiceUbl, renderNoteUbl } from './render/ubl.js';
import type { RenderInvoice, RenderNote } from './run/types.js';

/** The names a document of this customer, account and entity prints, with those of the sites it covers. */
function namesOf(
  model: InventoryModel,
  of: { customer: string; account: string; entity: string; sites: readonly string[] },
): DocumentNames {
  const customer = model.customers.get(of.customer);
  const account = model.parties.accounts.get(of.account);
  const entity = model.parties.entities.get(of.entity);
  return {
    ...(customer ? { customerName: customer.name } : {}),
    ...(customer?.externalRef ? { customerRef: customer.externalRef } : {}),
    ...(account && !account.implied ? { accountName: account.name } : {}),
    ...(entity && !entity.implied ? { entityName: entity.name } : {}),
    siteNames: Object.fromEntries(of.sites.flatMap((s) => (model.sites.has(s) ? [[s, model.sites.get(s)!.name]] : []))),
  };
}

/** The zone of an entity's issue dates: its own, else the zone of the period it invoiced. */
const issueZone = (model: InventoryModel, entity: string, fallback: string): string =>
  model.parties.entities.get(entity)?.timeZone ?? fallback;

export function invoiceDocumentOf(inv: StoredInvoice, model: InventoryModel): InvoiceDocument {
  const { draft } = inv;
  const names = namesOf(model, { ...inv, sites: draft.sections.map((s) => s.site) });
  if (!inv.number || inv.finalizedAt === undefined) return { draft, ...names };
  const issuedOn = localDateOf(inv.finalizedAt, issueZone(model, inv.entity, draft.period.timeZone));
  const dueOn = draft.parties ? addDays(issuedOn, draft.parties.paymentTermsDays) : undefined;
  return { draft, final: { number: inv.number, issuedOn, ...(dueOn !== undefined ? { dueOn } : {}) }, ...names };
}

/** A note's document: issued on its creation's local date; a debit note with parties is due after the payment terms. */
export function noteDocumentOf(n: StoredNote, invoice: StoredInvoice, model: InventoryModel): NoteDocument {
  const { note } = n;
  if (invoice.number !== n.invoiceNumber || invoice.finalizedAt === undefined) throw new InvoiceNotFoundError(n.invoiceNumber);
  const zone = issueZone(model, n.entity, note.period.timeZone);
  const issuedOn = localDateOf(n.createdAt, zone);
  const sites = [...new Set([...invoice.draft.sections.map((s) => s.site), ...note.lines.flatMap((l) => (l.site ? [l.site] : []))])];
  return {
    note,
    number: n.number,
    issuedOn,
    ...(note.kind === 'debit' && note.parties ? { dueOn: addDays(issuedOn, note.parties.paymentTermsDays) } : {}),
    invoice: { number: invoice.number, issuedOn: localDateOf(invoice.finalizedAt, zone) },
    ...namesOf(model, { ...n, sites }),
  };
}

export interface DocumentDeps {
  models: ModelSource;
  /** A note's document names the invoice it corrects, with its issue date. */
  store: Pick<BillingStore, 'invoiceByNumber'>;
  /** The seller's logo for the PDFs (the file its details name), or undefined: printed without. */
  logo?: (file: string | undefined) => Promise<Uint8Array | undefined>;
}

/**
 * The renderers of every format. A customer's invoice lists its own points and sums the others' deducted
 * inside its racks (render/redact.ts); a note has no trace (its lines carry amounts and quantities, no points),
 * so its customer's copy is the note itself.
 */
export function documentRenderers(deps: DocumentDeps): { render: RenderInvoice; renderNote: RenderNote } {
  const pdfOptions = async (parties: DraftParties | undefined): Promise<PdfOptions> => {
    const logo = await deps.logo?.(parties?.seller.logo);
    return logo ? { logo } : {};
  };
  const render: RenderInvoice = async (inv, format, audience = 'operator') => {
    const model = deps.models.current().model;
    const full = invoiceDocumentOf(inv, model);
    const doc = audience === 'customer' ? customerDocument(full, billedPointsOf(model, inv.draft)) : full;
    if (format === 'json') return renderInvoiceJson(doc);
    if (format === 'csv') return renderInvoiceCsv(doc);
    if (format === 'ubl') return renderInvoiceUbl(doc);
    return renderInvoicePdf(doc, await pdfOptions(inv.draft.parties));
  };
  const renderNote: RenderNote = async (n, format) => {
    const invoice = await deps.store.invoiceByNumber(n.invoiceNumber);
    if (!invoice) throw new InvoiceNotFoundError(n.invoiceNumber);
    const doc = noteDocumentOf(n, invoice, deps.models.current().model);
    if (format === 'json') return renderNoteJson(doc);
    if (format === 'csv') return renderNoteCsv(doc);
    if (format === 'ubl') return renderNoteUbl(doc);
    return renderNotePdf(doc, await pdfOptions(n.note.parties));
  };
  return { render, renderNote };
}

/** The e-invoice a render makes, or undefined (with the reason) where the document cannot be one; other errors are thrown. */
export async function eInvoiceOf(render: () => Promise<string | Uint8Array>): Promise<{ xml: string } | { unavailable: string }> {
  try {
    const out = await render();
    return { xml: typeof out === 'string' ? out : Buffer.from(out).toString('utf8') };
  } catch (err) {
    if (err instanceof EInvoiceUnavailableError) return { unavailable: err.reason };
    throw err;
  }
}
