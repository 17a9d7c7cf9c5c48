// Posts each finalized invoice to the invoicing system: JSON, signed with HMAC-SHA256 over the exact body
// bytes, retried with doubling backoff. A delivery that still fails is reported, never thrown: the invoice
// stays final and the next tick tries again. The receiver deduplicates by the delivery header (the number).
import type { StoredInvoice } from '../../storage/billing/types.js';
import type { DeliverInvoice, DeliveryResult } from './types.js';
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

export interface WebhookDeps {
  sleep: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

/** The JSON the webhook receives. */
export function invoicePayload(inv: StoredInvoice): string {
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
  });
}

export function webhookDelivery(settings: WebhookSettings, deps: WebhookDeps): DeliverInvoice {
  const attempts = settings.attempts ?? 3;
  const backoffMs = settings.backoffMs ?? 2000;
  const timeoutMs = settings.timeoutMs ?? 10_000;
  const post = deps.fetch ?? fetch;
  return async (inv): Promise<DeliveryResult> => {
    const body = invoicePayload(inv);
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
            [DELIVERY_HEADER]: inv.number ?? String(inv.id),
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
