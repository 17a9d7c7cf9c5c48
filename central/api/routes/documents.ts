// How the invoice and note routes send a document: the format's content type, an attachment named after the
// document's number with the format's extension (the e-invoice is .xml), and 409 with the reason where a
// document cannot be an e-invoice (a draft; an entity without legal details).
import { EInvoiceUnavailableError } from '../../billing/render/ubl.js';
import { FORMAT_EXTENSIONS, INVOICE_FORMATS, type InvoiceFormat } from '../../billing/run/types.js';
import { ApiError, ERROR_SCHEMA } from '../errors.js';
import type { RouteContext } from '../types.js';

export const CONTENT_TYPES: Readonly<Record<InvoiceFormat, string>> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
  ubl: 'application/xml; charset=utf-8',
};

export const FORMAT_PARAM = {
  type: 'string',
  enum: [...INVOICE_FORMATS],
  description: 'json, csv, pdf, or ubl: the EN 16931 e-invoice (UBL 2.1 XML; 409 where the document cannot be one)',
} as const;

/** The answers a download documents besides the usual ones: 409 where there is no e-invoice. */
export const DOWNLOAD_RESPONSES = { 409: ERROR_SCHEMA } as const;

export async function sendDocument(
  ctx: RouteContext,
  name: string,
  format: InvoiceFormat,
  render: () => Promise<string | Uint8Array>,
): Promise<unknown> {
  let body: string | Uint8Array;
  try {
    body = await render();
  } catch (err) {
    if (err instanceof EInvoiceUnavailableError) throw new ApiError('conflict', err.message, { reason: err.reason });
    throw err;
  }
  return ctx.reply
    .type(CONTENT_TYPES[format])
    .header('content-disposition', `attachment; filename="${name}.${FORMAT_EXTENSIONS[format]}"`)
    .send(typeof body === 'string' ? body : Buffer.from(body));
}
