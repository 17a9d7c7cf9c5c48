// The text of a PDF as pdfkit writes it, without outside tools: every Flate stream inflated, the hex
// strings of its TJ arrays decoded (the standard fonts' WinAnsi is Latin-1 for the text we write). One
// line per TJ array; good enough to tell whether a string is in the document or not. And, where poppler-utils
// is installed, the text of each page as pdftotext reads it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

const TJ = /\[([^\]]*)\]\s*TJ/g;
const HEX = /<([0-9a-fA-F]*)>/g;

function textOf(content: string): string[] {
  return [...content.matchAll(TJ)].map((m) => [...m[1]!.matchAll(HEX)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''));
}

export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const out: string[] = [];
  let at = 0;
  for (;;) {
    const start = raw.indexOf('stream', at);
    if (start < 0) break;
    const body = raw[start + 6] === '\r' ? start + 8 : start + 7;
    const end = raw.indexOf('endstream', body);
    if (end < 0) break;
    const dict = raw.slice(Math.max(0, raw.lastIndexOf('<<', start)), start);
    const bytes = pdf.subarray(body, end);
    let content: string;
    try {
      content = dict.includes('/FlateDecode') ? inflateSync(bytes).toString('latin1') : bytes.toString('latin1');
    } catch {
      content = ''; // not a content stream we can read (an image, say)
    }
    out.push(...textOf(content));
    at = end + 9;
  }
  return out.join('\n');
}

/** pdftotext (poppler-utils) is on this machine: the PDF tests read what a PDF reader reads with it. */
export const hasPdftotext = (): boolean => spawnSync('pdftotext', ['-v'], { stdio: 'ignore' }).error === undefined;

/**
 * The text of each page as pdftotext reads it, whitespace collapsed to single spaces so a phrase matches
 * however the page wrapped it. By default in its reading order (side-by-side blocks one after the other,
 * but a table column by column); `layout`: as laid out (a table row by row, side-by-side blocks line by line).
 */
export function pdftotextPages(pdf: Uint8Array, o: { layout?: boolean } = {}): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'jb-pdftotext-')), 'doc.pdf');
  writeFileSync(file, pdf);
  const out = spawnSync('pdftotext', ['-enc', 'UTF-8', ...(o.layout ? ['-layout'] : []), file, '-'], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`pdftotext failed: ${out.stderr}`);
  // Pages end with a form feed; the last one is followed by nothing.
  return out.stdout
    .split('\f')
    .slice(0, -1)
    .map((p) => p.replace(/\s+/g, ' ').trim());
}
