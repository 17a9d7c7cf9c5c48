// Every route the server registered (the API's own and the portal's), walked for every role: without a
// sign-in nothing but the public routes answers; read-only changes nothing; a customer reaches no route
// that is not open to customers, gets 404 for another customer's site, point, invoice or customer, and
// finds nothing of the other customer's in any answer to its own requests. A route added later is walked
// too: the list comes from the registry, and a route whose parameters this test cannot fill fails it.
import t from 'tap';
import { portalPlugin } from '../../central/portal/plugin.js';
import type { RouteSpec } from '../../central/api/types.js';
import { BETA_ONLY, call, makeWorld, type World } from './world.js';

type Values = Record<string, string>;

/** Leaks of beta's into acme's answers: any of its ids. */
const LEAK = new RegExp(['beta', ...BETA_ONLY].join('|'), 'i');

function valuesFor(w: World): { own: Values; other: Values } {
  const common = { from: '2026-10-01', to: '2026-11-01', format: 'csv', a: '2026-09', b: '2026-10' };
  return {
    own: { ...common, site: 'ams1', point: 'pt-acme-1', id: String(w.invoices.acme), customer: 'acme', target: 'rack:rk-acme-1' },
    other: { ...common, site: 'sin9', point: 'pt-beta-2', id: String(w.invoices.beta), customer: 'beta', target: 'rack:rk-beta-1' },
  };
}

interface Schema { properties?: Record<string, unknown>; required?: string[] }

/** The route's URL with its path parameters and required query parameters (plus the guarded one) filled. */
function urlOf(spec: RouteSpec, v: Values): string {
  const path = spec.url.replace(/:([A-Za-z]+)/g, (_m, k: string) => {
    if (v[k] === undefined) throw new Error(`${spec.id}: no test value for path parameter "${k}"`);
    return encodeURIComponent(v[k]);
  });
  const q = (spec.schema.querystring ?? {}) as Schema;
  const a = spec.access;
  const guarded = a.who === 'everyone' && typeof a.customer === 'object' && a.customer.in === 'query' ? [a.customer.key] : [];
  const keys = new Set([...(q.required ?? []), ...guarded, ...(q.properties && 'site' in q.properties ? ['site'] : [])]);
  const search = new URLSearchParams();
  for (const k of keys) {
    if (v[k] === undefined) throw new Error(`${spec.id}: no test value for query parameter "${k}"`);
    search.set(k, v[k]);
  }
  const s = search.toString();
  return `/api/v1${path}${s ? `?${s}` : ''}`;
}

t.test('every route, every role', async (t) => {
  const w = await makeWorld({ plugins: [portalPlugin()] });
  t.teardown(() => w.close());
  const routes = w.server.routes.all();
  const { own, other } = valuesFor(w);
  t.ok(routes.length >= 20, `${routes.length} routes walked`);
  t.ok(routes.some((r) => r.url.startsWith('/portal/')), 'the portal\'s routes are among them');

  for (const spec of routes) {
    const a = spec.access;
    const url = urlOf(spec, own);
    const body = spec.method === 'GET' ? {} : { body: {} };
    if (a.who !== 'public') {
      t.equal((await call(w, spec.method, url, body)).status, 401, `${spec.id}: 401 without a sign-in`);
    }
    const self = a.who === 'everyone' && a.customer === 'self';
    if (spec.method !== 'GET' && !self && a.who !== 'public') {
      t.equal((await call(w, spec.method, url, { token: w.tokens.readonly, ...body })).status, 403, `${spec.id}: read-only changes nothing`);
    }
    if (a.who === 'staff' || a.who === 'operator') {
      t.equal((await call(w, spec.method, url, { token: w.tokens.acme, ...body })).status, 403, `${spec.id}: not for customers`);
      continue;
    }
    if (a.who !== 'everyone' || spec.method !== 'GET') continue;
    const mine = await call(w, 'GET', url, { token: w.tokens.acme });
    t.ok(mine.status < 500, `${spec.id}: ${url} answers acme (${mine.status})`);
    t.notMatch(mine.text, LEAK, `${spec.id}: nothing of beta's in acme's answer`);
    const theirs = urlOf(spec, other);
    if (theirs !== url) {
      const res = await call(w, 'GET', theirs, { token: w.tokens.acme });
      const empty = res.status === 200 && (res.text === '[]' || !LEAK.test(res.text));
      t.ok([403, 404].includes(res.status) || empty, `${spec.id}: ${theirs} gives acme nothing of beta's (${res.status})`);
    }
  }
});
