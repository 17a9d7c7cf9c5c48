// What every PDF Joulebook writes shares (invoices and notes): pdfkit on A4 with the standard Helvetica
// fonts (nothing to install), a writer that flows rows down the page and breaks pages where a row would not
// fit, and the finish every page gets once the content is known: the seller's footer, "Page n of m", and a
// DRAFT mark across a document that is not final. Pages are buffered (pdfkit bufferPages) for that last
// pass: the page count is only known at the end.
import PDFDocument from 'pdfkit';
import { zoneClock } from '../../../common/local-time.js';
import { printable } from './pdf-text.js';

export interface PdfOptions {
  /** Deflate the page streams (default true; tests read the text of uncompressed ones). */
  compress?: boolean;
  /**
   * The seller's logo (PNG or JPEG bytes), printed at the top. The caller reads the file the seller's
   * details name (`parties.seller.logo`, see logo.ts readLogo) so rendering stays pure; bytes that are
   * no image pdfkit reads are skipped.
   */
  logo?: Uint8Array;
}

export const MARGIN = 50;
/** The printable width between the margins on A4 (595.28 pt). */
export const WIDTH = 495;
/** Room kept at the foot of every page for the page number, above it the seller's footer. */
const PAGE_NUMBER_ROOM = 18;
const FOOTER_FONT = 7;

export type Doc = InstanceType<typeof PDFDocument>;
export type Align = 'left' | 'right';
export type Column = readonly [x: number, width: number];
export type Cell = [text: string, column: Column, align: Align];

export const FULL: Column = [MARGIN, WIDTH];

/** Regular (false), bold (true) or italic text. */
export type Style = boolean | 'italic';
const fontOf = (s: Style | undefined): string => (s === 'italic' ? 'Helvetica-Oblique' : s ? 'Helvetica-Bold' : 'Helvetica');

/** Local date and minute of an instant in a zone ("2026-10-12 11:00"). */
export function localTime(ms: number, timeZone: string): string {
  const l = zoneClock(timeZone).local(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${l.year}-${p(l.month)}-${p(l.day)} ${p(l.hour)}:${p(l.minute)}`;
}

export class Writer {
  y = MARGIN;
  /** The points at the foot of each page that the content leaves free. */
  readonly footRoom: number;
  constructor(
    readonly doc: Doc,
    readonly finish: PageFinish,
  ) {
    const footer =
      finish.footer === undefined
        ? 0
        : doc.font('Helvetica').fontSize(FOOTER_FONT).heightOfString(printable(finish.footer), { width: WIDTH }) + 4;
    this.footRoom = PAGE_NUMBER_ROOM + footer;
  }
  get bottom(): number {
    return this.doc.page.height - MARGIN - this.footRoom;
  }
  /** A new page when `h` more points would not fit on this one. */
  room(h: number): void {
    if (this.y + h > this.bottom) this.newPage();
  }
  /** Drawn at the top of each page a table breaks onto (its column headings), while the table lasts. */
  continued: (() => void) | undefined;
  newPage(): void {
    this.doc.addPage();
    this.y = MARGIN;
    this.continued?.();
  }
  /** Rows drawn by `body` repeat `head` on every page they break onto. */
  table(head: () => void, body: () => void): void {
    head();
    this.continued = head;
    try {
      body();
    } finally {
      this.continued = undefined;
    }
  }
  /** Writes at the current y without moving it; returns the height the text takes. */
  text(s: string, x: number, width: number, o: { bold?: Style; size?: number; align?: Align } = {}): number {
    const t = printable(s);
    this.doc.font(fontOf(o.bold)).fontSize(o.size ?? 9);
    this.doc.text(t, x, this.y, { width, align: o.align ?? 'left' });
    return this.doc.heightOfString(t, { width });
  }
  /** A title or heading on its own, kept with at least `keep` points of what follows. */
  heading(s: string, o: { size?: number; keep?: number } = {}): void {
    const size = o.size ?? 11;
    this.doc.font('Helvetica-Bold').fontSize(size);
    this.room(this.doc.heightOfString(printable(s), { width: WIDTH }) + (o.keep ?? 30));
    this.y += this.text(s, MARGIN, WIDTH, { bold: true, size }) + 4;
  }
  /** One row of cells side by side, as high as its tallest cell. */
  line(cells: Cell[], bold: Style = false): void {
    this.doc.font(fontOf(bold)).fontSize(9);
    const h = Math.max(...cells.map(([s, [, w]]) => this.doc.heightOfString(printable(s), { width: w })));
    this.room(h + 4);
    for (const [s, [x, w], align] of cells) this.text(s, x, w, { bold, align });
    this.y += h + 4;
  }
  /** Label and value rows: the facts of a header, a payment block. */
  facts(rows: readonly (readonly [string, string])[], labelWidth = 80): void {
    for (const [k, v] of rows)
      this.line([
        [k, [MARGIN, labelWidth], 'left'],
        [v, [MARGIN + labelWidth + 5, WIDTH - labelWidth - 5], 'left'],
      ]);
  }
  /** Paragraphs across the page. */
  paragraphs(list: readonly string[], bold = false): void {
    for (const p of list) this.line([[p, FULL, 'left']], bold);
  }
  gap(h: number): void {
    this.y += h;
  }
  rule(): void {
    this.doc
      .moveTo(MARGIN, this.y)
      .lineTo(MARGIN + WIDTH, this.y)
      .lineWidth(0.5)
      .stroke();
    this.y += 4;
  }
}

/** A new A4 document and the bytes it will have once ended (finishPdf ends it). */
export function openPdf(title: string, finish: PageFinish, opts: PdfOptions): { writer: Writer; done: Promise<Buffer> } {
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: opts.compress ?? true,
    bufferPages: true,
    info: { Title: title, Producer: 'Joulebook', Creator: 'Joulebook' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  return { writer: new Writer(pdf, finish), done };
}

export interface PageFinish {
  /** What the document is, at the left of every page's foot ("Invoice AMS1-2026-000042"). */
  label: string;
  /** The seller's footer (registered office, court of registration), centred above the page number. */
  footer?: string;
  /** Not final: DRAFT across every page. */
  draft?: boolean;
}

/** Footer, page numbers and the draft mark on every page, then the end of the document. */
export function finishPdf(w: Writer): void {
  const { doc, finish: f } = w;
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    // Below the content's bottom margin: without a height pdfkit would start a new page for this text.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const footY = doc.page.height - MARGIN - 12;
    doc.fillColor('#555555').font('Helvetica').fontSize(FOOTER_FONT);
    if (f.footer !== undefined) {
      const footer = printable(f.footer);
      const h = doc.heightOfString(footer, { width: WIDTH });
      doc.text(footer, MARGIN, footY - h - 2, { width: WIDTH, align: 'center', height: h + 2 });
    }
    doc.fontSize(8).text(printable(f.label), MARGIN, footY, { width: WIDTH / 2, lineBreak: false, height: 12 });
    doc.text(`Page ${i + 1} of ${range.count}`, MARGIN + WIDTH / 2, footY, {
      width: WIDTH / 2,
      align: 'right',
      lineBreak: false,
      height: 12,
    });
    if (f.draft) draftMark(doc);
    doc.fillColor('black');
    doc.page.margins.bottom = bottom;
  }
  doc.end();
}

/** DRAFT in large light letters across the page: a draft must never pass for an invoice. */
function draftMark(doc: Doc): void {
  const { width, height } = doc.page;
  doc.save();
  doc.rotate(-35, { origin: [width / 2, height / 2] });
  doc.fillColor('#cc0000').fillOpacity(0.12).font('Helvetica-Bold').fontSize(110);
  doc.text('DRAFT', 0, height / 2 - 55, { width, align: 'center', lineBreak: false, height: 130 });
  doc.restore();
}
