// The seller's logo on its PDFs. The seller's details name a PNG or JPEG file (`logo`, relative to the
// inventory file); the caller reads it with readLogo and hands the bytes to the renderer
// (`renderInvoicePdf(doc, { logo })`), so rendering stays pure and a stored invoice re-renders the same way
// from the same bytes. A logo that is missing, unreadable or not an image is skipped: an invoice is never
// refused for its decoration.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The logo's bytes, or undefined (with the reason to `warn`, once) when there is no file to read. `file`
 * is `parties.seller.logo`; a relative path is resolved against `baseDir` (the inventory file's folder).
 */
export async function readLogo(
  file: string | undefined,
  o: { baseDir?: string; warn?: (message: string) => void } = {},
): Promise<Uint8Array | undefined> {
  if (file === undefined) return undefined;
  const path = isAbsolute(file) || o.baseDir === undefined ? file : resolve(o.baseDir, file);
  try {
    const bytes = await readFile(path);
    if (logoImage(bytes) === undefined) {
      o.warn?.(`logo ${path}: not a PNG or JPEG image; the PDF is printed without it`);
      return undefined;
    }
    return bytes;
  } catch (err) {
    o.warn?.(`logo ${path}: ${(err as Error).message}; the PDF is printed without it`);
    return undefined;
  }
}

/** PNG chunks' image data (IDAT), concatenated; undefined when the chunk structure is broken. */
function pngData(b: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = PNG_SIGNATURE.length;
  while (at + 8 <= b.length) {
    const length = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    if (at + 12 + length > b.length) return undefined;
    if (type === 'IDAT') parts.push(b.subarray(at + 8, at + 8 + length));
    if (type === 'IEND') return parts.length > 0 ? Buffer.concat(parts) : undefined;
    at += 12 + length;
  }
  return undefined;
}

/**
 * The bytes as pdfkit will embed them, or undefined when they are not a PNG or JPEG it can. A PNG's image
 * data is inflated here first: pdfkit inflates some PNGs (those with transparency) in a callback where a
 * corrupt stream would throw past every try and end the process. Pure.
 */
export function logoImage(bytes: Uint8Array | undefined): Buffer | undefined {
  if (bytes === undefined) return undefined;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return b;
  if (!b.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) return undefined;
  const data = pngData(b);
  if (data === undefined) return undefined;
  try {
    inflateSync(data);
  } catch {
    return undefined;
  }
  return b;
}
