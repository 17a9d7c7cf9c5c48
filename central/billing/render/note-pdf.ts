// A credit, debit or adjustment note as PDF: a note corrects a final invoice and is an invoice itself in
// law (VAT Directive art. 219), so it carries what the invoice does (parties, number, issue date, VAT
// breakdown and mentions) and names the invoice it corrects (EN 16931 BT-25/BT-26). Per line: what was
// invoiced, what the recomputation says, and the difference, signed (negative is credited to the customer).
// A debit note says what is due by when and where to pay; a credit note how much is credited. The page
// machinery, parties and mentions are the invoice's (pdf-writer.ts, pdf-parties.ts).
import { dec, formatMoney } from '../money.js';
import type { NoteDraft, NoteLine } from '../types.js';
import { addDays, localPeriod, type NoteDocument } from './document.js';
import { totalRow } from './pdf-lines.js';
import { drawLogo, mentionsBlock, namesFacts, partiesBlock, paymentBlock, paymentTermsText } from './pdf-parties.js';
import { qualityNote } from './pdf-trace.js';
import { finishPdf, FULL, MARGIN, openPdf, WIDTH, type Cell, type PdfOptions, type Writer } from './pdf-writer.js';
import { formatQuantity, quantityWithUnit } from './quantity.js';
import { CATEGORY_NAMES, noteVatBreakdown, vatMentions } from './vat-breakdown.js';

export const NOTE_TITLES: Readonly<Record<NoteDraft['kind'], string>> = {
  credit: 'Credit note',
  debit: 'Debit note',
  adjustment: 'Adjustment note',
};

const COLS = { desc: [MARGIN, 158], qtyWas: [211, 72], qtyNow: [286, 72], was: [361, 58], now: [422, 58], delta: [483, 62] } as const;
const VAT_COLS = {
  label: [MARGIN, 85],
  category: [138, 80],
  rate: [221, 35],
  was: [259, 70],
  now: [332, 70],
  base: [405, 70],
  tax: [478, 67],
} as const;

/** An amount difference as printed: "+12.30", "-12.30", "0.00". */
const signed = (amount: string, currency: string): string => formatQuantity(amount, 'amount', currency, { signed: true });

/** A debit note's due date: as given, else its issue date plus the parties' payment terms. */
export function noteDueDate(doc: NoteDocument): string | undefined {
  if (doc.dueOn !== undefined) return doc.dueOn;
  return doc.note.kind === 'debit' && doc.note.parties ? addDays(doc.issuedOn, doc.note.parties.paymentTermsDays) : undefined;
}

function header(w: Writer, doc: NoteDocument, title: string): void {
  const n = doc.note;
  const period = localPeriod(n);
  w.y += w.text(title, MARGIN, WIDTH, { bold: true, size: 18 }) + 4;
  w.y += w.text(`Corrects invoice ${doc.invoice.number} of ${doc.invoice.issuedOn}`, MARGIN, WIDTH, { bold: true, size: 11 }) + 8;
  if (n.parties) partiesBlock(w, n.parties);
  const due = noteDueDate(doc);
  const debit = n.kind === 'debit';
  w.facts(
    [
      ...(n.parties ? [] : namesFacts(doc, n)),
      ['Note number', doc.number],
      ['Issue date', doc.issuedOn],
      ...(debit && due !== undefined ? [['Due date', due] as [string, string]] : []),
      ...(debit && n.parties ? [['Payment terms', paymentTermsText(n.parties.paymentTermsDays)] as [string, string]] : []),
      ['Invoice corrected', `${doc.invoice.number} of ${doc.invoice.issuedOn}`],
      ['Period', `${period.first} to ${period.last} (${n.period.days} days, local dates)`],
      ...(n.parties ? namesFacts({ customerName: doc.customerName, customerRef: doc.customerRef }, n) : []),
      ['Currency', n.currency],
    ],
    95,
  );
  w.gap(8);
}

/** The lines by site (in the order they come), each site under its name. */
function lineTable(w: Writer, doc: NoteDocument): void {
  const n = doc.note;
  const cur = n.currency;
  const cells = (desc: string, qtyWas: string, qtyNow: string, was: string, now: string, delta: string): Cell[] => [
    [desc, COLS.desc, 'left'],
    [qtyWas, COLS.qtyWas, 'right'],
    [qtyNow, COLS.qtyNow, 'right'],
    [was, COLS.was, 'right'],
    [now, COLS.now, 'right'],
    [delta, COLS.delta, 'right'],
  ];
  const head = () => {
    w.line(cells('Description', 'Quantity was', 'Quantity now', 'Was', 'Now', 'Difference'), true);
    w.rule();
  };
  const row = (l: NoteLine) =>
    w.line(
      cells(
        `${l.description}${l.version !== undefined ? ` (${l.version})` : ''}`,
        quantityWithUnit(l.was.quantity, l.unit, cur),
        quantityWithUnit(l.now.quantity, l.unit, cur),
        l.was.amount,
        l.now.amount,
        signed(l.amountDelta, cur),
      ),
    );
  const lines = n.lines.filter((l) => l.kind !== 'tax');
  const sites = [...new Set(lines.map((l) => l.site))];
  w.table(head, () => {
    // Every site named, even one alone: the invoice corrected may have had several.
    for (const site of sites) {
      if (site !== undefined || sites.length > 1) {
        w.room(40);
        w.line([[site === undefined ? 'Other lines' : (doc.siteNames?.[site] ?? site), FULL, 'left']], true);
      }
      lines.filter((l) => l.site === site).forEach(row);
    }
  });
  w.rule();
  totalRow(w, 'Subtotal difference excl. VAT', signed(n.subtotalDelta, cur), COLS.delta);
  w.gap(6);
}

/** The VAT breakdown's difference: each tax line's base as invoiced and as recomputed, and the tax's difference. */
function vatTable(w: Writer, n: NoteDraft): void {
  const rows = noteVatBreakdown(n.lines, n.currency);
  w.heading('VAT breakdown difference', { size: 10, keep: 13 * (rows.length + 2) });
  const cells = (label: string, category: string, rate: string, was: string, now: string, base: string, tax: string): Cell[] => [
    [label, VAT_COLS.label, 'left'],
    [category, VAT_COLS.category, 'left'],
    [rate, VAT_COLS.rate, 'right'],
    [was, VAT_COLS.was, 'right'],
    [now, VAT_COLS.now, 'right'],
    [base, VAT_COLS.base, 'right'],
    [tax, VAT_COLS.tax, 'right'],
  ];
  w.line(cells('VAT', 'Category', 'Rate', 'Base was', 'Base now', 'Base difference', 'VAT difference'), true);
  for (const r of rows)
    w.line(
      cells(
        r.label,
        r.category ? CATEGORY_NAMES[r.category] : '',
        `${r.ratePct}%`,
        r.baseWas,
        r.baseNow,
        signed(r.baseDelta, n.currency),
        signed(r.taxDelta, n.currency),
      ),
    );
  totalRow(w, 'VAT difference', signed(n.taxDelta, n.currency), VAT_COLS.tax);
  w.rule();
  totalRow(w, `Total difference ${n.currency}`, signed(n.totalDelta, n.currency), VAT_COLS.tax);
  w.gap(10);
}

/** What the note means for the customer's account: pay (debit), credited (credit) or nothing (adjustment). */
function settlement(w: Writer, doc: NoteDocument): void {
  const n = doc.note;
  const total = dec(n.totalDelta);
  if (n.kind === 'debit' && total.isPositive()) {
    const due = noteDueDate(doc);
    if (n.parties) {
      paymentBlock(w, n.parties.seller, {
        heading: 'Payment',
        amount: ['Amount due', `${n.totalDelta} ${n.currency}`],
        dueOn: due ?? `${n.parties.paymentTermsDays} days after the issue date`,
        reference: doc.number,
      });
    } else {
      w.paragraphs([`Amount due: ${n.totalDelta} ${n.currency}${due !== undefined ? ` by ${due}` : ''}.`], true);
      w.gap(6);
    }
  } else if (n.kind === 'credit') {
    w.paragraphs(
      [
        `Amount credited: ${formatMoney(total.abs(), n.currency)} ${n.currency}`,
        `Credited against invoice ${doc.invoice.number}; reference ${doc.number}.`,
      ],
      true,
    );
    w.gap(6);
  } else {
    w.paragraphs(['Total unchanged: the note moves amounts between lines; nothing is due and nothing is credited.'], true);
    w.gap(6);
  }
}

export async function renderNotePdf(doc: NoteDocument, opts: PdfOptions = {}): Promise<Uint8Array> {
  const n = doc.note;
  const title = `${NOTE_TITLES[n.kind]} ${doc.number}`;
  const { writer: w, done } = openPdf(
    title,
    { label: title, ...(n.parties?.seller.footer !== undefined ? { footer: n.parties.seller.footer } : {}) },
    opts,
  );
  drawLogo(w, opts.logo);
  header(w, doc, title);
  lineTable(w, doc);
  vatTable(w, n);
  mentionsBlock(w, vatMentions(n.lines.map((l) => l.vat)));
  settlement(w, doc);
  qualityNote(w, n.quality, { heading: 'Data quality of the recomputation', marked: false });
  finishPdf(w);
  return done;
}
