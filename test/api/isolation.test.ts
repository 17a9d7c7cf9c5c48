// Every registered route (the API's own and the portal's), read from the OpenAPI document (so routes
// added later are covered without touching this file), called over HTTP by customer acme with beta's
// ids and with its own: a guarded
// route answers 404 for beta's, a staff or operator route 403, and no successful answer mentions
// anything of beta's. read-only and customers change nothing. A parameter this test has no value for fails.
import t from 'tap';
import type { RouteSpec } from '../../central/api/types.js';
import { portalPlugin } from '../../central/portal/plugin.js';
import { BETA_ONLY, call, makeWorld, type World } from './world.js';

/** Leaks of beta's into acme's answers: any of its ids. */
const LEAK = new RegExp(['beta', ...BETA_ONLY].join('|'), 'i');

interface Op {
  method: string;
  path: string;
  spec: RouteSpec;
  params: string[];
  query: { name: string; required: boolean; schema: { enum?: string[]; default?: unknown } }[];
}

function operations(
  w: World,
  doc: {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string; required?: boolean; schema: { enum?: string[] } }[] }>>;
  },
): Op[] {
  const specs = new Map(w.server.routes.all().map((s) => [`${s.method} /api/v1${s.url.replace(/:(\w+)/g, '{$1}')}`, s]));
  const ops: Op[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(methods)) {
      const spec = specs.get(`${m.toUpperCase()} ${path}`);
      if (!spec) throw new Error(`${m} ${path} is in the document but not in the registry`);
      const ps = op.parameters ?? [];
      ops.push({
        method: m.toUpperCase(),
        path,
        spec,
        params: ps.filter((p) => p.in === 'path').map((p) => p.name),
        query: ps.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: p.required === true, schema: p.schema })),
      });
    }
  }
  return ops;
}

function urlOf(op: Op, values: Record<string, string>): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = values[k];
    if (v === undefined) throw new Error(`${op.method} ${op.path}: no test value for path parameter "${k}"; add it to the isolation test`);
    return encodeURIComponent(v);
  });
  const qs = new URLSearchParams();
  for (const q of op.query) {
    const v = values[q.name] ?? q.schema.enum?.[0];
    if (v === undefined && q.required) throw new Error(`${op.method} ${op.path}: no test value for query parameter "${q.name}"`);
    if (v !== undefined) qs.set(q.name, v);
  }
  return qs.size > 0 ? `${path}?${qs}` : path;
}

t.test('customer isolation over every registered route', async (t) => {
  const w = await makeWorld({ plugins: [portalPlugin()] });
  t.teardown(() => w.close());
  const doc = (await call(w, 'GET', '/api/v1/openapi.json')).body as Parameters<typeof operations>[1];
  const ops = operations(w, doc);
  t.equal(ops.length, w.server.routes.all().length, 'the document lists every registered route');
  t.ok(ops.length >= 25, `${ops.length} routes`);
  t.ok(
    ops.some((o) => o.path.startsWith('/api/v1/portal/')),
    "the portal's routes are among them",
  );
  const common = { from: '2026-10-01', to: '2026-11-01', format: 'pdf', limit: '100', a: '2026-09', b: '2026-10' };
  const theirs = {
    ...common,
    site: 'sin9',
    point: 'pt-beta-1',
    id: String(w.invoices.beta),
    note: String(w.notes.beta),
    customer: 'beta',
    rack: 'rk-beta-1',
    room: 'hall-sin',
    target: 'rack:rk-beta-1',
  };
  const ours = {
    ...common,
    site: 'ams1',
    point: 'pt-acme-1',
    id: String(w.invoices.acme),
    note: String(w.notes.acme),
    customer: 'acme',
    rack: 'rk-acme-1',
    room: 'hall1',
    target: 'rack:rk-acme-1',
  };

  for (const op of ops) {
    const a = op.spec.access;
    const name = `${op.method} ${op.path}`;
    const body = op.method === 'GET' ? undefined : {};
    const other = await call(w, op.method, urlOf(op, theirs), { token: w.tokens.acme, ...(body ? { body } : {}) });
    const own = await call(w, op.method, urlOf(op, ours), { token: w.tokens.acme, ...(body ? { body } : {}) });
    if (a.who === 'staff' || a.who === 'operator') {
      t.equal(other.status, 403, `${name}: refused to a customer`);
      t.equal(own.status, 403, `${name}: refused to a customer, even for its own ids`);
    } else if (a.who === 'everyone' && typeof a.customer === 'object') {
      t.equal(other.status, 404, `${name}: beta's ${a.customer.guard} is not found for acme`);
      t.ok(own.status < 300, `${name}: acme's own ${a.customer.guard} answers (${own.status} ${own.text.slice(0, 120)})`);
    }
    for (const r of [other, own]) {
      if (r.status < 300) t.notMatch(r.text, LEAK, `${name}: no trace of beta in what acme gets (${r.status})`);
    }
    if (op.method !== 'GET' && !(a.who === 'everyone' && a.customer === 'self') && a.who !== 'public') {
      const ro = await call(w, op.method, urlOf(op, ours), { token: w.tokens.readonly, body: {} });
      t.equal(ro.status, 403, `${name}: read-only changes nothing`);
    }
    if (a.who !== 'public')
      t.equal((await call(w, op.method, urlOf(op, ours), body ? { body } : {})).status, 401, `${name}: nobody signed in: 401`);
  }

  const theirOwn = await call(w, 'GET', '/api/v1/invoices', { token: w.tokens.beta });
  t.same(
    (theirOwn.body as { customer: string }[]).map((i) => i.customer),
    ['beta'],
    'and beta sees its own invoice, so the fixture is not empty',
  );
});

t.test('a parameter the isolation test does not know fails loudly', async (t) => {
  const w = await makeWorld({
    listen: false,
    plugins: [
      (_app, { routes }) =>
        routes.add({
          id: 'x',
          method: 'GET',
          url: '/widgets/:widget',
          summary: 'x',
          tags: [],
          access: { who: 'everyone', customer: 'filtered' },
          schema: { params: { type: 'object', properties: { widget: { type: 'string' } } } },
          handler: async () => ({}),
        }),
    ],
  });
  t.teardown(() => w.close());
  const doc = (await w.server.app.inject({ url: '/api/v1/openapi.json' })).json() as Parameters<typeof operations>[1];
  const op = operations(w, doc).find((o) => o.path === '/api/v1/widgets/{widget}')!;
  t.throws(() => urlOf(op, {}), /no test value for path parameter "widget"/);
});
