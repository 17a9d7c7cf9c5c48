import t from 'tap';
import { call, makeWorld } from './world.js';

t.test('skeleton: me, sites, topology, errors', async (t) => {
  const w = await makeWorld();
  t.teardown(() => w.close());
  t.match(await call(w, 'GET', '/api/v1/me', { token: w.tokens.acme }), {
    status: 200,
    body: { username: 'acme-admin', role: 'customer', customer: 'acme', customerName: 'Acme' },
  });
  t.match(await call(w, 'GET', '/api/v1/me'), { status: 401, body: { error: { code: 'unauthorized' } } });
  t.same(
    ((await call(w, 'GET', '/api/v1/sites', { token: w.tokens.acme })).body as { id: string }[]).map((s) => s.id),
    ['ams1'],
  );
  t.same(
    ((await call(w, 'GET', '/api/v1/sites', { token: w.tokens.operator })).body as { id: string }[]).map((s) => s.id),
    ['ams1', 'sin9'],
  );
  const topo = await call(w, 'GET', '/api/v1/sites/ams1/topology', { token: w.tokens.acme });
  t.equal(topo.status, 200);
  t.notMatch(topo.text, /beta/i);
  t.match(await call(w, 'GET', '/api/v1/sites/sin9/topology', { token: w.tokens.acme }), { status: 404 });
  t.match(await call(w, 'GET', '/api/v1/sites/ams1/topology?from=yesterday', { token: w.tokens.acme }), {
    status: 400,
    body: { error: { code: 'bad_request' } },
  });
  const doc = await call(w, 'GET', '/api/v1/openapi.json');
  t.match(doc.body, { openapi: '3.0.3', paths: { '/api/v1/me': { get: { operationId: 'me' } } } });
});
