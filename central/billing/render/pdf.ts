// An invoice as PDF (pdfkit, A4, the standard Helvetica fonts, nothing to install): customer, site, the
// period in local dates, the lines, taxes and total, the data quality with estimated figures marked, and
// a trace appendix (each point's counters at the start and end, epochs crossed, the energy of others'
// equipment inside the customer's points deducted) on the following pages.
import PDFDocument from 'pdfkit';
import { zoneClock } from '../../../common/local-time.js';
import type { InvoiceDraft, InvoiceLine } from '../invoice.js';
import { localPeriod, prorateLabel, sectionTitle, versionDeductedKwh, type InvoiceDocument } from './document.js';
import { OTHERS_DEDUCTED_LABEL } from './redact.js';

export interface PdfOptions {
  /** Deflate the page streams (default true; tests read the text of uncompressed ones). */
  compress?: boolean;
}

const MARGIN = 50;
const COLS = { desc: [MARGIN, 215], version: [270, 70], qty: [345, 75], price: [425, 55], amount: [485, 60] } as const;

type Doc = InstanceType<typeof PDFDocument>;

function localTime(ms: number, timeZone: string): string {
  const l = zoneClock(timeZone).local(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${l.year}-${p(l.month)}-${p(l.day)} ${p(l.hour)}:${p(l.minute)}`;
}

class Writer {
  y = MARGIN;
  constructor(readonly doc: Doc) {}
  get bottom(): number {
    return this.doc.page.height - MARGIN;
  }
  room(h: number): void {
    if (this.y + h > this.bottom) {
      this.doc.addPage();
      this.y = MARGIN;
    }
  }
  text(s: string, x: number, width: number, o: { bold?: boolean; size?: number; align?: 'left' | 'right' } = {}): number {
    this.doc.font(o.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(o.size ?? 9);
    this.doc.text(s, x, this.y, { width, align: o.align ?? 'left' });
    return this.doc.heightOfString(s, { width });
  }
  line(cells: [string, readonly [number, number], 'left' | 'right'][], bold = false): void {
    this.doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    const h = Math.max(...cells.map(([s, [, w]]) => this.doc.heightOfString(s, { width: w })));
    this.room(h + 4);
    for (const [s, [x, w], align] of cells) this.text(s, x, w, { bold, align });
    this.y += h + 4;
  }
  gap(h: number): void {
    this.y += h;
  }
  rule(): void {
    this.doc
      .moveTo(MARGIN, this.y)
      .lineTo(this.doc.page.width - MARGIN, this.y)
      .lineWidth(0.5)
      .stroke();
    this.y += 4;
  }
}

const estimatedMark = (l: InvoiceLine): string => (l.energy && l.energy.estimatedKwh > 0.0005 ? ' *' : '');

function header(w: Writer, doc: InvoiceDocument): void {
  const d = doc.draft;
  const period = localPeriod(d);
  w.y += w.text(doc.final ? `Invoice ${doc.final.number}` : 'Invoice draft (not final)', MARGIN, 495, { bold: true, size: 18 }) + 6;
  const facts: [string, string][] = [
    ...(doc.entityName !== undefined ? [['Issued by', doc.entityName] as [string, string]] : []),
    ['Customer', `${doc.customerName ?? d.customer}${doc.customerRef ? ` (${doc.customerRef})` : ''}`],
    ...(doc.accountName !== undefined ? [['Billed to', `${doc.accountName} (account ${d.account})`] as [string, string]] : []),
    [d.sections.length === 1 ? 'Site' : 'Sites', d.sections.map((s) => sectionTitle(doc, s.site, s.period.timeZone)).join(', ')],
    ['Period', `${period.first} to ${period.last} (${d.period.days} days, local dates)`],
    ['Issued', doc.final?.issuedOn ?? 'not yet: draft'],
    ['Terms', d.versions.join(', ')],
    ['Currency', d.currency],
  ];
  for (const [k, v] of facts)
    w.line([
      [k, [MARGIN, 80], 'left'],
      [v, [135, 410], 'left'],
    ]);
  w.gap(8);
}

function lines(w: Writer, doc: InvoiceDocument): void {
  const d = doc.draft;
  w.line(
    [
      ['Description', COLS.desc, 'left'],
      ['Terms', COLS.version, 'left'],
      ['Quantity', COLS.qty, 'right'],
      ['Unit price', COLS.price, 'right'],
      ['Amount', COLS.amount, 'right'],
    ],
    true,
  );
  w.rule();
  const row = (l: InvoiceLine) => {
    const prorate = l.prorate ? ` (${prorateLabel(l.prorate)})` : '';
    w.line([
      [`${l.description}${prorate}${estimatedMark(l)}`, COLS.desc, 'left'],
      [l.version ?? '', COLS.version, 'left'],
      [`${l.quantity} ${l.unit === 'amount' ? '' : l.unit}`.trim(), COLS.qty, 'right'],
      [l.unitPrice, COLS.price, 'right'],
      [l.amount, COLS.amount, 'right'],
    ]);
  };
  // One section per site when the invoice covers several, each with its own local month and subtotal.
  for (const s of d.sections) {
    if (d.sections.length > 1) {
      const p = localPeriod(s);
      w.line([[`${sectionTitle(doc, s.site, s.period.timeZone)}, ${p.first} to ${p.last}`, [MARGIN, 495], 'left']], true);
    }
    d.lines.filter((l) => l.kind !== 'tax' && (l.site ?? s.site) === s.site).forEach(row);
    if (d.sections.length > 1)
      w.line(
        [
          [`Subtotal ${doc.siteNames?.[s.site] ?? s.site}`, COLS.desc, 'left'],
          [s.subtotal, COLS.amount, 'right'],
        ],
        true,
      );
  }
  w.rule();
  w.line(
    [
      ['Subtotal', COLS.desc, 'left'],
      [d.subtotal, COLS.amount, 'right'],
    ],
    true,
  );
  d.lines.filter((l) => l.kind === 'tax').forEach(row);
  w.line(
    [
      ['Taxes', COLS.desc, 'left'],
      [d.taxTotal, COLS.amount, 'right'],
    ],
    true,
  );
  w.rule();
  w.line(
    [
      [`Total ${d.currency}`, COLS.desc, 'left'],
      [d.total, COLS.amount, 'right'],
    ],
    true,
  );
  w.gap(10);
}

function quality(w: Writer, d: InvoiceDraft): void {
  const q = d.quality;
  w.line([['Data quality', [MARGIN, 495], 'left']], true);
  const facts = [
    `Energy ${q.kWh.toFixed(3)} kWh: measured ${q.measuredKwh.toFixed(3)} kWh (of which interpolated at a boundary ${q.interpolatedKwh.toFixed(3)}), estimated ${q.estimatedKwh.toFixed(3)} kWh.`,
    `Measured share ${(q.measuredShare * 100).toFixed(2)}%; ${q.estimatedBoundaries} estimated boundary counter(s); ${q.anomalies} anomaly(ies).`,
    '* The line includes estimated energy (a gap in the readings, or the time between an old and a new meter); see the trace.',
  ];
  for (const f of facts) w.line([[f, [MARGIN, 495], 'left']]);
}

function appendix(w: Writer, d: InvoiceDraft): void {
  w.doc.addPage();
  w.y = MARGIN;
  w.y += w.text('Trace: counters behind every energy line', MARGIN, 495, { bold: true, size: 13 }) + 6;
  for (const v of d.trace) {
    const tz = d.sections.find((s) => s.site === v.site)?.period.timeZone ?? d.period.timeZone;
    const where = d.sections.length > 1 && v.site !== undefined ? `${v.site}, ` : '';
    w.line([[`${where}terms ${v.version}: ${localTime(v.fromMs, tz)} to ${localTime(v.toMs, tz)}`, [MARGIN, 495], 'left']], true);
    for (const p of v.points) {
      w.line([[`${p.pointId}  (${p.seriesId})${p.deducted ? "  another customer's, deducted" : ''}`, [MARGIN + 8, 487], 'left']], true);
      for (const piece of p.pieces) {
        const b = (x: typeof piece.start) =>
          `${x.valueKwh === undefined ? 'none' : x.valueKwh.toFixed(3)} kWh ${x.method}${x.estimated ? ' (estimated)' : ''}`;
        w.line([
          [
            `${localTime(piece.fromMs, tz)}  ${b(piece.start)}   ->   ${localTime(piece.toMs, tz)}  ${b(piece.end)}`,
            [MARGIN + 16, 479],
            'left',
          ],
        ]);
      }
      for (const e of p.events) {
        w.line([
          [
            `${e.reason}: ${e.old.valueKwh.toFixed(3)} kWh at ${localTime(e.old.ts, tz)}${e.old.serial ? ` (${e.old.serial})` : ''} then ${e.new.valueKwh.toFixed(3)} kWh at ${localTime(e.new.ts, tz)}${e.new.serial ? ` (${e.new.serial})` : ''}; between ${e.shareKwh.toFixed(3)} kWh${e.estimated ? ' estimated' : ''}`,
            [MARGIN + 16, 479],
            'left',
          ],
        ]);
      }
      for (const a of p.anomalies)
        w.line([[`anomaly: ${a.kind} ${localTime(a.fromMs, tz)} to ${localTime(a.toMs, tz)}`, [MARGIN + 16, 479], 'left']]);
    }
    const deducted = versionDeductedKwh(d, v.site, v.version);
    if (deducted !== undefined)
      w.line(
        [[`${OTHERS_DEDUCTED_LABEL}: ${(deducted + 0).toFixed(3)} kWh (deducted from the energy above)`, [MARGIN + 8, 487], 'left']],
        true,
      );
    w.gap(6);
  }
}

export function renderInvoicePdf(doc: InvoiceDocument, opts: PdfOptions = {}): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: opts.compress ?? true,
    info: {
      Title: doc.final ? `Invoice ${doc.final.number}` : `Invoice draft ${doc.draft.customer} ${doc.draft.period.label}`,
      Producer: 'Joulebook',
      Creator: 'Joulebook',
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const w = new Writer(pdf);
  header(w, doc);
  lines(w, doc);
  quality(w, doc.draft);
  appendix(w, doc.draft);
  pdf.end();
  return done;
}
