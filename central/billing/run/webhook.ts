// Posts each finalized invoice and each issued note to the invoicing system: JSON, signed with HMAC-SHA256
// over the exact body bytes, retried with doubling backoff. A delivery that still fails is reported, never
// thrown: the invoice or note stays as it is and the next tick tries again. The receiver deduplicates by the
// delivery header (the invoice's or the note's number). Each payload carries the document's PDF (base64)
// and its e-invoice (UBL XML, or null where the document cannot be one), rendered once per delivery.
import type { StoredInvoice, StoredNote } from '../../storage/billing/types.js';
import type { DeliverInvoice, DeliverNote, DeliveryResult } from './types.js';
import { doublingDelayMs } from '../../../common/backoff.js';
import { SIGNATURE_HEADER, signBody } from '../../../common/signed-body.js';

export const DELIVERY_HEADER = 'x-joulebook-delivery';

export interface WebhookSettings {
  url: string;
  secret: string;
  /** Tries per delivery within one tick (default 3). */
  attempts?: number;
  /** Wait before the second try; doubles each time (default 2000). */
  backoffMs?: number;
  /** Per request (default 10000). */
  timeoutMs?: number;
}

/** The documents a payload carries: the PDF, and the UBL e-invoice or undefined where there is none. */
export interface WebhookDocuments {
  pdf: Uint8Array;
  ubl: string | undefined;
}

/** Renders the documents of an invoice or a note for its payload; a failure fails the delivery (tried again next tick). */
export interface DocumentSource {
  invoice(invoice: StoredInvoice): Promise<WebhookDocuments>;
  note(note: StoredNote): Promise<WebhookDocuments>;
}

export interface WebhookDeps {
  sleep: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  documents: DocumentSource;
}

const documentsJson = (d: WebhookDocuments) => ({ pdf: Buffer.from(d.pdf).toString('base64'), ubl: d.ubl ?? null });

/** The JSON the webhook receives for an invoice. */
export function invoicePayload(inv: StoredInvoice, documents: WebhookDocuments): string {
  return JSON.stringify({
    type: 'invoice.finalized',
    number: inv.number,
    entity: inv.entity,
    sites: inv.draft.sections.map((s) => s.site),
    period: inv.period,
    customer: inv.customer,
    account: inv.account,
    currency: inv.currency,
    total: inv.draft.total,
    finalizedAt: inv.finalizedAt,
    release: inv.release,
    invoice: inv.draft,
    documents: documentsJson(documents),
  });
}

/** The JSON the webhook receives for a credit, debit or adjustment note. */
export function notePayload(n: StoredNote, documents: WebhookDocuments): string {
  return JSON.stringify({
    type: 'note.issued',
    kind: n.kind,
    number: n.number,
    invoiceNumber: n.invoiceNumber,
    entity: n.entity,
    period: n.period,
    customer: n.customer,
    account: n.account,
    currency: n.currency,
    totalDelta: n.totalDelta,
    issuedAt: n.createdAt,
    note: n.note,
    documents: documentsJson(documents),
  });
}

/** Posts one body, signed, with the tries and backoff of the settings. */
function poster(settings: WebhookSettings, deps: WebhookDeps) {
  const attempts = settings.attempts ?? 3;
  const backoffMs = settings.backoffMs ?? 2000;
  const timeoutMs = settings.timeoutMs ?? 10_000;
  const post = deps.fetch ?? fetch;
  return async (body: string, delivery: string): Promise<DeliveryResult> => {
    let error = 'not tried';
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await deps.sleep(doublingDelayMs(backoffMs, i));
      try {
        const res = await post(settings.url, {
          method: 'POST',
          body,
          signal: AbortSignal.timeout(timeoutMs),
          headers: {
            'content-type': 'application/json',
            [SIGNATURE_HEADER]: signBody(settings.secret, body),
            [DELIVERY_HEADER]: delivery,
          },
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return { ok: true, attempts: i + 1 };
        error = `HTTP ${res.status}`;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
    }
    return { ok: false, attempts, error };
  };
}

/** A payload whose documents could not be rendered is not sent: the delivery fails without a try. */
async function withDocuments(make: () => Promise<string>, send: (body: string) => Promise<DeliveryResult>): Promise<DeliveryResult> {
  let body: string;
  try {
    body = await make();
  } catch (err) {
    return { ok: false, attempts: 0, error: `documents not rendered: ${err instanceof Error ? err.message : String(err)}` };
  }
  return send(body);
}

export function webhookDelivery(settings: WebhookSettings, deps: WebhookDeps): DeliverInvoice {
  const send = poster(settings, deps);
  return (inv) =>
    withDocuments(
      async () => invoicePayload(inv, await deps.documents.invoice(inv)),
      (body) => send(body, inv.number ?? String(inv.id)),
    );
}

export function noteWebhookDelivery(settings: WebhookSettings, deps: WebhookDeps): DeliverNote {
  const send = poster(settings, deps);
  return (n) =>
    withDocuments(
      async () => notePayload(n, await deps.documents.note(n)),
      (body) => send(body, n.number),
    );
}
