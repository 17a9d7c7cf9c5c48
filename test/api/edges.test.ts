// The routes' less travelled paths: staff asking without the parameter a customer gets by default,
// filters that can only come back empty for a customer, documents of drafts, bad dates, a point with no
// series, alert history, and a node without billing or a model store (read-only, never a crash).
import t from 'tap';
import { buildApi } from '../../central/api/server.js';
import type { ApiDeps } from '../../central/api/types.js';
import { call, makeWorld } from './world.js';

t.test('staff and customer edges of the read routes', async (t) => {
  const w = await makeWorld();
  t.teardown(() => w.close());
  const op = { token: w.tokens.operator };
  const acme = { token: w.tokens.acme };
  const q = '?from=2026-10-01&to=2026-11-01';

  t.match(
    await call(w, 'GET', `/api/v1/energy${q}`, op),
    { status: 404, body: { error: { message: /give \?customer=<id>/ } } },
    'staff name the customer',
  );
  t.match(await call(w, 'GET', '/api/v1/me', op), { status: 200, body: { username: 'ops', role: 'operator' } });
  t.notMatch((await call(w, 'GET', '/api/v1/me', op)).body, { customer: String }, 'an operator has no customer');
  t.match(await call(w, 'GET', '/api/v1/me', acme), { body: { customer: 'acme', customerName: 'Acme' } });

  t.same((await call(w, 'GET', '/api/v1/invoices?customer=beta', acme)).body, [], "acme asking for beta's invoices: none");
  t.same((await call(w, 'GET', '/api/v1/invoices?status=draft', acme)).body, [], 'a customer never sees drafts');
  const held = (await call(w, 'GET', '/api/v1/invoices?status=held&customer=acme&site=ams1&period=2026-11', op)).body as {
    id: number;
    status: string;
  }[];
  t.same(
    held.map((i) => [i.id, i.status]),
    [[w.invoices.acmeDraft, 'held']],
    'staff filter by status, customer, site and period (a draft held for review)',
  );
  t.same((await call(w, 'GET', '/api/v1/invoices?status=draft', op)).body, [], 'and no plain drafts here');
  const csv = await call(w, 'GET', `/api/v1/invoices/${w.invoices.acmeDraft}/csv`, op);
  t.equal(csv.status, 200);
  t.match(csv.headers.get('content-disposition'), `filename="draft-${w.invoices.acmeDraft}.csv"`, 'a draft is named as one');
  t.match(csv.headers.get('content-type'), /text\/csv/);
  const json = await call(w, 'GET', `/api/v1/invoices/${w.invoices.acme}/json`, acme);
  t.equal(json.status, 200);
  t.match(json.headers.get('content-disposition'), /filename="[^"]+\.json"/);
  t.equal((await call(w, 'GET', `/api/v1/invoices/${w.invoices.acmeDraft}`, acme)).status, 404, "acme's own draft is not shown to acme");
  t.equal((await call(w, 'GET', '/api/v1/invoices/999999', op)).status, 404);

  t.match(await call(w, 'GET', '/api/v1/points/pt-acme-1/readings?from=yesterdays&to=2026-11-01', op), {
    status: 400,
    body: { error: { message: /"yesterdays" is neither a local date/ } },
  });
  t.match(await call(w, 'GET', '/api/v1/points/pt-acme-1/readings?from=2026-11-01&to=2026-10-01', op), {
    status: 400,
    body: { error: { message: /"to" must be after "from"/ } },
  });
  t.match(await call(w, 'GET', '/api/v1/points/nowhere/readings?from=2026-10-01&to=2026-11-01', op), { status: 404 });
  const offset = (
    await call(w, 'GET', '/api/v1/points/pt-acme-1/readings?from=2026-10-01T00:00:00%2B02:00&to=2026-10-02T00:00:00%2B02:00', op)
  ).body as { readings: unknown[] };
  t.equal(offset.readings.length, 2, 'timestamps with an offset: one day of 12-hourly readings');

  // Dates are local to the named site (UTC without one): the alerts were raised at 01:00 on 1 October in Amsterdam.
  t.same((await call(w, 'GET', `/api/v1/alerts${q}&state=history`, op)).body, [], 'no site: UTC days, the alerts fall before');
  const history = (await call(w, 'GET', `/api/v1/alerts${q}&state=history&site=ams1`, acme)).body as { id: string }[];
  t.same(
    history.map((a) => a.id),
    ['acme-overload'],
    "acme's alert history, its own only",
  );
  t.equal(
    ((await call(w, 'GET', `/api/v1/alerts${q}&state=history&site=ams1`, op)).body as unknown[]).length,
    2,
    'staff see every alert of the site',
  );

  const sin = (await call(w, 'GET', '/api/v1/assignments?site=sin9', op)).body as { id: string }[];
  t.same(
    sin.map((a) => a.id),
    ['as-beta-2'],
    'assignments of one site',
  );
  t.same((await call(w, 'GET', '/api/v1/tariffs?site=nowhere', op)).body, []);
  t.match(await call(w, 'GET', '/api/v1/customers/beta', op), {
    status: 200,
    body: { id: 'beta', racks: ['rk-beta-1', 'rk-beta-2', 'rk-shared'] },
  });
  t.match(
    await call(w, 'GET', '/api/v1/customers/acme', acme),
    { status: 200, body: { id: 'acme', racks: ['rk-acme-1'], points: ['pt-acme-1'] } },
    'what acme holds now',
  );
  t.equal((await call(w, 'GET', '/api/v1/customers/nobody', op)).status, 404);
  t.match(await call(w, 'GET', `/api/v1/sites/nowhere/energy${q}`, op), { status: 404 });
});

t.test('a node without billing or a model store answers, and refuses edits', async (t) => {
  const w = await makeWorld({ listen: false });
  t.teardown(() => w.close());
  const deps: ApiDeps = { ...w.deps };
  delete deps.billing;
  delete deps.editor;
  const bare = await buildApi(deps);
  t.teardown(() => bare.app.close());
  const get = async (url: string, method: 'GET' | 'POST' = 'GET', payload?: object) =>
    bare.app.inject({ method, url, headers: { authorization: `Bearer ${w.tokens.operator}` }, ...(payload ? { payload } : {}) });
  t.same((await get('/api/v1/invoices')).json(), [], 'no billing: no invoices');
  t.equal((await get(`/api/v1/invoices/${w.invoices.acme}`)).statusCode, 404);
  const edit = await get('/api/v1/assignments', 'POST', { id: 'as-x', customer: 'acme', rack: 'rk-acme-1', from: '2027-01-01' });
  t.equal(edit.statusCode, 503);
  t.match(edit.json(), { error: { code: 'unavailable', message: /model holder/ } });
  t.equal((await get('/api/v1/sites/ams1/tariffs', 'POST', { version: 'v', validFrom: '2027-01-01' })).statusCode, 503);
});
