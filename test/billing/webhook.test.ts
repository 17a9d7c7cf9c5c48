// The webhook against a real HTTP server on 127.0.0.1: the signature checks out on the receiver's side,
// the payload carries the invoice's documents, a 500 is retried after the backoff, and a delivery that keeps
// failing leaves the invoice final and is retried on the next tick until it goes through, once. Notes:
// note-webhook.test.ts.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { freePort, quietLog } from '../helpers/env.js';
import { InvoiceRunner } from '../../central/billing/run/runner.js';
import { DELIVERY_HEADER, webhookDelivery, type DocumentSource } from '../../central/billing/run/webhook.js';
import { SIGNATURE_HEADER, signBody, verifySignature } from '../../common/signed-body.js';
import { openSqliteBillingStore } from '../../central/storage/billing/sqlite.js';
import { AMS, recordingOutputs, World } from './world.js';

const SECRET = 'whsec-test-1';
const H = 3_600_000;

/** Documents stood in for (the renderers are tested where they are made, and with notes in note-webhook.test.ts). */
const DOCUMENTS: DocumentSource = {
  invoice: async (inv) => ({
    pdf: Buffer.from(`%PDF-1.7 ${inv.number}`),
    ubl: inv.draft.parties ? `<Invoice>${inv.number}</Invoice>` : undefined,
  }),
  note: async (n) => ({ pdf: Buffer.from(`%PDF-1.7 ${n.number}`), ubl: undefined }),
};

interface Received {
  body: string;
  signed: boolean;
  delivery: string | undefined;
  status: number;
}

async function receiver(t: Test, statuses: () => number): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const status = statuses();
      got.push({
        body,
        signed: verifySignature(SECRET, body, req.headers[SIGNATURE_HEADER] as string | undefined),
        delivery: req.headers[DELIVERY_HEADER] as string | undefined,
        status,
      });
      res.writeHead(status).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${port}/invoices`, got };
}

t.test('signed, retried after a 500 with the backoff, then delivered', async (t) => {
  const codes = [500, 200];
  const { url, got } = await receiver(t, () => codes.shift() ?? 200);
  const sleeps: number[] = [];
  const deliver = webhookDelivery(
    { url, secret: SECRET, attempts: 3, backoffMs: 250 },
    {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      documents: DOCUMENTS,
    },
  );
  const world = new World();
  const [draft] = await world.computeDrafts('ams1', '2026-10', 'acme');
  const inv = {
    id: 1,
    runId: 1,
    entity: 'ams1',
    period: '2026-10',
    customer: 'acme',
    account: 'acme',
    status: 'final' as const,
    number: 'AMS1-2026-000001',
    currency: 'EUR',
    total: draft!.total,
    review: [],
    draft: draft!,
    createdAt: 1,
    finalizedAt: 2,
    release: undefined,
    renderedAt: 3,
    deliveredAt: undefined,
    deliveryAttempts: 0,
    lastDeliveryError: undefined,
  };
  const r = await deliver(inv);
  t.same(r, { ok: true, attempts: 2 });
  t.same(sleeps, [250], 'waited the backoff once');
  t.equal(got.length, 2);
  t.ok(
    got.every((g) => g.signed),
    'the receiver verified the signature of both',
  );
  t.same(
    got.map((g) => g.delivery),
    ['AMS1-2026-000001', 'AMS1-2026-000001'],
    'the delivery id lets it deduplicate',
  );
  const body = JSON.parse(got[1]!.body) as {
    type: string;
    number: string;
    total: string;
    invoice: { lines: unknown[]; trace: unknown[] };
    documents: { pdf: string; ubl: string | null };
  };
  t.match(body, { type: 'invoice.finalized', number: 'AMS1-2026-000001', total: '149.00' });
  t.equal(Buffer.from(body.documents.pdf, 'base64').toString(), '%PDF-1.7 AMS1-2026-000001', 'its PDF travels with it, base64');
  t.equal(body.documents.ubl, null, 'no e-invoice for an invoice without legal details: null');
  t.equal(body.invoice.lines.length, 1);
  t.equal(body.invoice.trace.length, 1, 'the trace travels with it');
  t.notOk(
    verifySignature(SECRET, got[1]!.body, signBody('other-secret', got[1]!.body)),
    'a signature under another secret does not verify',
  );
  t.notOk(verifySignature(SECRET, `${got[1]!.body} `, signBody(SECRET, got[1]!.body)), 'a changed body does not verify');
  t.notOk(verifySignature(SECRET, got[1]!.body, undefined), 'no header does not verify');

  const down = webhookDelivery(
    { url: 'http://127.0.0.1:1/nothing', secret: SECRET, attempts: 3, backoffMs: 100, timeoutMs: 2000 },
    {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      documents: DOCUMENTS,
    },
  );
  const failed = await down(inv);
  t.match(failed, { ok: false, attempts: 3 });
  t.ok(failed.error && failed.error.length > 0, `a refused connection is an error: ${failed.error}`);
  t.same(sleeps.slice(1), [100, 200], 'doubling backoff');

  const unrendered = webhookDelivery(
    { url, secret: SECRET },
    {
      sleep: async () => undefined,
      documents: {
        ...DOCUMENTS,
        invoice: async () => {
          throw new Error('PDF font missing');
        },
      },
    },
  );
  const before = got.length;
  t.same(
    await unrendered(inv),
    { ok: false, attempts: 0, error: 'documents not rendered: PDF font missing' },
    'documents that fail to render fail the delivery (tried again next tick), and nothing is posted',
  );
  t.equal(got.length, before);
});

t.test('a failing webhook does not undo the invoice; the next tick delivers it, once', async (t) => {
  let up = false;
  const { url, got } = await receiver(t, () => (up ? 200 : 500));
  const clock = {
    t: Date.UTC(2026, 10, 1, 6),
    now() {
      return this.t;
    },
  };
  const store = openSqliteBillingStore({ file: join(mkdtempSync(join(tmpdir(), 'jb-hook-')), 'c.db'), log: quietLog, now: () => clock.t });
  t.teardown(() => store.close());
  const world = new World();
  const runner = new InvoiceRunner({
    store,
    computeDrafts: world.computeDrafts,
    outputs: recordingOutputs(),
    clock,
    log: quietLog,
    owner: 'node-a',
    entities: [{ ...AMS, since: '2026-09' }],
    settings: { graceMs: 6 * H, minMeasuredShare: 0.999, recheckMonths: 0 },
    deliver: webhookDelivery(
      { url, secret: SECRET, attempts: 2, backoffMs: 10 },
      { sleep: (ms) => new Promise((r) => setTimeout(r, ms)), documents: DOCUMENTS },
    ),
  });
  const first = await runner.tick();
  t.same(
    first.runs.map((r) => [r.period, r.finalized.length, r.undelivered]),
    [
      ['2026-09', 2, 2],
      ['2026-10', 2, 2],
    ],
    'both months invoiced although the webhook fails',
  );
  t.equal(got.length, 8, 'two tries for each of four invoices');
  const finals = await store.invoices({ status: 'final' });
  t.equal(finals.length, 4);
  t.ok(finals.every((i) => i.deliveredAt === undefined && i.deliveryAttempts === 1 && i.lastDeliveryError === 'HTTP 500'));
  t.same(
    (await store.runs()).map((r) => r.state),
    ['finalized', 'finalized'],
    'not complete while deliveries are pending',
  );
  up = true;
  clock.t += H;
  const second = await runner.tick();
  t.same(
    second.runs.map((r) => [r.period, r.actions]),
    [
      ['2026-09', ['deliver', 'done']],
      ['2026-10', ['deliver', 'done']],
    ],
  );
  t.equal(got.length, 12, 'one more post per invoice');
  t.same(
    got.slice(8).map((g) => [g.delivery, g.signed]),
    finals.map((i) => [i.number, true]),
  );
  t.same(
    (await store.runs()).map((r) => r.state),
    ['complete', 'complete'],
  );
  t.same((await runner.tick()).runs, [], 'nothing more to do');
  t.equal(got.length, 12, 'delivered once each');
});
