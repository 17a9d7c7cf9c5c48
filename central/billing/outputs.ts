// Where rendered invoices and notes go: files under outputDir/entity/period/<number>.<ext> in every format,
// and the documents the webhook carries. The e-invoice (.xml) is skipped with one warning per document
// where the document cannot be one (a draft; an entity without legal details): no error of the run.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { StoredInvoice, StoredNote } from '../storage/billing/types.js';
import { eInvoiceOf } from './documents.js';
import { FORMAT_EXTENSIONS, INVOICE_FORMATS, type InvoiceFormat, type RenderInvoice, type RenderNote } from './run/types.js';
import type { DocumentSource } from './run/webhook.js';

type RenderOne = (format: InvoiceFormat) => Promise<string | Uint8Array>;

async function writeFiles(dir: string, name: string, one: RenderOne, log: Logger): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const f of INVOICE_FORMATS) {
    let body: string | Uint8Array;
    if (f === 'ubl') {
      const e = await eInvoiceOf(() => one(f));
      if ('unavailable' in e) {
        log.warn({ document: name, reason: e.unavailable }, 'no e-invoice (.xml) written');
        continue;
      }
      body = e.xml;
    } else body = await one(f);
    await writeFile(join(dir, `${name}.${FORMAT_EXTENSIONS[f]}`), body);
  }
}

export interface DocumentFiles {
  invoice(inv: StoredInvoice): Promise<void>;
  note(note: StoredNote): Promise<void>;
}

export function documentFiles(outputDir: string, r: { render: RenderInvoice; renderNote: RenderNote }, log: Logger): DocumentFiles {
  return {
    invoice: (inv) => writeFiles(join(outputDir, inv.entity, inv.period), inv.number ?? `draft-${inv.id}`, (f) => r.render(inv, f), log),
    note: (n) => writeFiles(join(outputDir, n.entity, n.period), n.number, (f) => r.renderNote(n, f), log),
  };
}

const toBytes = (b: string | Uint8Array): Uint8Array => (typeof b === 'string' ? Buffer.from(b) : b);

/** What the webhook carries of each document: its PDF (operators' copy, as the stored files), and its e-invoice where there is one. */
export function webhookDocuments(r: { render: RenderInvoice; renderNote: RenderNote }): DocumentSource {
  return {
    invoice: async (inv) => {
      const e = await eInvoiceOf(() => r.render(inv, 'ubl'));
      return { pdf: toBytes(await r.render(inv, 'pdf')), ubl: 'xml' in e ? e.xml : undefined };
    },
    note: async (n) => {
      const e = await eInvoiceOf(() => r.renderNote(n, 'ubl'));
      return { pdf: toBytes(await r.renderNote(n, 'pdf')), ubl: 'xml' in e ? e.xml : undefined };
    },
  };
}
