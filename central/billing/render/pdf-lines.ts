// An invoice's lines as the PDF prints them: one section per site with its local month and subtotal,
// quantities in their unit's fixed decimals, each line's VAT rate where the draft carries it, then the
// subtotal, the VAT breakdown per category and rate (base, rate, tax; art. 226 (8)–(10)) and the total.
// Drafts made before lines had a VAT category print their tax lines among the lines, as they always did.
import type { InvoiceLine, LineVat } from '../types.js';
import { prorateLabel, sectionTitle, localPeriod, type InvoiceDocument } from './document.js';
import { FULL, MARGIN, type Cell, type Column, type Writer } from './pdf-writer.js';
import { quantityWithUnit } from './quantity.js';
import { CATEGORY_NAMES, vatBreakdown, type VatRow } from './vat-breakdown.js';

interface LineColumns {
  desc: Column;
  /** Drafts without VAT categories print each line's terms in a column; the others under a heading per terms. */
  version?: Column;
  qty: Column;
  price: Column;
  vat?: Column;
  amount: Column;
}

/** The columns of drafts without VAT categories, as they have always printed. */
const NAMES_ONLY: LineColumns = { desc: [MARGIN, 215], version: [270, 70], qty: [345, 75], price: [425, 55], amount: [485, 60] };
/** A contract's terms are named long ("kestrel-colo/2026+ams2-2026"): a heading over their lines, not a narrow column. */
const WITH_VAT: LineColumns = { desc: [MARGIN, 240], qty: [295, 85], price: [385, 55], vat: [443, 42], amount: [488, 57] };

/** A line's VAT as its column prints it: "21%" at a standard rate, "0% AE" for the others. */
export function vatCell(v: LineVat | undefined): string {
  if (!v) return '';
  return v.category === 'S' ? `${v.ratePct}%` : `${v.ratePct}% ${v.category}`;
}

const estimatedMark = (l: InvoiceLine): string => (l.energy && l.energy.estimatedKwh > 0.0005 ? ' *' : '');

/** The label and amount of a total row at the foot of a table. */
export function totalRow(w: Writer, label: string, amount: string, amountColumn: Column): void {
  w.line(
    [
      [label, [MARGIN, amountColumn[0] - MARGIN - 5], 'left'],
      [amount, amountColumn, 'right'],
    ],
    true,
  );
}

export function invoiceLines(w: Writer, doc: InvoiceDocument): void {
  const d = doc.draft;
  const withVat = d.lines.some((l) => l.vat !== undefined);
  const C = withVat ? WITH_VAT : NAMES_ONLY;
  const cells = (desc: string, version: string, qty: string, price: string, vat: string, amount: string): Cell[] => [
    [desc, C.desc, 'left'],
    ...(C.version ? [[version, C.version, 'left'] as Cell] : []),
    [qty, C.qty, 'right'],
    [price, C.price, 'right'],
    ...(C.vat ? [[vat, C.vat, 'right'] as Cell] : []),
    [amount, C.amount, 'right'],
  ];
  let section: string | undefined;
  const head = () => {
    w.line(cells('Description', 'Terms', 'Quantity', 'Unit price', 'VAT', 'Amount'), true);
    w.rule();
    if (section !== undefined) w.line([[`${section} (continued)`, FULL, 'left']], true);
  };
  let terms: string | undefined;
  const row = (l: InvoiceLine) => {
    if (!C.version && l.version !== undefined && l.version !== terms) {
      w.room(30);
      w.line([[`Terms ${l.version}`, FULL, 'left']], 'italic');
    }
    terms = l.version;
    const prorate = l.prorate ? ` (${prorateLabel(l.prorate)})` : '';
    const qty = quantityWithUnit(l.quantity, l.unit, d.currency);
    w.line(cells(`${l.description}${prorate}${estimatedMark(l)}`, l.version ?? '', qty, l.unitPrice, vatCell(l.vat), l.amount));
  };
  // One section per site when the invoice covers several, each with its own local month and subtotal.
  w.table(head, () => {
    for (const s of d.sections) {
      if (d.sections.length > 1) {
        const p = localPeriod(s);
        w.room(40);
        w.line([[`${sectionTitle(doc, s.site, s.period.timeZone)}, ${p.first} to ${p.last}`, FULL, 'left']], true);
        section = doc.siteNames?.[s.site] ?? s.site;
      }
      terms = undefined;
      d.lines.filter((l) => l.kind !== 'tax' && (l.site ?? s.site) === s.site).forEach(row);
      if (d.sections.length > 1) totalRow(w, `Subtotal ${doc.siteNames?.[s.site] ?? s.site}`, s.subtotal, C.amount);
      section = undefined;
    }
  });
  w.rule();
  if (!withVat) {
    totalRow(w, 'Subtotal', d.subtotal, C.amount);
    d.lines.filter((l) => l.kind === 'tax').forEach(row);
    totalRow(w, 'Taxes', d.taxTotal, C.amount);
  } else {
    totalRow(w, 'Subtotal excl. VAT', d.subtotal, C.amount);
    w.gap(6);
    vatTable(w, vatBreakdown(d.lines, d.currency), d.taxTotal);
  }
  w.rule();
  totalRow(w, `Total ${d.currency}`, d.total, C.amount);
  w.gap(10);
}

const VAT_COLS = { label: [MARGIN, 130], category: [185, 115], rate: [300, 50], base: [355, 100], tax: [460, 85] } as const;

/** The VAT breakdown: per category and rate, the taxable amount, the rate and the VAT. */
function vatTable(w: Writer, rows: readonly VatRow[], taxTotal: string): void {
  w.heading('VAT breakdown', { size: 10, keep: 13 * (rows.length + 2) });
  const cells = (label: string, category: string, rate: string, base: string, tax: string): Cell[] => [
    [label, VAT_COLS.label, 'left'],
    [category, VAT_COLS.category, 'left'],
    [rate, VAT_COLS.rate, 'right'],
    [base, VAT_COLS.base, 'right'],
    [tax, VAT_COLS.tax, 'right'],
  ];
  w.line(cells('VAT', 'Category', 'Rate', 'Taxable amount', 'VAT amount'), true);
  for (const r of rows) w.line(cells(r.label, r.category ? CATEGORY_NAMES[r.category] : '', `${r.ratePct}%`, r.base, r.tax));
  totalRow(w, 'Total VAT', taxTotal, VAT_COLS.tax);
}
