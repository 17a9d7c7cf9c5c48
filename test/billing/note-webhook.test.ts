// Late data after finalizing becomes a note, and the note goes where invoices go: against a real HTTP
// receiver on 127.0.0.1 it is posted signed under the webhook's secret with the note's number as the
// delivery id, retried after the backoff when the receiver fails, retried on the next tick when it keeps
// failing, and delivered once; its delivery state is kept in the store. With the real renderers the files
// land in outputDir/entity/period/<note number>.{json,csv,pdf,xml} and the payload carries the note's PDF
// and UBL credit note.
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { documentRenderers } from '../../central/billing/documents.js';
import { documentFiles, webhookDocuments } from '../../central/billing/outputs.js';
import { InvoiceRunner } from '../../central/billing/run/runner.js';
import type { InvoiceOutputs } from '../../central/billing/run/types.js';
import { DELIVERY_HEADER, noteWebhookDelivery, webhookDelivery, type DocumentSource } from '../../central/billing/run/webhook.js';
import { fixedModel } from '../../central/model/holder.js';
import { openSqliteBillingStore } from '../../central/storage/billing/sqlite.js';
import { SIGNATURE_HEADER, verifySignature } from '../../common/signed-body.js';
import { freePort, quietLog } from '../helpers/env.js';
import { pdfText } from '../helpers/pdf.js';
import { AMS, recordingOutputs, World, worldModel, worldParties } from './world.js';

const SECRET = 'whsec-notes-1';
const H = 3_600_000;

interface Received {
  body: string;
  signed: boolean;
  delivery: string | undefined;
  status: number;
}

/** A receiver whose answer to each post is `status(delivery id)`. */
async function receiver(t: Test, status: (delivery: string) => number): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const delivery = req.headers[DELIVERY_HEADER] as string | undefined;
      const code = status(delivery ?? '');
      got.push({
        body,
        signed: verifySignature(SECRET, body, req.headers[SIGNATURE_HEADER] as string | undefined),
        delivery,
        status: code,
      });
      res.writeHead(code).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${port}/billing`, got };
}

function setup(
  t: Test,
  opts: { url: string; documents?: DocumentSource; outputs?: (r: ReturnType<typeof documentRenderers>) => InvoiceOutputs },
) {
  const clock = {
    t: Date.UTC(2026, 10, 1, 6),
    now() {
      return this.t;
    },
  };
  const store = openSqliteBillingStore({
    file: join(mkdtempSync(join(tmpdir(), 'jb-note-hook-')), 'c.db'),
    log: quietLog,
    now: () => clock.t,
  });
  t.teardown(() => store.close());
  const world = new World();
  world.parties = worldParties;
  const renderers = documentRenderers({ models: fixedModel(worldModel()), store });
  const hook = {
    settings: { url: opts.url, secret: SECRET, attempts: 2, backoffMs: 10 },
    deps: { sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)), documents: opts.documents ?? webhookDocuments(renderers) },
  };
  const runner = new InvoiceRunner({
    store,
    computeDrafts: world.computeDrafts,
    outputs: opts.outputs ? opts.outputs(renderers) : recordingOutputs(),
    clock,
    log: quietLog,
    owner: 'node-a',
    entities: [{ ...AMS, since: '2026-10' }],
    settings: { graceMs: 6 * H, minMeasuredShare: 0.999, recheckMonths: 1 },
    deliver: webhookDelivery(hook.settings, hook.deps),
    deliverNote: noteWebhookDelivery(hook.settings, hook.deps),
  });
  return { clock, store, world, runner };
}

const STAND_IN: DocumentSource = {
  invoice: async (inv) => ({ pdf: Buffer.from(`%PDF-1.7 ${inv.number}`), ubl: `<Invoice>${inv.number}</Invoice>` }),
  note: async (n) => ({ pdf: Buffer.from(`%PDF-1.7 ${n.number}`), ubl: `<CreditNote>${n.number}</CreditNote>` }),
};

t.test('a note is delivered signed, retried within the tick, then on the next tick until it goes through, once', async (t) => {
  const failing = new Map<string, number>(); // delivery id -> posts still to refuse
  let down = false;
  const { url, got } = await receiver(t, (id) => {
    if (down) return 503;
    const left = failing.get(id) ?? 0;
    failing.set(id, left - 1);
    return left > 0 ? 500 : 200;
  });
  const { clock, store, world, runner } = setup(t, { url, documents: STAND_IN });
  const first = await runner.tick();
  t.same(
    first.runs.map((r) => [r.period, r.finalized, r.undelivered]),
    [['2026-10', ['AMS1-2026-000001', 'AMS1-2026-000002'], 0]],
  );
  t.same(first.sentNotes, [], 'no note yet');

  // A gateway replays October: acme drew 0.8 kW, not 1 kW. 596 kWh × 0.20 = 119.20, 29.80 less than invoiced,
  // and 21 % BTW on it: 25.03 instead of 31.29.
  world.powerKw.set('acme@2026-10', 0.8);
  failing.set('AMS1-CN-2026-000001', 1);
  clock.t += H;
  const second = await runner.tick();
  t.same(
    second.notes.map((n) => [n.invoiceNumber, n.noteNumber, n.kind, n.totalDelta]),
    [['AMS1-2026-000001', 'AMS1-CN-2026-000001', 'credit', '-36.06']],
  );
  t.same(second.sentNotes, [
    { number: 'AMS1-CN-2026-000001', invoiceNumber: 'AMS1-2026-000001', period: '2026-10', rendered: true, delivered: true },
  ]);
  const posts = got.filter((g) => g.delivery === 'AMS1-CN-2026-000001');
  t.same(
    posts.map((p) => [p.status, p.signed]),
    [
      [500, true],
      [200, true],
    ],
    'refused once, posted again after the backoff, signed both times',
  );
  const body = JSON.parse(posts[1]!.body) as Record<string, unknown> & {
    note: { lines: unknown[] };
    documents: { pdf: string; ubl: string };
  };
  t.match(body, {
    type: 'note.issued',
    kind: 'credit',
    number: 'AMS1-CN-2026-000001',
    invoiceNumber: 'AMS1-2026-000001',
    entity: 'ams1',
    period: '2026-10',
    customer: 'acme',
    account: 'acme',
    currency: 'EUR',
    totalDelta: '-36.06',
    note: { kind: 'credit', invoiceNumber: 'AMS1-2026-000001', totalDelta: '-36.06', parties: { buyer: { legalName: 'Acme B.V.' } } },
  });
  t.equal(body.note.lines.length, 2, 'the energy line and the BTW');
  t.equal(Buffer.from(body.documents.pdf, 'base64').toString(), '%PDF-1.7 AMS1-CN-2026-000001');
  t.equal(body.documents.ubl, '<CreditNote>AMS1-CN-2026-000001</CreditNote>');
  t.match(await store.noteByNumber('AMS1-CN-2026-000001'), { renderedAt: clock.t, deliveredAt: clock.t, deliveryAttempts: 1 });

  // More late data while the receiver is down: 1.1 kW, 163.90 + 34.42 BTW, a debit note of 54.09 that fails
  // both tries of the tick.
  world.powerKw.set('acme@2026-10', 1.1);
  down = true;
  clock.t += H;
  const third = await runner.tick();
  t.same(
    third.notes.map((n) => [n.noteNumber, n.kind, n.totalDelta]),
    [['AMS1-DN-2026-000001', 'debit', '54.09']],
  );
  t.same(
    third.sentNotes.map((n) => [n.number, n.rendered, n.delivered]),
    [['AMS1-DN-2026-000001', true, false]],
  );
  t.same(third.errors, [], 'a failed delivery is no error of the run');
  t.match(await store.noteByNumber('AMS1-DN-2026-000001'), { deliveredAt: undefined, deliveryAttempts: 1, lastDeliveryError: 'HTTP 503' });
  t.equal(got.filter((g) => g.delivery === 'AMS1-DN-2026-000001').length, 2, 'two tries in the tick');

  down = false;
  clock.t += H;
  const fourth = await runner.tick();
  t.same(fourth.notes, [], 'nothing new to note');
  t.same(
    fourth.sentNotes.map((n) => [n.number, n.rendered, n.delivered]),
    [['AMS1-DN-2026-000001', false, true]],
    'the next tick delivers it, without writing its files again',
  );
  t.match(await store.noteByNumber('AMS1-DN-2026-000001'), { deliveredAt: clock.t, deliveryAttempts: 2, lastDeliveryError: undefined });
  const before = got.length;
  clock.t += H;
  t.same((await runner.tick()).sentNotes, [], 'then nothing is pending');
  t.equal(got.length, before, 'each note delivered once');
  t.same(
    (await store.notes({ delivered: false })).map((n) => n.number),
    [],
  );
});

t.test('with the real renderers: the note files in the output folder, its PDF and UBL credit note in the payload', async (t) => {
  const { url, got } = await receiver(t, () => 200);
  const outputDir = mkdtempSync(join(tmpdir(), 'jb-note-files-'));
  const { clock, world, runner } = setup(t, { url, outputs: (r) => documentFiles(outputDir, r, quietLog) });
  await runner.tick();
  world.powerKw.set('acme@2026-10', 0.8);
  clock.t = Date.UTC(2026, 10, 2, 9);
  const report = await runner.tick();
  t.same(report.errors, []);
  t.same(
    report.sentNotes.map((n) => [n.number, n.rendered, n.delivered]),
    [['AMS1-CN-2026-000001', true, true]],
  );
  const dir = join(outputDir, 'ams1', '2026-10');
  t.same(
    readdirSync(dir)
      .filter((f) => f.startsWith('AMS1-CN-'))
      .sort(),
    ['AMS1-CN-2026-000001.csv', 'AMS1-CN-2026-000001.json', 'AMS1-CN-2026-000001.pdf', 'AMS1-CN-2026-000001.xml'],
  );
  t.match(JSON.parse(readFileSync(join(dir, 'AMS1-CN-2026-000001.json'), 'utf8')), {
    number: 'AMS1-CN-2026-000001',
    kind: 'credit',
    issuedOn: '2026-11-02',
    invoice: { number: 'AMS1-2026-000001', issuedOn: '2026-11-01' },
    customer: { id: 'acme', name: 'Acme' },
    totalDelta: '-36.06',
    localPeriod: { first: '2026-10-01', last: '2026-10-31' },
  });
  const post = got.find((g) => g.delivery === 'AMS1-CN-2026-000001')!;
  t.ok(post.signed, 'signed');
  const body = JSON.parse(post.body) as { documents: { pdf: string; ubl: string | null } };
  const pdf = Buffer.from(body.documents.pdf, 'base64');
  t.equal(pdf.subarray(0, 5).toString(), '%PDF-', 'the PDF, base64');
  t.ok(pdfText(pdf).includes('AMS1-CN-2026-000001'), 'it shows the note number');
  t.match(body.documents.ubl, /<CreditNote[\s>]/, 'the UBL credit note');
  t.match(body.documents.ubl, /AMS1-CN-2026-000001/);
  t.match(body.documents.ubl, /AMS1-2026-000001/, 'referring to the invoice it corrects');
  t.equal(body.documents.ubl, readFileSync(join(dir, 'AMS1-CN-2026-000001.xml'), 'utf8'), 'the same XML as the file');
});
