// Credit and debit notes over HTTP: staff list them by entity, site, period, customer, account, kind and
// invoice number and see their delivery; a customer lists only its own, reads and downloads only its own
// (another's is 404), and gets no delivery details. Downloads name the note and carry the format's type;
// the e-invoice of a document that cannot be one is 409 with the reason, for notes and invoices alike.
import t from 'tap';
import { call, makeWorld } from './world.js';

interface NoteSummary {
  id: number;
  number: string;
  kind: string;
  invoiceNumber: string;
  customer: string;
  totalDelta: string;
  deliveredAt?: number | null;
}

t.test('notes: listed, read and downloaded, each customer its own', async (t) => {
  const w = await makeWorld();
  t.teardown(() => w.close());
  const op = { token: w.tokens.operator };
  const ro = { token: w.tokens.readonly };
  const acme = { token: w.tokens.acme };
  const beta = { token: w.tokens.beta };
  const list = async (q: string, who: { token: string }) => {
    const r = await call(w, 'GET', `/api/v1/notes${q}`, who);
    t.equal(r.status, 200, `GET /notes${q}`);
    return (r.body as NoteSummary[]).map((n) => n.number);
  };

  const all = (await call(w, 'GET', '/api/v1/notes', op)).body as NoteSummary[];
  t.same(
    all.map((n) => [n.number, n.kind, n.invoiceNumber, n.customer, n.totalDelta]),
    [
      ['AMS1-CN-2026-000001', 'credit', 'AMS1-2026-000001', 'acme', '-2.00'],
      ['AMS1-CN-2026-000002', 'credit', 'AMS1-2026-000002', 'beta', '-2.00'],
    ],
  );
  t.match(all[0], {
    entity: 'ams1',
    sites: ['ams1'],
    period: '2026-10',
    account: 'acme',
    currency: 'EUR',
    renderedAt: null,
    deliveredAt: null,
  });
  t.same(await list('?customer=beta', op), ['AMS1-CN-2026-000002']);
  t.same(await list('?entity=ams1&period=2026-10&site=ams1&kind=credit', op), ['AMS1-CN-2026-000001', 'AMS1-CN-2026-000002']);
  t.same(await list('?period=2026-11', op), []);
  t.same(await list('?site=sin9', op), []);
  t.same(await list('?kind=debit', op), []);
  t.same(await list('?account=acme', op), ['AMS1-CN-2026-000001']);
  t.same(await list('?invoice=AMS1-2026-000002', op), ['AMS1-CN-2026-000002']);
  t.same(await list('', ro), ['AMS1-CN-2026-000001', 'AMS1-CN-2026-000002'], 'read-only staff see them all');
  t.equal((await call(w, 'GET', '/api/v1/notes?kind=refund', op)).status, 400, 'an unknown kind is refused');

  t.same(await list('', acme), ['AMS1-CN-2026-000001'], 'acme lists its own');
  t.same(await list('?customer=beta', acme), [], "asking for beta's gives nothing");
  t.same(await list('?invoice=AMS1-2026-000002', acme), []);
  t.same(await list('', beta), ['AMS1-CN-2026-000002']);
  const mine = (await call(w, 'GET', '/api/v1/notes', acme)).body as Record<string, unknown>[];
  t.notOk('deliveredAt' in mine[0]! || 'lastDeliveryError' in mine[0]!, 'no delivery details for customers');

  const one = await call(w, 'GET', `/api/v1/notes/${w.notes.acme}`, acme);
  t.equal(one.status, 200);
  t.match(one.body, {
    number: 'AMS1-CN-2026-000001',
    note: { lines: [{ key: 'energy:v1:standard', was: { amount: '12.00' }, now: { amount: '10.00' }, amountDelta: '-2.00' }] },
  });
  t.equal((await call(w, 'GET', `/api/v1/notes/${w.notes.beta}`, acme)).status, 404, "beta's note is not found for acme");
  // A note's id is its own, not its invoice's: acme's second note has the id of acme's held draft.
  const store = w.deps.billing!.store;
  const [first] = await store.notes({ customer: 'acme' });
  const second = await store.addNote({ ...first!.note, totalDelta: '-1.00' }, { fingerprint: 'again', atMs: 1, year: 2026 });
  t.equal(second.note.id, w.invoices.acmeDraft);
  t.equal((await call(w, 'GET', `/api/v1/notes/${second.note.id}`, acme)).status, 200, 'acme reads its second note');
  t.equal((await call(w, 'GET', `/api/v1/notes/${second.note.id}`, beta)).status, 404, 'beta does not');
  t.equal((await call(w, 'GET', `/api/v1/notes/${w.notes.beta}/json`, acme)).status, 404);
  t.equal((await call(w, 'GET', '/api/v1/notes/999999', op)).status, 404);
  t.equal((await call(w, 'GET', '/api/v1/notes/999999', acme)).status, 404);
  t.equal((await call(w, 'GET', '/api/v1/notes', {})).status, 401);

  const inv = (await call(w, 'GET', `/api/v1/invoices/${w.invoices.acme}`, acme)).body as { notes: NoteSummary[] };
  t.same(
    inv.notes.map((n) => n.number),
    ['AMS1-CN-2026-000001', 'AMS1-CN-2026-000003'],
    'an invoice lists the notes that correct it',
  );

  const json = await call(w, 'GET', `/api/v1/notes/${w.notes.acme}/json`, acme);
  t.equal(json.status, 200);
  t.match(json.headers.get('content-type'), /application\/json/);
  t.match(json.headers.get('content-disposition'), 'filename="AMS1-CN-2026-000001.json"');
  t.match(json.body, {
    number: 'AMS1-CN-2026-000001',
    kind: 'credit',
    invoice: { number: 'AMS1-2026-000001' },
    customer: { id: 'acme', name: 'Acme' },
    localPeriod: { first: String, last: String },
  });
  const csv = await call(w, 'GET', `/api/v1/notes/${w.notes.acme}/csv`, op);
  t.match(csv.headers.get('content-type'), /text\/csv/);
  t.match(csv.headers.get('content-disposition'), 'filename="AMS1-CN-2026-000001.csv"');
  t.match(csv.text, /^note,note_kind,issued_on,invoice,/);
  t.match(csv.text, /AMS1-CN-2026-000001,credit,\d{4}-\d\d-\d\d,AMS1-2026-000001,/);
  t.equal((await call(w, 'GET', `/api/v1/notes/${w.notes.acme}/xlsx`, op)).status, 400, 'an unknown format is refused');

  // The world's invoices were made without legal details: neither they nor their notes can be e-invoices.
  const noEInvoice: [string, { token: string }][] = [
    [`/api/v1/notes/${w.notes.acme}/ubl`, acme],
    [`/api/v1/invoices/${w.invoices.acme}/ubl`, acme],
    [`/api/v1/invoices/${w.invoices.acmeDraft}/ubl`, op],
  ];
  for (const [path, who] of noEInvoice) {
    const r = await call(w, 'GET', path, who);
    t.equal(r.status, 409, `${path}: 409`);
    t.match(r.body, { error: { code: 'conflict', message: /^no e-invoice for /, details: { reason: /\S/ } } }, 'with the reason');
  }
  t.equal((await call(w, 'GET', `/api/v1/invoices/${w.invoices.beta}/ubl`, acme)).status, 404, "and beta's stays not found");
});
