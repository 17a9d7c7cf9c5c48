import t from 'tap';
import { ConfigError } from '../../../common/issues.js';
import { monthPeriod } from '../../../common/local-time.js';
import { parseSiteTariff, SiteTariff, TariffVersion, versionsIn } from './tariff.js';

const base = { version: 'v1', validFrom: '2026-01-01', currency: 'EUR', energyPricePerKwh: '0.20' };

t.test('defaults and accepted forms', async (t) => {
  const v = TariffVersion.parse({ ...base, energyPricePerKwh: 0.215 });
  t.same([v.overheadFactor, v.touWindows, v.fixedFees, v.taxes], ['1', [], [], []]);
  t.equal(v.energyPricePerKwh, 0.215, 'a YAML number is kept as written');
  const site = parseSiteTariff('tariffs/ams1.yaml', {
    site: 'ams1',
    versions: [
      { ...base, validTo: '2026-07-01' },
      { ...base, version: 'v2', validFrom: '2026-07-01' },
    ],
  });
  t.same(
    site.versions.map((x) => x.version),
    ['v1', 'v2'],
  );
});

t.test('every problem reported at once, by file and path', async (t) => {
  const bad = {
    site: 'ams1',
    versions: [
      {
        ...base,
        currency: 'EURO',
        energyPricePerKwh: '-1',
        overheadFactor: '0.9',
        committedPowerKw: 10,
        touWindows: [
          { name: 'peak', days: 'weekdays', fromHour: 8, toHour: 20, pricePerKwh: '0.3' },
          { name: 'evening', days: 'all', fromHour: 18, toHour: 22, pricePerKwh: '0.25' },
          { name: 'standard', days: 'weekends', fromHour: 10, toHour: 9, pricePerKwh: '0.1' },
        ],
      },
      { ...base, version: 'v2', validFrom: '2026-06-01', currency: 'USD', validTo: '2026-05-01' },
    ],
  };
  const err = t.throws(() => parseSiteTariff('tariffs/ams1.yaml', bad)) as ConfigError;
  t.type(err, ConfigError);
  const paths = err.issues.map((i) => `${i.path}: ${i.message}`);
  for (const want of [
    /^versions\[0\]\.currency: an ISO 4217 code/,
    /^versions\[0\]\.energyPricePerKwh: /,
    /^versions\[0\]\.overheadFactor: at least 1/,
    /^versions\[0\]\.touWindows\[2\]\.toHour: fromHour must be before toHour/,
    /^versions\[1\]\.validTo: must be after validFrom/,
  ])
    t.ok(
      paths.some((p) => want.test(p)),
      `reported: ${want}`,
    );
  t.ok(err.issues.length >= 5, err.message);
});

t.test('cross-field rules once the fields are valid', async (t) => {
  const err = t.throws(() =>
    parseSiteTariff('t.yaml', {
      site: 'ams1',
      versions: [
        {
          ...base,
          validTo: '2026-07-01',
          committedPowerKw: 10,
          touWindows: [
            { name: 'peak', days: 'weekdays', fromHour: 8, toHour: 20, pricePerKwh: '0.3' },
            { name: 'evening', days: 'all', fromHour: 18, toHour: 22, pricePerKwh: '0.25' },
            { name: 'standard', days: 'weekends', fromHour: 1, toHour: 2, pricePerKwh: '0.1' },
          ],
        },
        { ...base, version: 'v2', validFrom: '2026-06-01', currency: 'USD' },
      ],
    }),
  ) as ConfigError;
  const paths = err.issues.map((i) => `${i.path}: ${i.message}`);
  for (const want of [
    'versions[0].overagePricePerKw: needed with committedPowerKw',
    'versions[0].touWindows[1]: overlaps "peak" on ISO weekday 1 at 18:00',
    'versions[0].touWindows[2].name: "standard" is used already',
    'versions[1].currency: a site bills in one currency (EUR before)',
    'versions[1].validFrom: overlaps version "v1"',
  ])
    t.ok(paths.includes(want), want);
});

t.test("the utility's price per month: one price a month", async (t) => {
  const site = (utilityPrices: unknown) => SiteTariff.safeParse({ site: 'ams1', versions: [base], utilityPrices });
  const ok = site([
    { month: '2026-09', pricePerKwh: '0.1412' },
    { month: '2026-10', pricePerKwh: 0.1527 },
  ]);
  t.same(ok.data?.utilityPrices, [
    { month: '2026-09', pricePerKwh: '0.1412' },
    { month: '2026-10', pricePerKwh: 0.1527 },
  ]);
  t.equal(site(undefined).data?.utilityPrices, undefined, 'optional: only pass-through contracts need them');
  const issues = (r: ReturnType<typeof site>) => r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  t.same(
    issues(
      site([
        { month: '2026-09', pricePerKwh: '0.14' },
        { month: '2026-10', pricePerKwh: '0.15' },
        { month: '2026-09', pricePerKwh: '0.13' },
        { month: '2026-10', pricePerKwh: '0.16' },
      ]),
    ),
    [
      'utilityPrices.2.month: 2026-09 is priced already (utilityPrices[0])',
      'utilityPrices.3.month: 2026-10 is priced already (utilityPrices[1])',
    ],
  );
  t.same(issues(site([{ month: '2026-13', pricePerKwh: '-0.1' }])), [
    'utilityPrices.0.month: a month YYYY-MM',
    'utilityPrices.0.pricePerKwh: a decimal number such as "0.215"',
  ]);
});

t.test('versions clipped to a period in local dates', async (t) => {
  const p = monthPeriod('2026-10', 'Europe/Amsterdam');
  const v1 = TariffVersion.parse({ ...base, validTo: '2026-10-16' });
  const v2 = TariffVersion.parse({ ...base, version: 'v2', validFrom: '2026-10-16' });
  const old = TariffVersion.parse({ ...base, version: 'v0', validFrom: '2025-01-01', validTo: '2026-01-01' });
  const spans = versionsIn([v2, old, v1], p.fromMs, p.toMs, 'Europe/Amsterdam');
  t.same(
    spans.map((s) => [s.version.version, new Date(s.fromMs).toISOString(), new Date(s.toMs).toISOString()]),
    [
      ['v1', '2026-09-30T22:00:00.000Z', '2026-10-15T22:00:00.000Z'],
      ['v2', '2026-10-15T22:00:00.000Z', '2026-10-31T23:00:00.000Z'],
    ],
  );
});
