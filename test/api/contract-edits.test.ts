// Operators add billing accounts, contracts and contract versions, and the utility's monthly prices
// through the API, over HTTP on SQLite, as they add assignments and tariff versions: appended, applied to
// the running model at once, refused whole with every problem, and read back from the database at a
// restart. The world: ams1 (EUR, a tariff) and sin9 (SGD, none); customers acme and beta, no accounts or
// contracts written in its files.
import t, { type Test } from 'tap';
import { ModelHolder } from '../../central/model/holder.js';
import { openSqliteAccessStore } from '../../central/storage/access/sqlite.js';
import { quietLog } from '../helpers/env.js';
import { call, INVENTORY, makeWorld, TARIFFS, type World } from './world.js';

const details = (b: unknown) =>
  ((b as { error?: { details?: unknown[] } }).error?.details ?? []).map((d) => (typeof d === 'string' ? d : JSON.stringify(d))).join('\n');
const post = (w: World, path: string, body: unknown, token = w.tokens.operator) => call(w, 'POST', `/api/v1${path}`, { token, body });
const get = async <T>(w: World, path: string, token = w.tokens.readonly) => (await call(w, 'GET', `/api/v1${path}`, { token })).body as T;

interface ContractOut {
  id: string;
  customer: string;
  account: string;
  sites?: string[];
  versions: { version: string; validFrom: string; validTo?: string; energyPricePerKwh?: string }[];
}

/** A refused edit: its status, a problem matching `why`, and the model left as it was. */
async function refusedEdit(t: Test, w: World, path: string, body: unknown, status: number, why: RegExp, token?: string) {
  const before = w.holder.current().version;
  const r = await post(w, path, body, token);
  t.equal(r.status, status, `${path} ${JSON.stringify(body)}: ${r.status}`);
  t.match(details(r.body) || JSON.stringify(r.body), why);
  t.equal(w.holder.current().version, before, 'nothing changed');
}

t.test('billing accounts: implied until written, new ids only', async (t) => {
  const w = await makeWorld();
  t.teardown(() => w.close());
  type AccountOut = { id: string; customer: string; name: string; implied: boolean; default: boolean };
  t.same(
    (await get<AccountOut[]>(w, '/accounts')).map((a) => [a.id, a.customer, a.implied, a.default]),
    [
      ['acme', 'acme', true, true],
      ['beta', 'beta', true, true],
    ],
    'each customer is its own account',
  );
  const added = await post(w, '/accounts', { id: 'acme-nl', customer: 'acme', name: 'Acme Nederland B.V.', externalRef: 'D-1001' });
  t.match(added, {
    status: 201,
    body: { account: { id: 'acme-nl', customer: 'acme', name: 'Acme Nederland B.V.', externalRef: 'D-1001', implied: false } },
  });
  t.ok(await post(w, '/accounts', { id: 'acme-sg', customer: 'acme', name: 'Acme Asia Pte. Ltd.' }), 'a second account of acme');
  t.same(
    (await get<AccountOut[]>(w, '/accounts?customer=acme')).map((a) => [a.id, a.default]),
    [
      ['acme-nl', true],
      ['acme-sg', false],
    ],
    "the first account written is acme's default and replaces the implied one",
  );
  await refusedEdit(t, w, '/accounts', { id: 'acme-nl', customer: 'acme', name: 'Again' }, 400, /duplicate account id "acme-nl"/);
  await refusedEdit(
    t,
    w,
    '/accounts',
    { id: 'zeta-bv', customer: 'zeta', name: 'Zeta' },
    400,
    /account edit 3\.customer: unknown customer "zeta"/,
  );
  await refusedEdit(
    t,
    w,
    '/accounts',
    { id: 'beta', customer: 'acme', name: 'Acme Beta' },
    400,
    /invoiced as account "beta", which belongs to "acme"/,
  );
  await refusedEdit(t, w, '/accounts', { id: 'x', customer: 'acme' }, 400, /name/);
  const details = { validFrom: '2026-01-01', legalName: 'Acme GmbH', address: { city: 'Berlin', country: 'DE' } };
  await refusedEdit(
    t,
    w,
    '/accounts',
    { id: 'acme-de', customer: 'acme', name: 'Acme GmbH', details: [{ ...details, vatId: '298765432', taxTreatment: 'exempt' }] },
    400,
    /details\.0\.vatId: a VAT id with its country prefix[\s\S]*details\.0\.taxExemptionReason: an exempt treatment needs its legal ground/,
  );
  const legal = await post(w, '/accounts', {
    id: 'acme-de',
    customer: 'acme',
    name: 'Acme GmbH',
    details: [{ ...details, vatId: 'DE298765432', taxTreatment: 'reverse-charge' }],
  });
  t.equal(legal.status, 201, 'an account with legal details');
  t.match(legal.body, { account: { id: 'acme-de', details: [{ vatId: 'DE298765432', taxTreatment: 'reverse-charge' }] } });
  await refusedEdit(t, w, '/accounts', { id: 'beta-ltd', customer: 'beta', name: 'Beta Ltd' }, 403, /forbidden/, w.tokens.readonly);
  await refusedEdit(t, w, '/accounts', { id: 'beta-ltd', customer: 'beta', name: 'Beta Ltd' }, 403, /forbidden/, w.tokens.beta);
  t.equal((await call(w, 'GET', '/api/v1/accounts', { token: w.tokens.acme })).status, 403, 'staff only');
});

t.test('contracts: a new one, versions appended from a later date, refused whole', async (t) => {
  const w = await makeWorld();
  t.teardown(() => w.close());
  t.same(await get(w, '/contracts'), [], 'none written');
  t.equal((await post(w, '/accounts', { id: 'acme-nl', customer: 'acme', name: 'Acme Nederland B.V.' })).status, 201);
  const v2026 = {
    version: '2026',
    validFrom: '2026-01-01',
    energyPricePerKwh: '0.19',
    fixedFees: [{ name: 'cross-connect', amountPerMonth: '150' }],
  };
  const first = await post(w, '/contracts', { contract: 'acme-ams', customer: 'acme', sites: ['ams1'], version: v2026 });
  t.match(first, {
    status: 201,
    body: {
      contract: {
        id: 'acme-ams',
        customer: 'acme',
        account: 'acme-nl',
        sites: ['ams1'],
        versions: [{ version: '2026', priceList: 'site', prorate: 'days-held' }],
      },
    },
  });
  const before = w.holder.current().version;
  const next = await post(w, '/contracts', {
    contract: 'acme-ams',
    customer: 'acme',
    version: { version: '2026-11', validFrom: '2026-11-01', energyPricePerKwh: '0.18', committedPowerPerRackKw: '4' },
  });
  t.match(next, { status: 201, body: { modelVersion: before + 1 } });
  const listed = await get<ContractOut[]>(w, '/contracts?customer=acme');
  t.same(
    listed.map((c) => c.versions.map((v) => [v.version, v.validFrom, v.validTo, v.energyPricePerKwh])),
    [
      [
        ['2026', '2026-01-01', '2026-11-01', '0.19'],
        ['2026-11', '2026-11-01', undefined, '0.18'],
      ],
    ],
    'the open version ends where the next begins; both listed',
  );
  t.same(await get(w, '/contracts?customer=beta'), []);
  const passThrough = await post(w, '/contracts', {
    contract: 'beta-ams',
    customer: 'beta',
    sites: ['ams1'],
    version: { version: 'pt-1', validFrom: '2026-10-01', passThrough: { overheadFactor: '1.35', marginPerKwh: '0.025' } },
  });
  t.match(passThrough, {
    status: 201,
    body: { contract: { account: 'beta', versions: [{ passThrough: { overheadFactor: '1.35', marginPerKwh: '0.025' } }] } },
  });

  const late = { version: '2027', validFrom: '2027-01-01' };
  for (const [body, why] of [
    [
      { contract: 'acme-ams', version: { version: 'x', validFrom: '2026-11-01' } },
      /must be after the latest version's \(2026-11: 2026-11-01\)/,
    ],
    [{ contract: 'acme-ams', version: { ...late, version: '2026' } }, /"2026" is a version of it already/],
    [{ contract: 'acme-ams', customer: 'beta', version: late }, /contract "acme-ams"\.customer: is "acme", not "beta"/],
    [{ contract: 'acme-ams', account: 'acme', version: late }, /account: is the customer's default, not "acme"/],
    [{ contract: 'acme-ams', sites: ['ams1', 'sin9'], version: late }, /sites: are ams1, not ams1, sin9/],
    [{ contract: 'new-one', version: late }, /contract "new-one"\.customer: a new contract needs its customer/],
    [{ contract: 'c-x', customer: 'nobody', version: late }, /contract "c-x"\.customer: unknown customer "nobody"/],
    [
      { contract: 'c-x', customer: 'beta', account: 'acme-nl', sites: ['sin9'], version: late },
      /account "acme-nl" belongs to customer "acme", not "beta"/,
    ],
    [{ contract: 'c-x', customer: 'beta', sites: ['lon1'], version: late }, /contract "c-x"\.sites\.0: unknown site "lon1"/],
    [
      { contract: 'c-x', customer: 'acme', version: { ...late, committedPowerKw: '10' } },
      /overlaps contract "acme-ams" at ams1: one contract per customer, site and date/,
    ],
    [
      { contract: 'c-x', customer: 'beta', version: { ...late, energyPricePerKwh: '0.2' } },
      /states prices, but its sites invoice in EUR and SGD/,
    ],
    [{ contract: 'c-x', customer: 'beta', version: { ...late, validTo: '2026-12-01' } }, /version\.validTo: must be after validFrom/],
    [
      { contract: 'c-x', customer: 'beta', version: { ...late, priceList: 'own' } },
      /an own price list needs energyPricePerKwh or passThrough/,
    ],
    [{ contract: 'c-x', customer: 'beta', version: late, note: 'x' }, /note/],
  ] as const)
    await refusedEdit(t, w, '/contracts', body, 400, why);
  await refusedEdit(
    t,
    w,
    '/contracts',
    { contract: 'c-y', customer: 'beta', sites: ['sin9'], version: late },
    403,
    /forbidden/,
    w.tokens.readonly,
  );
  t.equal((await call(w, 'GET', '/api/v1/contracts', { token: w.tokens.beta })).status, 403, 'staff only');
  const apart = await post(w, '/contracts', {
    contract: 'acme-sin',
    customer: 'acme',
    account: 'acme-nl',
    sites: ['sin9'],
    version: { ...late, energyPricePerKwh: '0.31' },
  });
  t.equal(apart.status, 201, "acme's contract at its other site, in SGD, on the same account");
  t.same(
    (await get<ContractOut[]>(w, '/contracts')).map((c) => [c.id, c.customer, c.account, c.sites]),
    [
      ['acme-ams', 'acme', 'acme-nl', ['ams1']],
      ['beta-ams', 'beta', 'beta', ['ams1']],
      ['acme-sin', 'acme', 'acme-nl', ['sin9']],
    ],
  );
});

t.test("utility prices: a month's price is added once; tariff versions keep them", async (t) => {
  const w = await makeWorld();
  t.teardown(() => w.close());
  const added = await post(w, '/sites/ams1/utility-prices', { month: '2026-10', pricePerKwh: '0.1527' });
  t.match(added, { status: 201, body: { site: 'ams1', utilityPrice: { month: '2026-10', pricePerKwh: '0.1527' } } });
  t.equal((await post(w, '/sites/ams1/utility-prices', { month: '2026-11', pricePerKwh: 0.1604 })).status, 201);
  await refusedEdit(
    t,
    w,
    '/sites/ams1/utility-prices',
    { month: '2026-10', pricePerKwh: '0.1499' },
    400,
    /utility price for 2026-10 already; it may have been invoiced/,
  );
  await refusedEdit(t, w, '/sites/sin9/utility-prices', { month: '2026-10', pricePerKwh: '0.2' }, 400, /site "sin9" has no tariff/);
  await refusedEdit(t, w, '/sites/ams1/utility-prices', { month: '2026-13', pricePerKwh: '0.2' }, 400, /month: a month YYYY-MM/);
  await refusedEdit(t, w, '/sites/ams1/utility-prices', { month: '2026-12', pricePerKwh: '-0.2' }, 400, /pricePerKwh/);
  await refusedEdit(t, w, '/sites/lon1/utility-prices', { month: '2026-12', pricePerKwh: '0.2' }, 404, /not_found/);
  await refusedEdit(t, w, '/sites/ams1/utility-prices', { month: '2026-12', pricePerKwh: '0.2' }, 403, /forbidden/, w.tokens.readonly);
  const tv = { version: 'ams-2027', validFrom: '2027-01-01', currency: 'EUR', energyPricePerKwh: '0.25' };
  t.equal((await post(w, '/sites/ams1/tariffs', tv)).status, 201);
  type TariffOut = { site: string; versions: { version: string }[]; utilityPrices?: { month: string; pricePerKwh: string | number }[] };
  const [ams1] = await get<TariffOut[]>(w, '/tariffs?site=ams1');
  t.same(
    ams1?.versions.map((v) => v.version),
    ['ams-2026', 'ams-2027'],
  );
  t.same(
    ams1?.utilityPrices,
    [
      { month: '2026-10', pricePerKwh: '0.1527' },
      { month: '2026-11', pricePerKwh: 0.1604 },
    ],
    'a later tariff version keeps the months priced before it',
  );
});

t.test('a restart reads every kind of edit back from the database', async (t) => {
  const w = await makeWorld();
  t.teardown(() => w.close());
  t.equal(
    (
      await post(w, '/contracts', {
        contract: 'beta-sin',
        customer: 'beta',
        sites: ['sin9'],
        version: { version: 'v1', validFrom: '2026-01-01', energyPricePerKwh: '0.3' },
      })
    ).status,
    201,
  );
  t.equal((await post(w, '/accounts', { id: 'beta-ltd', customer: 'beta', name: 'Beta Ltd' })).status, 201);
  t.equal(
    (await post(w, '/contracts', { contract: 'beta-sin', version: { version: 'v2', validFrom: '2026-10-15', energyPricePerKwh: '0.28' } }))
      .status,
    201,
  );
  t.equal((await post(w, '/sites/ams1/utility-prices', { month: '2026-10', pricePerKwh: '0.15' })).status, 201);
  const access = openSqliteAccessStore({ file: w.file, log: quietLog });
  t.teardown(() => access.close());
  const again = new ModelHolder({ base: { inventory: INVENTORY, tariffs: TARIFFS }, store: access, clock: w.deps.clock, log: quietLog });
  const snap = await again.load();
  const now = w.holder.current();
  t.same(snap.model.parties.contracts.get('beta-sin'), now.model.parties.contracts.get('beta-sin'));
  t.same(
    snap.model.parties.contracts.get('beta-sin')?.versions.map((v) => [v.version, v.validTo]),
    [
      ['v1', '2026-10-15'],
      ['v2', undefined],
    ],
  );
  t.equal(
    snap.model.parties.contracts.get('beta-sin')?.account,
    'beta-ltd',
    "a contract without an account follows its customer's default: beta's first account, written after the contract",
  );
  t.same(snap.tariffs.get('ams1')?.utilityPrices, [{ month: '2026-10', pricePerKwh: '0.15' }]);
});
