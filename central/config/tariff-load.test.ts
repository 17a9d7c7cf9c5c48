import { join } from 'node:path';
import t from 'tap';
import { ConfigError } from '../../common/issues.js';
import { readInventory } from './inventory-load.js';
import { readTariffs } from './tariff-load.js';

const ROOT = join(import.meta.dirname, '..', '..');
const { model } = await readInventory(join(ROOT, 'config', 'inventory.example.yaml'));

const files = (texts: Record<string, string>) => ({
  readText: async (f: string) => {
    const k = Object.keys(texts).find((name) => f.endsWith(name));
    if (k === undefined) throw new Error(`ENOENT: ${f}`);
    return texts[k]!;
  },
});

t.test('the example: every site of the example inventory, in its currency', async (t) => {
  const book = await readTariffs([join(ROOT, 'config', 'tariffs.example.yaml')], model);
  t.same([...book.keys()], ['ams1', 'ams2', 'sin1']);
  t.same(
    book.get('ams1')?.versions.map((v) => [v.version, v.currency, v.touWindows.length, v.committedPowerKw]),
    [
      ['ams1-2026a', 'EUR', 0, undefined],
      ['ams1-2026b', 'EUR', 1, '8'],
    ],
  );
  t.equal(book.get('sin1')?.versions[0]?.currency, 'SGD');
  t.same(
    book.get('ams2')?.utilityPrices,
    [
      { month: '2026-09', pricePerKwh: '0.1180' },
      { month: '2026-10', pricePerKwh: '0.1120' },
    ],
    "the utility's monthly prices, for pass-through contracts",
  );
});

t.test('a file per site, or one with all', async (t) => {
  const v = 'versions:\n  - { version: v1, validFrom: 2026-01-01, currency: EUR, energyPricePerKwh: "0.2" }\n';
  const book = await readTariffs(
    ['a.yaml', 'b.yaml'],
    undefined,
    files({
      'a.yaml': `site: ams1\n${v}`,
      'b.yaml': `tariffs:\n  - site: fra1\n    versions: [{ version: f1, validFrom: 2026-01-01, currency: EUR, energyPricePerKwh: 0.19 }]\n`,
    }),
  );
  t.same([...book.keys()], ['ams1', 'fra1']);
  t.equal(book.get('fra1')?.versions[0]?.energyPricePerKwh, 0.19);
});

t.test('every problem of every file at once, as file: path: message (line)', async (t) => {
  const deps = files({
    'a.yaml': 'site: ams1\nversions:\n  - { version: v1, validFrom: 2026-01-01, currency: SGD, energyPricePerKwh: "0.2" }\n',
    'b.yaml':
      'tariffs:\n  - site: ams1\n    versions: [{ version: v1, validFrom: 2026-01-01, currency: EUR, energyPricePerKwh: "0.2" }]\n  - site: mars\n    versions: [{ version: m, validFrom: 2026-01-01, currency: EUR, energyPricePerKwh: "0.2" }]\n',
    'c.yaml': 'site: sin1\nversions:\n  - { version: s, validFrom: 2026-13-01, currency: SGD, energyPricePerKwh: "-1" }\n',
    'd.yaml': 'site: [unclosed\n',
  });
  const err = (await readTariffs(['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml', 'missing.yaml'], model, deps).catch(
    (e: unknown) => e,
  )) as ConfigError;
  t.type(err, ConfigError);
  const lines = err.issues.map((i) => `${i.file.split('/').pop()}: ${i.path}: ${i.message}`);
  for (const want of [
    /^a\.yaml: versions\[0\]\.currency: site "ams1" invoices in EUR, not SGD \(line 3\)$/,
    /^b\.yaml: tariffs\[0\]\.site: site "ams1" has a tariff already \(.*a\.yaml: site\) \(line 2\)$/,
    /^b\.yaml: tariffs\[1\]\.site: unknown site "mars" \(the inventory has ams1, ams2, sin1\) \(line 4\)$/,
    /^c\.yaml: versions\[0\]\.validFrom: a date YYYY-MM-DD \(line 3\)$/,
    /^c\.yaml: versions\[0\]\.energyPricePerKwh: /,
    /^d\.yaml: line \d+:\d+: /,
    /^missing\.yaml: \(file\): ENOENT/,
  ])
    t.ok(
      lines.some((l) => want.test(l)),
      String(want),
    );
});
