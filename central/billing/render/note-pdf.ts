// A credit, debit or adjustment note as PDF. Being written: the signature is what the rest codes against.
import type { NoteDocument } from './document.js';
import type { PdfOptions } from './pdf.js';

export async function renderNotePdf(doc: NoteDocument, opts: PdfOptions = {}): Promise<Uint8Array> {
  throw new Error(`note ${doc.number}: PDF ${opts.compress === false ? 'uncompressed ' : ''}not built yet`);
}
