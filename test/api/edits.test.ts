// Operators change assignments and tariffs through the API only by adding: a new version supersedes the
// old one from its `from`, the earlier versions stay listed, and the node works on the rebuilt model at
// once. A refused edit says why and changes nothing.
import t from 'tap';
import { cachedCustomerEnergy } from '../../central/api/energy-cache.js';
import { call, makeWorld } from './world.js';

t.test('assignments and tariffs: added, never edited', async (t) => {
  // The node's cached energy (central/main.ts) on a clock that never expires it: an edit must not be
  // hidden by the cache.
  const w = await makeWorld({ energy: (store) => cachedCustomerEnergy({ store, clock: { now: () => 0 } }) });
  t.teardown(() => w.close());
  const op = { token: w.tokens.operator };
  const before = w.holder.current().version;
  const racks = async (customer: string, from: string, to: string) =>
    (
      (await call(w, 'GET', `/api/v1/energy?customer=${customer}&from=${from}&to=${to}&by=rack`, op)).body as {
        rows: { group: string; kWh: number }[];
      }
    ).rows;
  const acmeOct = await racks('acme', '2026-10-01', '2026-11-01');
  const acmeEarly = await racks('acme', '2026-10-01', '2026-10-20');
  const acmeK1 = acmeOct.find((r) => r.group === 'rk-acme-1')?.kWh ?? 0;
  t.ok(acmeK1 > 0, `before: acme's October has rk-acme-1 (${acmeK1} kWh)`);
  t.notOk(
    (await racks('beta', '2026-10-01', '2026-11-01')).some((r) => r.group === 'rk-acme-1'),
    "before: rk-acme-1 is not beta's",
  );
  const moved = await call(w, 'POST', '/api/v1/assignments', {
    ...op,
    body: { id: 'as-acme-1', customer: 'beta', rack: 'rk-acme-1', from: '2026-10-20', note: 'contract moved, ticket 7' },
  });
  t.equal(moved.status, 201, JSON.stringify(moved.body));
  t.match(moved.body, { assignment: { id: 'as-acme-1', version: 2, customer: 'beta' }, modelVersion: before + 1 });
  const moved1 = (await racks('beta', '2026-10-01', '2026-11-01')).find((r) => r.group === 'rk-acme-1')?.kWh ?? 0;
  t.ok(
    moved1 > 0,
    `after: beta's October has rk-acme-1 from the 20th (${moved1} kWh): the model in use changed at once, through the cache`,
  );
  const acmeK1After = (await racks('acme', '2026-10-01', '2026-11-01')).find((r) => r.group === 'rk-acme-1')?.kWh ?? 0;
  t.ok(acmeK1After > 0 && acmeK1After < acmeK1, `after: acme keeps rk-acme-1 up to the 20th only (${acmeK1After} kWh)`);
  t.same(await racks('acme', '2026-10-01', '2026-10-20'), acmeEarly, "history remains: acme's October before the 20th is as before");
  const list = (await call(w, 'GET', '/api/v1/assignments', op)).body as { id: string; version: number; customer: string }[];
  t.same(
    list.filter((a) => a.id === 'as-acme-1').map((a) => [a.version, a.customer]),
    [
      [1, 'acme'],
      [2, 'beta'],
    ],
    'both versions listed',
  );
  const betaSees = (await call(w, 'GET', '/api/v1/assignments', { token: w.tokens.beta })).body as { id: string }[];
  t.ok(
    betaSees.some((a) => a.id === 'as-acme-1'),
    'the new holder sees its new assignment',
  );
  t.notOk(
    ((await call(w, 'GET', '/api/v1/assignments', { token: w.tokens.acme })).body as { customer: string }[]).some(
      (a) => a.customer === 'beta',
    ),
    "acme sees none of beta's",
  );

  const refused = await call(w, 'POST', '/api/v1/assignments', {
    ...op,
    body: { id: 'as-x', customer: 'nobody', rack: 'rk-acme-1', from: '2026-11-01' },
  });
  t.equal(refused.status, 400);
  t.match(refused.body, { error: { code: 'bad_request', message: 'the assignment was refused' } });
  t.ok(JSON.stringify(refused.body).includes('nobody'), 'the problem names the unknown customer');
  t.equal(w.holder.current().version, before + 1, 'a refused edit changes nothing');
  t.equal(
    (
      await call(w, 'POST', '/api/v1/assignments', {
        ...op,
        body: { id: 'as-acme-1', version: 7, customer: 'acme', rack: 'rk-acme-1', from: '2026-12-01' },
      })
    ).status,
    400,
    "the version is the server's to give",
  );

  const tariff = await call(w, 'POST', '/api/v1/sites/ams1/tariffs', {
    ...op,
    body: { version: 'ams-2027', validFrom: '2027-01-01', currency: 'EUR', energyPricePerKwh: '0.24' },
  });
  t.equal(tariff.status, 201, JSON.stringify(tariff.body));
  const tariffs = (await call(w, 'GET', '/api/v1/tariffs', op)).body as { site: string; versions: { version: string }[] }[];
  t.same(
    tariffs.find((x) => x.site === 'ams1')?.versions.map((v) => v.version),
    ['ams-2026', 'ams-2027'],
    'the new version after the old one',
  );
  t.equal(
    (
      await call(w, 'POST', '/api/v1/sites/ams1/tariffs', {
        ...op,
        body: { version: 'bad', validFrom: 'soon', currency: 'EUR', energyPricePerKwh: '0.2' },
      })
    ).status,
    400,
  );
  t.equal((await call(w, 'POST', '/api/v1/sites/nowhere/tariffs', { ...op, body: {} })).status, 404);
  t.equal(
    (await call(w, 'GET', '/api/v1/customers', { token: w.tokens.acme })).text.includes('beta'),
    false,
    'a customer lists only itself',
  );
});
