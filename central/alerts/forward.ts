// Alerts from every gateway, forwarded once stored: on the central alert topic for subscribers (a NOC
// dashboard) and to the configured webhooks. A sink decorator: the store decides what is new, so an
// alert message replayed after a reconnect is not forwarded twice. Webhooks are best effort with retries;
// a slow or dead webhook never holds ingest back (its queue is bounded and counted).
import type { Logger } from 'pino';
import type { Alert } from '../../protocol/wire.js';
import { SIGNATURE_HEADER, signBody } from '../../common/signed-body.js';
import type { IngestBatch, IngestSink, StoreResult } from '../ingest/batch.js';
import { doublingDelayMs } from '../../common/backoff.js';

export interface ForwardedAlert {
  site: string;
  gateway: string;
  alert: Alert;
}

export interface Webhook {
  url: string;
  secret?: string;
}

export interface AlertForwarderDeps {
  sink: IngestSink;
  /** Publishes on the central alert topic (the embedded broker or the external client). */
  publish: (payload: string) => Promise<void>;
  webhooks: readonly Webhook[];
  log: Logger;
  fetch?: typeof fetch;
  /** Attempts per webhook delivery, and the first pause between them (doubling). */
  attempts?: number;
  retryMs?: number;
  /** Deliveries waiting; beyond it the oldest are dropped and counted. */
  maxQueued?: number;
}

export class AlertForwarder implements IngestSink {
  readonly counters = { forwarded: 0, published: 0, publishFailed: 0, webhookDelivered: 0, webhookFailed: 0, webhookDropped: 0 };
  private queue: { hook: Webhook; body: string }[] = [];
  private sending = 0;

  constructor(private readonly deps: AlertForwarderDeps) {}

  async store(batches: readonly IngestBatch[]): Promise<StoreResult[]> {
    const results = await this.deps.sink.store(batches);
    batches.forEach((b, i) => {
      if (b.kind !== 'alerts' || results[i]!.inserted === 0) return;
      for (const alert of b.message.alerts) this.forward({ site: b.site, gateway: b.gateway, alert });
    });
    return results;
  }

  /** Waits for webhook deliveries in flight (at shutdown). */
  async drain(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while ((this.sending > 0 || this.queue.length > 0) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  }

  private forward(a: ForwardedAlert): void {
    this.counters.forwarded++;
    const body = JSON.stringify(a);
    this.deps.publish(body).then(
      () => {
        this.counters.published++;
      },
      (err: unknown) => {
        this.counters.publishFailed++;
        this.deps.log.warn({ err }, 'alert not published on the central topic');
      },
    );
    for (const hook of this.deps.webhooks) {
      this.queue.push({ hook, body });
      if (this.queue.length > (this.deps.maxQueued ?? 10_000)) {
        this.queue.shift();
        this.counters.webhookDropped++;
      }
    }
    this.pump();
  }

  private pump(): void {
    while (this.sending < 4 && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.sending++;
      void this.deliver(job.hook, job.body).finally(() => {
        this.sending--;
        this.pump();
      });
    }
  }

  private async deliver(hook: Webhook, body: string): Promise<void> {
    const send = this.deps.fetch ?? fetch;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (hook.secret) headers[SIGNATURE_HEADER] = signBody(hook.secret, body);
    for (let attempt = 1; attempt <= (this.deps.attempts ?? 5); attempt++) {
      try {
        const res = await send(hook.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
        if (res.ok) {
          this.counters.webhookDelivered++;
          return;
        }
        this.deps.log.warn({ url: hook.url, status: res.status, attempt }, 'alert webhook refused');
      } catch (err) {
        this.deps.log.warn({ url: hook.url, err, attempt }, 'alert webhook failed');
      }
      await new Promise((r) => setTimeout(r, doublingDelayMs(this.deps.retryMs ?? 1000, attempt)));
    }
    this.counters.webhookFailed++;
  }
}
