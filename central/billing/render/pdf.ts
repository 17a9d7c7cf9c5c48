// An invoice as PDF (pdfkit, A4, the standard Helvetica fonts, nothing to install). Where the draft has its
// parties' legal details: the seller's logo, seller and buyer blocks, number, issue and due dates, payment
// terms, the period, a section per site with its subtotal, the VAT breakdown per category and rate with
// the reverse-charge or exemption mention, and where to pay with which reference (VAT Directive art. 226,
// the invoicing reference's B1). Drafts made before parties had details print the names as
// they always did. Then the data quality with estimated figures marked, and a trace appendix on the
// following pages. Every page carries the seller's footer and "Page n of m"; a draft says DRAFT across it.
// Parts: pdf-writer.ts (pages), pdf-parties.ts, pdf-lines.ts, pdf-trace.ts; note-pdf.ts shares them.
import { dec } from '../money.js';
import { addDays, localPeriod, sectionTitle, type InvoiceDocument } from './document.js';
import { invoiceLines } from './pdf-lines.js';
import { drawLogo, mentionsBlock, namesFacts, partiesBlock, paymentBlock, paymentTermsText } from './pdf-parties.js';
import { qualityNote, traceAppendix } from './pdf-trace.js';
import { finishPdf, MARGIN, openPdf, WIDTH, type PdfOptions, type Writer } from './pdf-writer.js';
import { vatMentions } from './vat-breakdown.js';

export type { PdfOptions } from './pdf-writer.js';

const NOT_YET = 'not yet: draft';

/** The due date of a final invoice: as given, else its issue date plus the parties' payment terms. */
export function dueDateOf(doc: InvoiceDocument): string | undefined {
  if (!doc.final) return undefined;
  if (doc.final.dueOn !== undefined) return doc.final.dueOn;
  return doc.draft.parties ? addDays(doc.final.issuedOn, doc.draft.parties.paymentTermsDays) : undefined;
}

function header(w: Writer, doc: InvoiceDocument): void {
  const d = doc.draft;
  const period = localPeriod(d);
  w.y += w.text(doc.final ? `Invoice ${doc.final.number}` : 'Invoice draft (not final)', MARGIN, WIDTH, { bold: true, size: 18 }) + 6;
  const sites: [string, string] = [
    d.sections.length === 1 ? 'Site' : 'Sites',
    d.sections.map((s) => sectionTitle(doc, s.site, s.period.timeZone)).join(', '),
  ];
  const periodRow: [string, string] = ['Period', `${period.first} to ${period.last} (${d.period.days} days, local dates)`];
  if (!d.parties) {
    w.facts([
      ...namesFacts(doc, d),
      sites,
      periodRow,
      ['Issued', doc.final?.issuedOn ?? NOT_YET],
      ['Terms', d.versions.join(', ')],
      ['Currency', d.currency],
    ]);
    w.gap(8);
    return;
  }
  w.gap(4);
  partiesBlock(w, d.parties);
  const days = d.parties.paymentTermsDays;
  w.facts(
    [
      ['Invoice number', doc.final?.number ?? NOT_YET],
      ['Issue date', doc.final?.issuedOn ?? NOT_YET],
      ['Due date', dueDateOf(doc) ?? `${days} days after the issue date`],
      ['Payment terms', paymentTermsText(days)],
      periodRow,
      ...namesFacts({ customerName: doc.customerName, customerRef: doc.customerRef }, d),
      sites,
      ['Terms', d.versions.join(', ')],
      ['Currency', d.currency],
    ],
    95,
  );
  w.gap(8);
}

function payment(w: Writer, doc: InvoiceDocument): void {
  const d = doc.draft;
  if (!d.parties || !dec(d.total).isPositive()) return;
  paymentBlock(w, d.parties.seller, {
    heading: 'Payment',
    amount: ['Amount due', `${d.total} ${d.currency}`],
    dueOn: dueDateOf(doc) ?? `${d.parties.paymentTermsDays} days after the issue date`,
    reference: doc.final?.number,
  });
}

export function renderInvoicePdf(doc: InvoiceDocument, opts: PdfOptions = {}): Promise<Buffer> {
  const d = doc.draft;
  const title = doc.final ? `Invoice ${doc.final.number}` : `Invoice draft ${d.customer} ${d.period.label}`;
  const { writer: w, done } = openPdf(
    title,
    { label: title, draft: !doc.final, ...(d.parties?.seller.footer !== undefined ? { footer: d.parties.seller.footer } : {}) },
    opts,
  );
  drawLogo(w, opts.logo);
  header(w, doc);
  invoiceLines(w, doc);
  mentionsBlock(w, vatMentions(d.lines.map((l) => l.vat)));
  payment(w, doc);
  qualityNote(w, d.quality);
  traceAppendix(w, d);
  finishPdf(w);
  return done;
}
