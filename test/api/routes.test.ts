// The API's routes over real HTTP on SQLite: what each answers, the customer's clipping in time, the
// operators' edits (appended, refused whole), sign-in with a cookie, the error boundary, HTTPS.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import t from 'tap';
import { buildApi } from '../../central/api/server.js';
import { RouteRegistry, RouteRegistryError } from '../../central/api/registry.js';
import type { RouteSpec } from '../../central/api/types.js';
import { makeTlsFiles } from '../helpers/tls.js';
import { call, HOUR, makeWorld, OCT, SHARED_CHANGE } from './world.js';

const detailsOf = (b: unknown): string =>
  ([] as unknown[])
    .concat((b as { error: { details?: unknown } }).error.details)
    .map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))
    .join('\n');

t.test('readings, live, energy, alerts, invoices', async (t) => {
  const w = await makeWorld();
  t.teardown(() => w.close());
  const q = '?from=2026-10-01&to=2026-11-01';
  const op = await call(w, 'GET', `/api/v1/points/pt-shared/readings${q}&limit=1000`, { token: w.tokens.operator });
  t.equal((op.body as { readings: unknown[] }).readings.length, 63, 'staff: every reading of the month');
  const acme = (await call(w, 'GET', `/api/v1/points/pt-shared/readings${q}`, { token: w.tokens.acme })).body as {
    readings: { ts: number }[];
  };
  t.ok(
    acme.readings.length > 0 && acme.readings.every((r) => r.ts < SHARED_CHANGE),
    'acme: only readings from before the rack passed to beta',
  );
  t.equal(acme.readings.length, 28);
  const page = (await call(w, 'GET', `/api/v1/points/pt-acme-1/readings${q}&limit=10`, { token: w.tokens.acme })).body as {
    readings: { ts: number }[];
    next: string;
  };
  t.equal(page.readings.length, 10);
  t.equal(Date.parse(page.next), page.readings[9]!.ts + 12 * HOUR, 'next: where the following page starts');
  t.match(await call(w, 'GET', `/api/v1/points/pt-shared/readings${q}`, { token: w.tokens.beta }), { status: 200 }, 'beta holds it now');
  t.match(
    await call(w, 'GET', `/api/v1/points/pt-acme-1/readings?from=2026-10-01`, { token: w.tokens.operator }),
    { status: 400, body: { error: { code: 'bad_request' } } },
    'to is required',
  );

  const live = (await call(w, 'GET', '/api/v1/live?site=ams1', { token: w.tokens.acme })).body as {
    points: { point: string; power_w: number; current_a: number; energy_import_kwh: number }[];
  };
  t.same(
    live.points.map((p) => p.point),
    ['pt-acme-1'],
    "acme holds one point now (the shared rack is beta's)",
  );
  t.match(live.points[0], { power_w: 2000, current_a: 8.6, energy_import_kwh: 1000 + 2 * 63 * 12 });
  t.equal(
    ((await call(w, 'GET', '/api/v1/live?site=ams1', { token: w.tokens.operator })).body as { points: unknown[] }).points.length,
    4,
    'staff: every point with readings',
  );
  t.match(await call(w, 'GET', '/api/v1/live?site=nowhere', { token: w.tokens.operator }), { status: 404 });

  const energy = (await call(w, 'GET', `/api/v1/energy${q}&by=rack`, { token: w.tokens.acme })).body as {
    customer: string;
    rows: { group: string; kWh: number }[];
  };
  t.equal(energy.customer, 'acme', "a customer's own by default");
  t.same(
    energy.rows.map((r) => r.group),
    ['rk-acme-1', 'rk-shared'],
  );
  t.ok(
    energy.rows.every((r) => r.kWh > 0),
    'energy in every row',
  );
  t.match(await call(w, 'GET', `/api/v1/energy${q}&customer=beta`, { token: w.tokens.operator }), {
    status: 200,
    body: { customer: 'beta' },
  });
  t.match(await call(w, 'GET', `/api/v1/energy?from=2026-11-01&to=2026-10-01&customer=acme`, { token: w.tokens.operator }), {
    status: 400,
  });
  t.match(await call(w, 'GET', `/api/v1/energy${q}&customer=nobody`, { token: w.tokens.operator }), { status: 404 });
  const site = (await call(w, 'GET', `/api/v1/sites/ams1/energy${q}&by=rack`, { token: w.tokens.readonly })).body as {
    rows: { group: string; points: number }[];
  };
  t.same(
    site.rows.map((r) => r.group),
    ['rk-acme-1', 'rk-beta-1', 'rk-shared'],
    'the site by rack, house meter left out',
  );

  const alerts = (await call(w, 'GET', '/api/v1/alerts', { token: w.tokens.acme })).body as { id: string }[];
  t.same(
    alerts.map((a) => a.id),
    ['acme-overload'],
  );
  t.equal(
    (
      (await call(w, 'GET', '/api/v1/alerts?state=history&site=ams1&from=2026-10-01&to=2026-11-01', { token: w.tokens.operator }))
        .body as unknown[]
    ).length,
    2,
    "local dates in the site's zone",
  );
  t.equal(
    (
      (await call(w, 'GET', '/api/v1/alerts?state=history&from=2026-09-30T00:00:00Z&to=2026-11-01T00:00:00Z', { token: w.tokens.operator }))
        .body as unknown[]
    ).length,
    3,
  );
  const topo = (await call(w, 'GET', '/api/v1/sites/ams1/topology', { token: w.tokens.operator })).body as {
    nodes: { id: string; ratedCurrentA?: number; feed?: string }[];
    alerts: unknown[];
  };
  t.match(
    topo.nodes.find((n) => n.id === 'bb-a'),
    { ratedCurrentA: 400, feed: 'A' },
  );
  t.equal(topo.alerts.length, 2);

  const list = (await call(w, 'GET', '/api/v1/invoices', { token: w.tokens.acme })).body as { id: number; status: string }[];
  t.same(
    list.map((i) => [i.id, i.status]),
    [[w.invoices.acme, 'final']],
    'a customer sees its final invoices, not the held draft',
  );
  t.equal(((await call(w, 'GET', '/api/v1/invoices', { token: w.tokens.operator })).body as unknown[]).length, 3);
  t.same(await call(w, 'GET', '/api/v1/invoices?status=held', { token: w.tokens.acme }).then((r) => r.body), []);
  t.match(await call(w, 'GET', `/api/v1/invoices/${w.invoices.acmeDraft}`, { token: w.tokens.acme }), { status: 404 });
  const pdf = await call(w, 'GET', `/api/v1/invoices/${w.invoices.acme}/pdf`, { token: w.tokens.acme });
  t.equal(pdf.headers.get('content-type'), 'application/pdf');
  t.match(pdf.headers.get('content-disposition'), /AMS1-2026-000001\.pdf/);
  t.match(pdf.text.slice(0, 5), '%PDF-');
  t.match(
    (await call(w, 'GET', `/api/v1/invoices/${w.invoices.acme}/csv`, { token: w.tokens.acme })).headers.get('content-type'),
    /text\/csv/,
  );
  t.match(await call(w, 'GET', `/api/v1/invoices/${w.invoices.acme}`, { token: w.tokens.acme }), {
    status: 200,
    body: { customer: 'acme', draft: { total: '12.00' } },
  });
  t.match(await call(w, 'GET', '/api/v1/invoices/999999', { token: w.tokens.operator }), { status: 404 });
  t.match(await call(w, 'GET', '/api/v1/customers/acme', { token: w.tokens.acme }), { status: 200, body: { racks: ['rk-acme-1'] } });
  t.match(await call(w, 'GET', '/metrics', { token: w.tokens.readonly }), { status: 200, text: 'jb_up 1\n' }, 'metrics for staff');
  t.match(await call(w, 'GET', '/api/v1/nothing'), { status: 404, body: { error: { code: 'not_found' } } });
  t.match(await call(w, 'GET', '/api/v1/me', { token: 'jbt_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), {
    status: 401,
  });
  t.match(w.server.stats, { errors: { not_found: 5 } });
});

t.test('assignment and tariff edits: appended, applied at once, refused whole', async (t) => {
  const w = await makeWorld();
  t.teardown(() => w.close());
  const before = w.holder.current().version;
  const ok = await call(w, 'POST', '/api/v1/assignments', {
    token: w.tokens.operator,
    body: { id: 'as-acme-1', customer: 'beta', rack: 'rk-acme-1', from: '2026-10-20', note: 'moved' },
  });
  t.match(ok, { status: 201, body: { assignment: { id: 'as-acme-1', version: 2, customer: 'beta' }, modelVersion: before + 1 } });
  const versions = (
    (await call(w, 'GET', '/api/v1/assignments?customer=beta', { token: w.tokens.operator })).body as { id: string; version: number }[]
  ).filter((a) => a.id === 'as-acme-1');
  t.same(
    versions.map((v) => v.version),
    [2],
    'the new version belongs to beta',
  );
  const acmeV1 = (
    (await call(w, 'GET', '/api/v1/assignments', { token: w.tokens.acme })).body as {
      id: string;
      version: number;
      effective: { toMs: number };
    }[]
  ).find((a) => a.id === 'as-acme-1');
  t.equal(acmeV1?.effective.toMs, Date.UTC(2026, 9, 19, 22), 'version 1 now ends where version 2 starts');
  const live = (await call(w, 'GET', '/api/v1/live?site=ams1', { token: w.tokens.acme })).body as { points: unknown[] };
  t.same(live.points, [], 'acme no longer holds anything now: the running model changed');

  const refused = [
    [
      { id: 'as-new', customer: 'acme', rack: 'rk-beta-1', from: '2026-10-01' },
      /held by customer "acme" and by "beta"|held by customer "beta" and by "acme"/,
    ],
    [{ id: 'as-new', customer: 'nobody', rack: 'rk-empty', from: '2026-10-01' }, /unknown customer "nobody"/],
    [{ id: 'as-new', customer: 'acme', rack: 'rk-none', from: '2026-10-01' }, /unknown rack/],
    [{ id: 'as-new', customer: 'acme', rack: 'rk-empty', from: '2026-10-01', to: '2026-09-01' }, /must be after/],
    [{ id: 'as-acme-1', customer: 'acme', rack: 'rk-acme-1', from: '2026-10-01' }, /must start after version 2 starts/],
    [{ id: 'as-new', customer: 'acme', rack: 'rk-empty', from: 'soon' }, /from/],
  ] as const;
  for (const [body, why] of refused) {
    const r = await call(w, 'POST', '/api/v1/assignments', { token: w.tokens.operator, body });
    t.equal(r.status, 400, JSON.stringify(body));
    t.match(detailsOf(r.body), why);
  }
  t.equal(w.holder.current().version, before + 1, 'refused edits changed nothing');
  t.equal(w.holder.allAssignments().length, 6);

  const tv = { version: 'ams-2027', validFrom: '2027-01-01', currency: 'EUR', energyPricePerKwh: '0.25' };
  t.match(await call(w, 'POST', '/api/v1/sites/ams1/tariffs', { token: w.tokens.operator, body: tv }), { status: 201 });
  const tariffs = (await call(w, 'GET', '/api/v1/tariffs?site=ams1', { token: w.tokens.readonly })).body as {
    versions: { version: string; validTo?: string }[];
  }[];
  t.same(
    tariffs[0]!.versions.map((v) => [v.version, v.validTo]),
    [
      ['ams-2026', '2027-01-01'],
      ['ams-2027', undefined],
    ],
  );
  for (const [site, body, why] of [
    ['ams1', { ...tv, version: 'x', validFrom: '2026-12-01' }, /must be after the latest/],
    ['ams1', { ...tv, version: 'y', validFrom: '2027-02-01', currency: 'SGD' }, /invoices in EUR/],
    ['ams1', { ...tv, version: 'ams-2027', validFrom: '2027-03-01' }, /already/],
    ['ams1', { version: 'z' }, /validFrom/],
  ] as const) {
    const r = await call(w, 'POST', `/api/v1/sites/${site}/tariffs`, { token: w.tokens.operator, body });
    t.equal(r.status, 400);
    t.match(detailsOf(r.body), why);
  }
  t.match(await call(w, 'POST', '/api/v1/sites/nowhere/tariffs', { token: w.tokens.operator, body: tv }), { status: 404 });
  t.match(await call(w, 'POST', '/api/v1/sites/ams1/tariffs', { token: w.tokens.readonly, body: tv }), { status: 403 });

  // A restart reads the edits back from the database.
  const { ModelHolder } = await import('../../central/model/holder.js');
  const { openSqliteAccessStore } = await import('../../central/storage/access/sqlite.js');
  const { INVENTORY, TARIFFS } = await import('./world.js');
  const { quietLog } = await import('../helpers/env.js');
  const access = openSqliteAccessStore({ file: w.file, log: quietLog });
  const again = new ModelHolder({ base: { inventory: INVENTORY, tariffs: TARIFFS }, store: access, clock: w.deps.clock, log: quietLog });
  const snap = await again.load();
  t.equal(snap.model.assignments.filter((a) => a.id === 'as-acme-1').length, 2);
  t.equal(snap.tariffs.get('ams1')!.versions.length, 2);

  // Another instance on the same database stores an edit this node's files cannot take (a customer only
  // its files know): this node keeps its model and answers its own edits with 409 until that is resolved.
  await access.appendEdit(
    'assignment',
    { by: 'elsewhere', at: 1, body: { id: 'as-zeta', version: 1, customer: 'zeta', rack: 'rk-empty', from: '2026-12-01' } },
    await access.lastEditSeq(),
  );
  const inUse = w.holder.current().version;
  const conflict = await call(w, 'POST', '/api/v1/assignments', {
    token: w.tokens.operator,
    body: { id: 'as-acme-9', customer: 'acme', rack: 'rk-empty', from: '2027-01-01' },
  });
  t.equal(conflict.status, 409);
  t.match(detailsOf(conflict.body), /do not apply to this node's inventory and tariff files/);
  t.equal(w.holder.current().version, inUse, 'the model in use stays');
  await access.close();
});

t.test('sign-in: cookie session, sign-out, failures limited', async (t) => {
  const w = await makeWorld();
  t.teardown(() => w.close());
  const login = await call(w, 'POST', '/api/v1/auth/login', { body: { username: 'acme-admin', password: w.passwords.acme } });
  t.match(login, { status: 200, body: { username: 'acme-admin', role: 'customer', customer: 'acme' } });
  const cookie = login.headers.get('set-cookie')!;
  t.match(cookie, /^jb_session=jbs_\w+_[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  const session = cookie.split(';')[0]!;
  t.match(await call(w, 'GET', '/api/v1/me', { cookie: session }), { status: 200, body: { username: 'acme-admin' } });
  t.match(await call(w, 'POST', '/api/v1/auth/logout', { cookie: session }), { status: 200 });
  t.match(await call(w, 'GET', '/api/v1/me', { cookie: session }), { status: 401 }, 'the session ended');
  for (let i = 0; i < 5; i++)
    t.equal((await call(w, 'POST', '/api/v1/auth/login', { body: { username: 'ops', password: 'wrong' } })).status, 401);
  const blocked = await call(w, 'POST', '/api/v1/auth/login', { body: { username: 'ops', password: w.passwords.operator } });
  t.match(blocked, { status: 429, body: { error: { code: 'too_many_requests' } } }, 'after 5 failures even the right password waits');
  t.ok(Number(blocked.headers.get('retry-after')) > 0);
  t.equal(w.deps.auth.limiter.failedTotal, 5);
  t.match(await call(w, 'POST', '/api/v1/auth/login', { body: { username: 'nobody' } }), { status: 400 });
});

t.test('the boundary: an internal error is a 500 in the one shape, counted; plugins add routes', async (t) => {
  const boom: RouteSpec = {
    id: 'boom',
    method: 'GET',
    url: '/boom',
    summary: 'x',
    tags: [],
    access: { who: 'staff' },
    schema: {},
    handler: async () => {
      throw new Error('secret detail');
    },
  };
  const w = await makeWorld({
    plugins: [
      (app, { routes }) => {
        routes.add(boom);
        app.get('/portal', async () => 'portal');
      },
    ],
  });
  t.teardown(() => w.close());
  const r = await call(w, 'GET', '/api/v1/boom', { token: w.tokens.operator });
  t.match(r, { status: 500, body: { error: { code: 'internal', message: 'internal error' } } });
  t.notMatch(r.text, /secret detail/);
  t.equal(w.server.stats.errors.internal, 1);
  t.match(await call(w, 'GET', '/portal'), { status: 200, text: 'portal' });
});

t.test('the registry refuses routes without a valid access declaration', async (t) => {
  const base: RouteSpec = {
    id: 'a',
    method: 'GET',
    url: '/a',
    summary: '',
    tags: [],
    access: { who: 'staff' },
    schema: {},
    handler: async () => ({}),
  };
  const reg = new RouteRegistry();
  reg.add(base);
  t.throws(() => reg.add(base), RouteRegistryError, 'twice');
  t.throws(() => reg.add({ ...base, url: '/b' }), /used twice/);
  t.throws(() => reg.add({ ...base, id: 'c', url: 'c' }), /must start/);
  t.throws(() => reg.add({ ...base, id: 'd', url: '/d', access: { who: 'everyone' } as never }), /must declare how they are confined/);
  t.throws(() => reg.add({ ...base, id: 'e', url: '/e', access: { who: 'anyone' } as never }), /access.who/);
  t.throws(() => reg.add({ ...base, id: 'f', url: '/f', method: 'POST' }), /for operators/);
  reg.seal();
  t.throws(() => reg.add({ ...base, id: 'g', url: '/g' }), /before the server starts/);
});

t.test('HTTPS: the API over TLS, Secure session cookie', async (t) => {
  const tls = makeTlsFiles();
  const w = await makeWorld({ listen: false });
  t.teardown(() => w.close());
  const server = await buildApi(w.deps, { tls: { cert: tls.serverCert, key: tls.serverKey } });
  t.teardown(() => server.app.close());
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (server.app.server.address() as { port: number }).port;
  const res = await new Promise<{ status: number; cookie: string; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/auth/login',
        method: 'POST',
        ca: readFileSync(tls.ca),
        headers: { 'content-type': 'application/json' },
      },
      (r) => {
        let body = '';
        r.on('data', (c: Buffer) => {
          body += c.toString();
        });
        r.on('end', () => resolve({ status: r.statusCode!, cookie: String(r.headers['set-cookie']), body }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ username: 'ops', password: w.passwords.operator }));
  });
  t.equal(res.status, 200);
  t.match(res.cookie, /; Secure$/);
  await t.rejects(fetch(`http://127.0.0.1:${port}/api/v1/me`), 'plain HTTP is not served on the TLS port');
  t.ok(OCT > 0);
});
