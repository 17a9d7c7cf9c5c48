// Entities, accounts and contracts as the model resolves them (through buildModel, on the shared fixture:
// s1 Amsterdam in EUR, s2 Singapore in SGD, customers acme, nord, lum): what is implied when nothing is
// written, what a written list changes, and every problem at the path it was written.
import t from 'tap';
import { type Fixture, modelOf, problemsOf } from '../../../test/helpers/inventory.js';
import { Contract, ContractVersion } from './schema.js';

const v2026 = { version: '2026', validFrom: '2026-01-01' };
const priced = { ...v2026, energyPricePerKwh: '0.19' };

t.test('nothing written: each site invoices alone, each customer is its own account', async (t) => {
  const { parties: p } = modelOf();
  t.same(
    [...p.entities.values()],
    [
      { id: 's1', name: 'Amsterdam', timeZone: 'Europe/Amsterdam', sites: ['s1'], implied: true },
      { id: 's2', name: 'Singapore', timeZone: 'Asia/Singapore', sites: ['s2'], implied: true },
    ],
  );
  t.same(
    [...p.siteEntity],
    [
      ['s1', 's1'],
      ['s2', 's2'],
    ],
  );
  t.same(
    [...p.accounts.values()].map((a) => [a.id, a.customer, a.name, a.implied]),
    [
      ['acme', 'acme', 'Acme', true],
      ['nord', 'nord', 'Nordwind', true],
      ['lum', 'lum', 'Lumen', true],
    ],
  );
  t.same([...p.defaultAccount.values()], ['acme', 'nord', 'lum']);
  t.same([p.contracts.size, p.contractsByCustomer.size], [0, 0]);
});

t.test('written entities, accounts and contracts', async (t) => {
  const { parties: p } = modelOf([], (b) => {
    b.entities = [
      { id: 'group', name: 'Joule Group B.V.' },
      { id: 'sg-pte', name: 'Joule SG Pte. Ltd.', timeZone: 'Asia/Singapore' },
      { id: 'dormant', name: 'Joule Dormant' },
    ];
    b.sites[0]!.entity = 'group';
    b.sites[1]!.entity = 'group';
    b.customers.push({ id: 'zed', name: 'Zed', externalRef: 'F-77' });
    b.accounts = [
      { id: 'acme-nl', customer: 'acme', name: 'Acme Nederland B.V.', externalRef: 'D-1001' },
      { id: 'acme-sg', customer: 'acme', name: 'Acme Asia Pte. Ltd.' },
      { id: 'lum', customer: 'lum', name: 'Lumen GmbH' },
    ];
    b.contracts = [
      { id: 'acme-ams', customer: 'acme', sites: ['s1'], versions: [priced] },
      { id: 'acme-sin', customer: 'acme', account: 'acme-sg', sites: ['s2'], versions: [{ ...v2026, energyPricePerKwh: '0.31' }] },
      // No money stated: each site's own price list, in its own currency, with a commitment per rack.
      { id: 'nord-all', customer: 'nord', versions: [{ ...v2026, committedPowerPerRackKw: '4' }] },
    ];
  });
  t.same(
    [...p.entities.values()].map((e) => [e.id, e.timeZone, e.sites, e.implied]),
    [
      ['group', 'Europe/Amsterdam', ['s1', 's2'], false],
      ['sg-pte', 'Asia/Singapore', [], false],
      ['dormant', 'UTC', [], false],
    ],
    "an entity's zone is its own, else its first site's, else UTC",
  );
  t.same(
    [...p.siteEntity],
    [
      ['s1', 'group'],
      ['s2', 'group'],
    ],
  );
  t.same(
    [...p.defaultAccount],
    [
      ['acme', 'acme-nl'],
      ['lum', 'lum'],
      ['nord', 'nord'],
      ['zed', 'zed'],
    ],
    "a customer's first account written is its default; a customer without one is its own",
  );
  t.match(p.accounts.get('lum'), { name: 'Lumen GmbH', implied: false }, "an account may carry its customer's id");
  t.match(p.accounts.get('zed'), { name: 'Zed', externalRef: 'F-77', implied: true });
  t.same(
    [...p.contracts.values()].map((c) => [c.id, c.account, c.sites]),
    [
      ['acme-ams', 'acme-nl', ['s1']],
      ['acme-sin', 'acme-sg', ['s2']],
      ['nord-all', 'nord', undefined],
    ],
  );
  t.same(
    p.contractsByCustomer.get('acme')?.map((c) => c.id),
    ['acme-ams', 'acme-sin'],
  );
});

t.test('contracts of one customer that meet but do not overlap', async (t) => {
  const { parties: p } = modelOf([], (b) => {
    b.contracts = [
      { id: 'a1', customer: 'acme', sites: ['s1'], versions: [{ ...priced, validTo: '2026-07-01' }] },
      { id: 'a2', customer: 'acme', sites: ['s1'], versions: [{ ...priced, version: 'h2', validFrom: '2026-07-01' }] },
      { id: 'a3', customer: 'acme', sites: ['s2'], versions: [{ ...v2026, energyPricePerKwh: '0.3' }] },
      { id: 'n1', customer: 'nord', sites: ['s1'], versions: [priced] },
    ];
  });
  t.same([...p.contracts.keys()], ['a1', 'a2', 'a3', 'n1'], 'one contract per customer, site and date; other customers apart');
});

// Each case breaks the fixture one way and names every path and message it must be reported with.
const PROBLEMS: [string, (b: Fixture) => void, [string, RegExp][]][] = [
  ['a site naming an unknown entity', (b) => void (b.sites[0]!.entity = 'nope'), [['sites.0.entity', /^unknown entity "nope"$/]]],
  ["a site naming another site's implied entity", (b) => void (b.sites[1]!.entity = 's1'), [['sites.1.entity', /^unknown entity "s1"$/]]],
  [
    'an entity with the id of a site that invoices alone',
    (b) => void (b.entities = [{ id: 's2', name: 'Joule SG' }]),
    [['sites.1.id', /^site "s2" invoices alone under its own id, which entity "s2" uses$/]],
  ],
  [
    'a duplicate entity id',
    (b) => {
      b.entities = [
        { id: 'nl', name: 'A' },
        { id: 'nl', name: 'B' },
      ];
      b.sites[0]!.entity = 'nl';
    },
    [['entities.1.id', /^duplicate entity id "nl" \(also entities\[0\]\)$/]],
  ],
  [
    'an account of an unknown customer',
    (b) => void (b.accounts = [{ id: 'x-bv', customer: 'xyz', name: 'X' }]),
    [['accounts.0.customer', /^unknown customer "xyz"$/]],
  ],
  [
    'a duplicate account id',
    (b) =>
      void (b.accounts = [
        { id: 'acme-nl', customer: 'acme', name: 'A' },
        { id: 'acme-nl', customer: 'nord', name: 'B' },
      ]),
    [['accounts.1.id', /^duplicate account id "acme-nl" \(also accounts\[0\]\)$/]],
  ],
  [
    'an account with the id of a customer that is its own account',
    (b) => void (b.accounts = [{ id: 'nord', customer: 'acme', name: 'Acme Nord' }]),
    [['accounts.0.id', /^customer "nord" has no account of its own and is invoiced as account "nord", which belongs to "acme"$/]],
  ],
  [
    'contract references: customer, account, sites',
    (b) => {
      b.accounts = [{ id: 'nord-bv', customer: 'nord', name: 'N' }];
      b.contracts = [
        { id: 'c1', customer: 'xyz', versions: [v2026] },
        { id: 'c2', customer: 'acme', account: 'nope', sites: ['s1'], versions: [v2026] },
        { id: 'c3', customer: 'acme', account: 'nord-bv', sites: ['s2'], versions: [v2026] },
        { id: 'c4', customer: 'lum', account: 'acme', sites: ['s1'], versions: [v2026] },
        { id: 'c5', customer: 'lum', sites: ['s2', 's9', 's2'], versions: [v2026] },
      ];
    },
    [
      ['contracts.0.customer', /^unknown customer "xyz"$/],
      ['contracts.1.account', /^unknown account "nope"$/],
      ['contracts.2.account', /^account "nord-bv" belongs to customer "nord", not "acme"$/],
      ['contracts.3.account', /^account "acme" belongs to customer "acme", not "lum"$/],
      ['contracts.4.sites.1', /^unknown site "s9"$/],
      ['contracts.4.sites.2', /^site "s2" is listed twice$/],
    ],
  ],
  [
    'a duplicate contract id, also when the first has problems of its own',
    (b) =>
      void (b.contracts = [
        { id: 'c1', customer: 'xyz', versions: [v2026] },
        { id: 'c1', customer: 'acme', sites: ['s1'], versions: [v2026] },
        { id: 'c1', customer: 'nord', sites: ['s1'], versions: [v2026] },
      ]),
    [
      ['contracts.0.customer', /^unknown customer "xyz"$/],
      ['contracts.1.id', /^duplicate contract id "c1" \(also contracts\[0\]\)$/],
      ['contracts.2.id', /^duplicate contract id "c1" \(also contracts\[0\]\)$/],
    ],
  ],
  [
    'prices stated over sites in two currencies',
    (b) =>
      void (b.contracts = [
        {
          id: 'every',
          customer: 'acme',
          versions: [
            { ...v2026, validTo: '2027-01-01', committedPowerKw: '10' },
            { ...v2026, version: '2027', validFrom: '2027-01-01', minimumChargePerMonth: '500' },
          ],
        },
        { id: 'both', customer: 'nord', sites: ['s1', 's2'], versions: [{ ...v2026, passThrough: { marginPerKwh: '0.02' } }] },
      ]),
    [
      ['contracts.0.versions.1', /^states prices, but its sites invoice in EUR and SGD: one contract per currency \(list its sites\)$/],
      ['contracts.1.versions.0', /^states prices, but its sites invoice in EUR and SGD/],
    ],
  ],
  [
    'two contracts of one customer at one site on one date',
    (b) =>
      void (b.contracts = [
        { id: 'a1', customer: 'acme', sites: ['s1'], versions: [{ ...priced, validTo: '2026-07-01' }] },
        { id: 'a2', customer: 'acme', versions: [{ version: 'late', validFrom: '2026-06-30', committedPowerKw: '5' }] },
        { id: 'a3', customer: 'acme', sites: ['s2'], versions: [{ version: 'sg', validFrom: '2025-01-01' }] },
      ]),
    [
      ['contracts.1.versions', /^overlaps contract "a1" at s1: one contract per customer, site and date$/],
      ['contracts.2.versions', /^overlaps contract "a2" at s2/],
    ],
  ],
];

t.test('every problem at the path it was written', async (t) => {
  for (const [name, patch, want] of PROBLEMS) {
    const got = problemsOf(patch).map((p) => [p.path.join('.'), p.message] as const);
    t.same(
      got.map(([path]) => path),
      want.map(([path]) => path),
      `${name}: these paths and no others`,
    );
    for (const [path, re] of want)
      t.ok(
        got.some(([p, m]) => p === path && re.test(m)),
        `${name}: ${path} ${re}`,
      );
  }
});

t.test('what the schema refuses before the model sees it', async (t) => {
  const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
    r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
  t.same(
    issues(
      ContractVersion.safeParse({
        ...v2026,
        validTo: '2025-12-31',
        committedPowerKw: '8',
        committedPowerPerRackKw: '2',
        overheadFactor: '0.9',
        energyPricePerKwh: '0.2',
        passThrough: {},
      }),
    ),
    [
      'validTo: must be after validFrom',
      'committedPowerPerRackKw: either committedPowerKw or committedPowerPerRackKw',
      'overheadFactor: at least 1',
      'passThrough: a pass-through price replaces energyPricePerKwh and touWindows',
    ],
  );
  t.same(issues(ContractVersion.safeParse({ ...v2026, priceList: 'own' })), [
    'energyPricePerKwh: an own price list needs energyPricePerKwh or passThrough',
  ]);
  t.same(
    issues(Contract.safeParse({ id: 'c', customer: 'acme', versions: [v2026, { ...v2026, version: '2026b', validFrom: '2026-06-01' }] })),
    ['versions.1.validFrom: overlaps version "2026"'],
    'an open version must end before the next starts',
  );
  t.match(ContractVersion.parse(v2026), { priceList: 'site', prorate: 'days-held' }, 'defaults');
});
