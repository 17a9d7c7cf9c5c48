// The portal on the API's server: its files at /, and its data routes with roles and customer confinement.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readInventory } from '../config/inventory-load.js';
import { openSqliteStore } from '../storage/readings/sqlite/store.js';
import { quietLog } from '../../test/helpers/env.js';
import { exampleSeries } from '../../test/energy/example-data.js';
import { ingest } from '../../test/energy/stores.js';
import { publicDir } from './assets.js';
import { portalPlugin } from './plugin.js';
import { buildApi } from '../api/server.js';
import { AuthService } from '../auth/service.js';
import { ModelHolder } from '../model/holder.js';
import { openSqliteAccessStore } from '../storage/access/sqlite.js';
import type { CentralStore } from '../storage/readings/types.js';

const ROOT = join(import.meta.dirname, '..', '..');

t.test('files and data routes', async (t) => {
  const { inventory } = await readInventory(join(ROOT, 'config', 'inventory.example.yaml'));
  const file = join(mkdtempSync(join(tmpdir(), 'jb-portal-http-')), 'c.db');
  const store = await openSqliteStore({ file, log: quietLog });
  const access = openSqliteAccessStore({ file, log: quietLog });
  t.teardown(async () => {
    await store.close();
    await access.close();
  });
  const clock = { now: () => Date.parse('2026-10-15T10:07:00Z') };
  const models = new ModelHolder({ base: { inventory, tariffs: new Map() }, store: access, clock, log: quietLog });
  await models.load();
  await ingest(store, exampleSeries(models.current().model));
  const auth = new AuthService({ store: access, clock, log: quietLog, scrypt: { N: 1024, r: 8, p: 1 } });
  await auth.addUser({ username: 'op', role: 'operator' });
  await auth.addUser({ username: 'ro', role: 'read-only' });
  await auth.addUser({ username: 'acme', role: 'customer', customer: 'acme' });
  await auth.addUser({ username: 'nord', role: 'customer', customer: 'nordwind' });
  const tokens: Record<string, string> = {};
  for (const u of ['op', 'ro', 'acme', 'nord']) tokens[u] = (await auth.createToken(u)).text;
  let failing = false;
  const failingStore = new Proxy(store, {
    get: (s, k) => (k === 'listSeries' && failing ? () => Promise.reject(new Error('disk gone')) : Reflect.get(s, k, s)) as unknown,
  }) as CentralStore;
  const { app } = await buildApi({ store: failingStore, models, auth, clock, log: quietLog, plugins: [portalPlugin()] });
  t.teardown(() => app.close());
  const get = (url: string, caller?: string) => app.inject({ url, headers: caller ? { authorization: `Bearer ${tokens[caller]}` } : {} });

  const index = await get('/');
  t.equal(index.statusCode, 200);
  t.match(index.headers['content-type'], /text\/html/);
  t.match(index.body, /<script type="module" src="\/js\/app.js">/);
  t.match((await get('/vendor/uplot/uPlot.esm.js')).body, /export default uPlot|export \{/, 'uPlot from node_modules');
  t.equal((await get('/js/format.test.ts')).statusCode, 404, 'tests are not served');
  t.equal((await get('/../package.json')).statusCode, 404);
  t.equal(publicDir(join(ROOT, 'dist', 'central', 'portal')), join(ROOT, 'central', 'portal', 'public'), 'found from dist/ too');
  t.throws(() => publicDir('/nowhere/at/all'), /portal assets not found/);

  t.equal((await get('/api/v1/portal/live?by=rack')).statusCode, 401);
  t.equal((await get('/api/v1/portal/chain?site=ams1', 'acme')).statusCode, 403, 'the chain is for staff');
  t.equal((await get('/api/v1/portal/chain?site=ams1', 'ro')).statusCode, 200);
  t.match((await get('/api/v1/portal/live?by=cage', 'op')).json(), {
    error: { code: 'bad_request', message: /by "cage" is one of site, room/ },
  });
  t.match((await get('/api/v1/portal/history', 'op')).json(), {
    error: { code: 'bad_request', message: "querystring must have required property 'site'" },
  });
  const r12 = await get('/api/v1/portal/history?site=ams1&target=rack:ams1-r12&from=2026-10-01&to=2026-10-02', 'acme');
  t.equal(r12.statusCode, 200);
  t.equal(r12.json().buckets.length, 288, 'a day in 5-minute buckets');
  const denied = await get('/api/v1/portal/history?site=ams1&target=rack:ams1-r12&range=24h', 'nord');
  t.same([denied.statusCode, denied.json().error.message], [404, 'no rack:ams1-r12 at ams1 among your points']);
  const targets = (await get('/api/v1/portal/targets?site=ams1', 'nord')).json();
  t.same(targets.racks, ['ams1-c7-k01', 'ams1-c7-k02', 'ams1-k11', 'ams1-r14'], "nordwind's racks over the last 400 days only");
  t.equal((await get('/api/v1/portal/targets?site=nowhere', 'op')).statusCode, 404);
  t.ok((await get('/api/v1/portal/targets?site=ams1', 'op')).json().racks.includes('ams1-r12'));
  const cmp = await get('/api/v1/portal/compare?site=ams1&by=feed&a=2026-09&b=2026-10', 'acme');
  t.same(
    cmp.json().rows.map((r: { group: string }) => r.group),
    ['A', 'B'],
  );
  t.match((await get('/api/v1/portal/live?by=site&site=ams1', 'acme')).json(), { rows: [{ site: 'ams1', group: 'ams1' }] });
  failing = true;
  const broken = await get('/api/v1/portal/live?by=site', 'op');
  t.same([broken.statusCode, broken.json().error.code], [500, 'internal'], 'a storage failure is a 500 with a message, logged once');
});
