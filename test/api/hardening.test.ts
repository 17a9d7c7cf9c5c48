// What the API answers to requests it must refuse, over real HTTP (issue 17): a history longer than a
// year is a 400 naming the limit (was a 500 with a stack in the log), an oversized body a 413, a body
// that is not JSON a 415; every answer carries the security headers; /metrics is for staff unless the
// node is told otherwise.
import t from 'tap';
import { exposedMetrics } from '../../central/api/compose.js';
import { CONTENT_SECURITY_POLICY } from '../../central/api/headers.js';
import { CentralConfig } from '../../central/config/central-schema.js';
import { portalPlugin } from '../../central/portal/plugin.js';
import { call, makeWorld } from './world.js';

t.test('a history over 367 days is a 400 with the limit in the message', async (t) => {
  const w = await makeWorld({ plugins: [portalPlugin()] });
  t.teardown(() => w.close());
  const r = await call(w, 'GET', '/api/v1/portal/history?site=ams1&target=site&from=2025-01-01&to=2026-10-01', {
    token: w.tokens.operator,
  });
  t.match(r, { status: 400, body: { error: { code: 'bad_request', message: 'a history covers at most 367 days, asked for 638' } } });
  const customer = await call(w, 'GET', '/api/v1/portal/history?site=ams1&target=site&from=2020-01-01&to=2026-10-01', {
    token: w.tokens.acme,
  });
  t.match(customer, { status: 400, body: { error: { message: /at most 367 days/ } } }, 'for a customer too');
  t.match(
    await call(w, 'GET', '/api/v1/portal/history?site=ams1&target=site&from=2025-10-01&to=2026-10-01', { token: w.tokens.operator }),
    { status: 200 },
    'a year is fine',
  );
  t.equal(w.server.stats.errors.internal, undefined, 'no internal error');
});

t.test('an oversized body is a 413, a body that is not JSON a 415', async (t) => {
  const w = await makeWorld();
  t.teardown(() => w.close());
  const big = JSON.stringify({ username: 'ops', password: 'x'.repeat(2 * 1024 * 1024) });
  const tooLarge = await fetch(`${w.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: big,
  });
  t.equal(tooLarge.status, 413);
  t.match(await tooLarge.json(), { error: { code: 'payload_too_large', message: 'the request body is larger than 1048576 bytes' } });
  const text = await fetch(`${w.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: 'username=ops&password=x',
  });
  t.equal(text.status, 415);
  t.match(await text.json(), {
    error: { code: 'unsupported_media_type', message: 'send the body as JSON (content-type: application/json), not "text/plain"' },
  });
  const form = await fetch(`${w.url}/api/v1/assignments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${w.tokens.operator}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'id=x',
  });
  t.equal(form.status, 415, 'an edit as a form');
  const anonymous = await fetch(`${w.url}/api/v1/assignments`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
  t.equal(anonymous.status, 401, 'who is asking is still checked first');
  t.match(
    await call(w, 'POST', '/api/v1/auth/login', { body: { username: 'ops' } }),
    { status: 400 },
    'JSON of the wrong shape stays a 400',
  );
  t.match(w.server.stats.errors, { payload_too_large: 1, unsupported_media_type: 2 });
  t.equal(w.server.stats.errors.internal, undefined);
});

t.test('security headers on every answer', async (t) => {
  const w = await makeWorld({ plugins: [portalPlugin()] });
  t.teardown(() => w.close());
  const answers = {
    'the portal page': await call(w, 'GET', '/'),
    'a portal script': await call(w, 'GET', '/js/app.js'),
    'an API answer': await call(w, 'GET', '/api/v1/me', { token: w.tokens.acme }),
    'a refusal': await call(w, 'GET', '/api/v1/me'),
    'a missing route': await call(w, 'GET', '/nothing-here'),
    'an invoice PDF': await call(w, 'GET', `/api/v1/invoices/${w.invoices.acme}/pdf`, { token: w.tokens.acme }),
  };
  for (const [what, r] of Object.entries(answers)) {
    t.equal(r.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY, `${what} (${r.status}): CSP`);
    t.equal(r.headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
    t.equal(r.headers.get('x-frame-options'), 'DENY', `${what}: no framing`);
    t.equal(r.headers.get('referrer-policy'), 'no-referrer', `${what}: no referrer`);
  }
  t.match(CONTENT_SECURITY_POLICY, /default-src 'none'/);
  t.match(CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
  t.notMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|\*/, 'nothing inline, nothing from elsewhere');
  t.notMatch(
    answers['the portal page'].text,
    /<script>|<style|style=|\son[a-z]+=/i,
    'the page has no inline script, style or handler the policy would refuse',
  );
});

t.test('/metrics: staff by default, public when configured', async (t) => {
  const w = await makeWorld();
  t.teardown(() => w.close());
  t.match(
    await call(w, 'GET', '/metrics'),
    { status: 401, body: { error: { code: 'unauthorized', message: /for staff/ } } },
    'no credentials',
  );
  t.match(
    await call(w, 'GET', '/metrics', { token: 'jbt_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
    { status: 401 },
    'an unknown token',
  );
  t.match(
    await call(w, 'GET', '/metrics', { token: w.tokens.acme }),
    { status: 403, body: { error: { code: 'forbidden' } } },
    'a customer',
  );
  t.match(await call(w, 'GET', '/metrics', { token: w.tokens.operator }), { status: 200, text: 'jb_up 1\n' }, 'an operator token');
  t.match(
    await call(w, 'GET', '/metrics', { token: w.tokens.readonly }),
    { status: 200, text: 'jb_up 1\n' },
    "a read-only token (a scraper's)",
  );
  const login = await call(w, 'POST', '/api/v1/auth/login', { body: { username: 'ops', password: w.passwords.operator } });
  t.match(
    await call(w, 'GET', '/metrics', { cookie: login.headers.get('set-cookie')!.split(';')[0]! }),
    { status: 200 },
    'a signed-in operator',
  );
  const customer = await call(w, 'POST', '/api/v1/auth/login', { body: { username: 'acme-admin', password: w.passwords.acme } });
  t.match(
    await call(w, 'GET', '/metrics', { cookie: customer.headers.get('set-cookie')!.split(';')[0]! }),
    { status: 403 },
    'a signed-in customer',
  );

  const pub = await makeWorld({ metricsAccess: 'public' });
  t.teardown(() => pub.close());
  t.match(await call(pub, 'GET', '/metrics'), { status: 200, text: 'jb_up 1\n' }, 'api.metrics: public');
  const off = await makeWorld({ metricsAccess: 'off' });
  t.teardown(() => off.close());
  t.match(await call(off, 'GET', '/metrics', { token: off.tokens.operator }), { status: 404 }, 'api.metrics: off');

  const m = { contentType: 'text/plain', render: async () => '' };
  const as = (metrics?: unknown) => exposedMetrics(CentralConfig.parse({ api: metrics === undefined ? {} : { metrics } }), m);
  t.equal(as()?.access, 'staff', 'the setting defaults to staff');
  t.equal(as('public')?.access, 'public');
  t.equal(as('off'), undefined);
  t.throws(() => as('everyone'), /staff|public|off/, 'an unknown value is refused');
});
