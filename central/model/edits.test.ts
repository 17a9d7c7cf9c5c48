// The operators' edits applied over the files (pure): contract versions appended to a contract the files
// wrote, accounts after the files' accounts, utility prices on the tariff a tariff edit extended, and each
// problem located where an operator can find it (an edit by its number, a contract by its id).
import t from 'tap';
import { inventoryOf } from '../../test/helpers/inventory.js';
import { ContractEdit } from './contracts/schema.js';
import { applyEdits, NO_EDITS, TariffEdit, UtilityPriceEdit, type ModelEdits } from './edits.js';
import { SiteTariff } from './tariffs/tariff.js';

const inventory = inventoryOf((b) => {
  b.accounts = [{ id: 'acme-nl', customer: 'acme', name: 'Acme Nederland B.V.' }];
  b.contracts = [
    {
      id: 'acme-s1',
      customer: 'acme',
      sites: ['s1'],
      versions: [
        { version: 'h1', validFrom: '2026-01-01', validTo: '2026-07-01', energyPricePerKwh: '0.2' },
        { version: 'h2', validFrom: '2026-07-01', validTo: '2027-07-01', energyPricePerKwh: '0.21' },
      ],
    },
  ];
});
const tariffs = new Map([
  [
    's1',
    SiteTariff.parse({
      site: 's1',
      versions: [{ version: 't1', validFrom: '2026-01-01', currency: 'EUR', energyPricePerKwh: '0.2' }],
      utilityPrices: [{ month: '2026-09', pricePerKwh: '0.14' }],
    }),
  ],
]);
const base = { inventory, tariffs };
const edits = (e: Partial<{ [K in keyof ModelEdits]: unknown[] }>): ModelEdits => ({
  ...NO_EDITS,
  contract: (e.contract ?? []).map((x) => ContractEdit.parse(x)),
  tariff: (e.tariff ?? []).map((x) => TariffEdit.parse(x)),
  'utility-price': (e['utility-price'] ?? []).map((x) => UtilityPriceEdit.parse(x)),
  account: (e.account ?? []) as ModelEdits['account'],
});

t.test("a version of a contract the files wrote: it takes over from its date, the files' versions end there", async (t) => {
  const r = applyEdits(
    base,
    edits({
      contract: [
        { contract: 'acme-s1', version: { version: 'renegotiated', validFrom: '2026-10-01', energyPricePerKwh: '0.18' } },
        {
          contract: 'acme-s1',
          customer: 'acme',
          sites: ['s1'],
          version: { version: '2027', validFrom: '2027-01-01', energyPricePerKwh: '0.17' },
        },
      ],
    }),
  );
  t.ok(r.ok);
  const c = r.ok ? r.value.model.parties.contracts.get('acme-s1') : undefined;
  t.same(
    c?.versions.map((v) => [v.version, v.validFrom, v.validTo]),
    [
      ['h1', '2026-01-01', '2026-07-01'],
      ['h2', '2026-07-01', '2026-10-01'],
      ['renegotiated', '2026-10-01', '2027-01-01'],
      ['2027', '2027-01-01', undefined],
    ],
    'a version ending later than the new one starts ends where it starts; one ending earlier keeps its end',
  );
  t.equal(c?.account, 'acme-nl');
});

t.test("an account may take its customer's own id: the account it was invoiced as until then", async (t) => {
  const r = applyEdits(base, edits({ account: [{ id: 'nord', customer: 'nord', name: 'Nordwind GmbH', externalRef: 'D-2002' }] }));
  t.same(r.ok && r.value.model.parties.accounts.get('nord'), {
    id: 'nord',
    customer: 'nord',
    name: 'Nordwind GmbH',
    externalRef: 'D-2002',
    implied: false,
  });
  t.equal(r.ok && r.value.model.parties.defaultAccount.get('nord'), 'nord');
});

t.test('problems say which edit or contract they are about', async (t) => {
  const problems = (e: Parameters<typeof edits>[0]) => {
    const r = applyEdits(base, edits(e));
    return r.ok ? [] : r.problems;
  };
  t.same(
    problems({
      account: [
        { id: 'nord-a', customer: 'nord', name: 'N' },
        { id: 'acme-nl', customer: 'acme', name: 'again' },
      ],
    }),
    ['account edit 2.id: duplicate account id "acme-nl" (also accounts[0])'],
  );
  t.same(
    problems({
      contract: [{ contract: 'nord-x', customer: 'nord', sites: ['s1', 's3'], version: { version: 'v', validFrom: '2026-01-01' } }],
    }),
    ['contract "nord-x".sites.1: unknown site "s3"'],
  );
  t.same(
    problems({
      contract: [{ contract: 'acme-all', customer: 'acme', version: { version: 'v', validFrom: '2027-06-01', committedPowerKw: '5' } }],
    }),
    ['contract "acme-all".versions: overlaps contract "acme-s1" at s1: one contract per customer, site and date'],
  );
  t.same(
    problems({
      contract: [
        { contract: 'acme-s1-late', customer: 'acme', sites: ['s1'], version: { version: 'v', validFrom: '2027-07-01' } },
        { contract: 'acme-s1', version: { version: 'h3', validFrom: '2027-08-01' } },
      ],
    }),
    ['contract "acme-s1-late".versions: overlaps contract "acme-s1" at s1: one contract per customer, site and date'],
    'a version appended to an earlier contract may not reach into a later one',
  );
});

t.test('utility prices: on the tariff as the tariff edits left it, a month once', async (t) => {
  const r = applyEdits(
    base,
    edits({
      'utility-price': [{ site: 's1', price: { month: '2026-10', pricePerKwh: '0.15' } }],
      tariff: [{ site: 's1', version: { version: 't2', validFrom: '2026-11-01', currency: 'EUR', energyPricePerKwh: '0.22' } }],
    }),
  );
  const s1 = r.ok ? r.value.tariffs.get('s1') : undefined;
  t.same(
    s1?.versions.map((v) => [v.version, v.validTo]),
    [
      ['t1', '2026-11-01'],
      ['t2', undefined],
    ],
  );
  t.same(
    s1?.utilityPrices?.map((p) => p.month),
    ['2026-09', '2026-10'],
    "the files' month and the edit's, the tariff edit notwithstanding",
  );
  const again = applyEdits(base, edits({ 'utility-price': [{ site: 's1', price: { month: '2026-09', pricePerKwh: '0.13' } }] }));
  t.same(again.ok ? [] : again.problems, ['site "s1" has a utility price for 2026-09 already; it may have been invoiced, so it stays']);
  const none = applyEdits(base, edits({ 'utility-price': [{ site: 's2', price: { month: '2026-09', pricePerKwh: '0.3' } }] }));
  t.same(none.ok ? [] : none.problems, ['site "s2" has no tariff: add its first tariff version, then its utility prices']);
});
