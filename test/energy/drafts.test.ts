// Drafts of the example sites (config/inventory.example.yaml, config/tariffs.example.yaml) for October 2026
// from readings stored in SQLite and PostgreSQL. Every expected figure is worked out by hand below from the
// constant power of each point (kW × hours), then priced by the tariff's and contracts' rules (money.ts).
// ams1 and ams2 are invoiced by one entity (nl-bv), sin1 alone. October 2026 in Amsterdam: 745 h (the
// clocks go back on the 25th); its weekdays are 1-2, 5-9, 12-16, 19-23 and 26-30.
import { join } from 'node:path';
import t from 'tap';
import { computeDrafts, computeEntityDrafts, DraftsError } from '../../central/billing/drafts.js';
import { readTariffs } from '../../central/config/tariff-load.js';
import { readInventory } from '../../central/config/inventory-load.js';
import { exampleSeries } from './example-data.js';
import { ingest, storeKinds } from './stores.js';

const ROOT = join(import.meta.dirname, '..', '..');
const { model } = await readInventory(join(ROOT, 'config', 'inventory.example.yaml'));
const tariffs = await readTariffs([join(ROOT, 'config', 'tariffs.example.yaml')], model);

t.test('October drafts of the example sites', async (t) => {
  const data = exampleSeries(model);
  for (const kind of await storeKinds(t)) {
    t.test(kind.name, async (t) => {
      const store = await kind.open();
      t.teardown(() => store.close());
      await ingest(store, data);
      const deps = { store, model, tariffs };

      // Acme at ams1, billed on the branch circuits of r12 and r14 (they cover the PDUs), less Nordwind's
      // outlet o1 in r14, and from 15 Oct on rack K11 too.
      //  1-15 Oct (ams1-2026a, 14 days = 336 h): 2 + 1 + 1.5 + 0.5 - 0.3 = 4.7 kW: 1579.2 kWh.
      //    energy 1579.2 × 0.2150 = 339.528 → 339.53; overhead 1579.2 × 0.35 = 552.72 kWh × 0.2150 = 118.8348 → 118.83;
      //    fee 120 × 14/31 = 54.19.
      //  15-31 Oct (ams1-2026b, 17 days, 409 h with the clocks going back): 4.7 + 2.5 + 1.5 = 8.7 kW. Peak window
      //    weekdays 8-20: 12 weekdays × 12 h = 144 h → 1252.8 kWh; standard 265 h → 2305.5 kWh.
      //    standard 2305.5 × 0.1980 = 456.489 → 456.49; overhead 691.65 kWh × 0.198 = 136.9467 → 136.95;
      //    peak 1252.8 × 0.2450 = 306.936 → 306.94; overhead 375.84 kWh × 0.245 = 92.0808 → 92.08;
      //    fee 120 × 17/31 = 65.81; overage (8.7 - 8) kW × 18.50 × 17/31 = 7.1016 → 7.10; minimum 137.10 reached.
      //  subtotal 512.55 + 1065.37 = 1577.92; BTW 21% = 331.3632 → 331.36; total 1909.28.
      const [acme] = await computeDrafts(deps, 'nl-bv', '2026-10', { customer: 'acme' });
      t.same([acme?.currency, acme?.entity, acme?.account, acme?.sections.map((s) => s.site)], ['EUR', 'nl-bv', 'acme', ['ams1']]);
      t.same(
        acme?.lines.map((l) => [l.key, l.quantity, l.amount]),
        [
          ['energy:ams1-2026a:standard', '1579.2', '339.53'],
          ['overhead:ams1-2026a:standard', '552.72', '118.83'],
          ['fixed_fee:ams1-2026a:Cross-connect and monitoring', '1', '54.19'],
          ['energy:ams1-2026b:standard', '2305.5', '456.49'],
          ['overhead:ams1-2026b:standard', '691.65', '136.95'],
          ['energy:ams1-2026b:peak', '1252.8', '306.94'],
          ['overhead:ams1-2026b:peak', '375.84', '92.08'],
          ['fixed_fee:ams1-2026b:Cross-connect and monitoring', '1', '65.81'],
          ['overage:ams1-2026b', '0.7', '7.10'],
          ['tax:BTW:21', '1577.92', '331.36'],
        ],
      );
      t.same([acme?.subtotal, acme?.taxTotal, acme?.total], ['1577.92', '331.36', '1909.28']);
      // The swap's 10 minutes at 2 kW (0.333 kWh) are the gateway's estimate; the rest is measured.
      t.equal(acme?.quality.estimatedKwh.toFixed(3), '0.333');
      const pointsB = acme?.trace[1]?.points.map((p) => p.pointId).sort();
      t.same(
        pointsB,
        [
          'ams1-k11-pdu-a/total',
          'ams1-k11-pdu-b/total',
          'ams1-r101-a1-01/total',
          'ams1-r101-a1-02/total',
          'ams1-r101-b1-01/total',
          'ams1-r101-b1-02/total',
          'ams1-r14-a-o1',
        ],
        'traced to the points, the deducted outlet included',
      );
      const o1 = acme?.lines[0]?.energy?.points.find((p) => p.pointId === 'ams1-r14-a-o1');
      t.equal(o1?.kWh.toFixed(3), '-100.800', 'the outlet Nordwind holds is taken off (0.3 kW × 336 h)');
      t.match(acme?.trace[1]?.points.find((p) => p.pointId === 'ams1-r101-a1-01/total')?.events, [
        { reason: 'swap', new: { serial: 'NEW' } },
      ]);

      // Lumen at sin1: suite S2's PDUs, 1.2 + 0.8 = 2 kW × 744 h = 1488 kWh × 0.3120 = 464.256 → 464.26;
      // overhead 669.6 kWh × 0.312 = 208.9152 → 208.92; fee 350.00; subtotal 1023.18; GST 9% = 92.0862 → 92.09.
      const sin = await computeEntityDrafts(deps, 'sin1', '2026-10');
      const lumen = sin.drafts.find((d) => d.customer === 'lumen');
      t.same(
        [lumen?.currency, lumen?.lines[0]?.quantity, lumen?.subtotal, lumen?.taxTotal, lumen?.total],
        ['SGD', '1488', '1023.18', '92.09', '1115.27'],
      );
      t.same(sin.drafts.map((d) => d.customer).sort(), ['acme', 'lumen'], 'a draft for each customer holding points there');
      t.equal(sin.stats.passes, 1, 'the prefetch answered every lookup');
      t.comment(`${kind.name} sin1: ${JSON.stringify(sin.stats)}`);

      const nl = await computeEntityDrafts(deps, 'nl-bv', '2026-10');
      t.same(nl.failures, []);
      t.same(
        nl.drafts.map((d) => [d.customer, d.account, d.sections.map((s) => s.site).join('+')]),
        [
          ['acme', 'acme', 'ams1'],
          ['nordwind', 'nordwind-nl', 'ams1+ams2'],
          ['kestrel', 'kestrel', 'ams2'],
          ['fjord', 'fjord', 'ams2'],
        ],
        "one invoice per account of the entity, in the inventory's customer order, a section per site",
      );
      const draftOf = (customer: string) => nl.drafts.find((d) => d.customer === customer)!;
      const figures = (customer: string) => draftOf(customer).lines.map((l) => [l.site ?? '', l.key, l.quantity, l.amount]);

      // Nordwind in both Amsterdam sites, on their price lists, one invoice to its Dutch account.
      // ams1: cage C7's four PDUs 4 × 0.1 kW, outlet o1 in Acme's r14 0.3 kW, rack K11 until the 15th 2.5 + 1.5 kW.
      //  1-15 Oct (ams1-2026a, 336 h): 0.4 + 0.3 + 4 = 4.7 kW: 1579.2 kWh, priced as Acme's: energy 339.53,
      //    overhead 552.72 kWh → 118.83, fee 120 × 14/31 = 54.19; 512.55.
      //  15-31 Oct (ams1-2026b, 409 h): 0.7 kW; peak 144 h → 100.8 kWh, standard 265 h → 185.5 kWh.
      //    standard 185.5 × 0.1980 = 36.729 → 36.73; overhead 55.65 kWh × 0.198 = 11.0187 → 11.02;
      //    peak 100.8 × 0.2450 = 24.696 → 24.70; overhead 30.24 kWh × 0.245 = 7.4088 → 7.41;
      //    fee 120 × 17/31 = 65.81; 0.7 kW under the 8 kW committed: no overage; 145.67 is over the
      //    minimum 250 × 17/31 = 137.10: no top-up. Section ams1: 512.55 + 145.67 = 658.22.
      // ams2: rack r01, 0.6 + 0.4 = 1 kW × 745 h = 745 kWh (ams2-2026, the whole month).
      //    energy 745 × 0.2050 = 152.725 → 152.73; overhead 186.25 kWh × 0.205 = 38.18125 → 38.18; fee 95.00.
      //    Section ams2: 285.91.
      // One BTW line over both sections: 944.13 × 21% = 198.2673 → 198.27; total 1142.40.
      const nordwind = draftOf('nordwind');
      t.same(figures('nordwind'), [
        ['ams1', 'energy:ams1-2026a:standard', '1579.2', '339.53'],
        ['ams1', 'overhead:ams1-2026a:standard', '552.72', '118.83'],
        ['ams1', 'fixed_fee:ams1-2026a:Cross-connect and monitoring', '1', '54.19'],
        ['ams1', 'energy:ams1-2026b:standard', '185.5', '36.73'],
        ['ams1', 'overhead:ams1-2026b:standard', '55.65', '11.02'],
        ['ams1', 'energy:ams1-2026b:peak', '100.8', '24.70'],
        ['ams1', 'overhead:ams1-2026b:peak', '30.24', '7.41'],
        ['ams1', 'fixed_fee:ams1-2026b:Cross-connect and monitoring', '1', '65.81'],
        ['ams2', 'energy:ams2-2026:standard', '745', '152.73'],
        ['ams2', 'overhead:ams2-2026:standard', '186.25', '38.18'],
        ['ams2', 'fixed_fee:ams2-2026:Cross-connect and monitoring', '1', '95.00'],
        ['', 'tax:BTW:21', '944.13', '198.27'],
      ]);
      t.same(
        nordwind.sections.map((s) => [s.site, s.period.timeZone, s.versions, s.subtotal]),
        [
          ['ams1', 'Europe/Amsterdam', ['ams1-2026a', 'ams1-2026b'], '658.22'],
          ['ams2', 'Europe/Amsterdam', ['ams2-2026'], '285.91'],
        ],
      );
      t.same([nordwind.entity, nordwind.subtotal, nordwind.taxTotal, nordwind.total], ['nl-bv', '944.13', '198.27', '1142.40']);
      t.same([...new Set(nordwind.trace.map((v) => v.site))], ['ams1', 'ams2'], "each site's trace kept with its section");

      // Kestrel at ams2 on its contract over the site list: racks r02 and r03, 3 + 3.5 = 6.5 kW. The renewal
      // on the 20th splits October; fee, commitment and overage by the days held (the racks, all month).
      //  1-20 Oct ("2026", 19 days, 456 h): 2964 kWh × 0.1890 = 560.196 → 560.20; overhead 741 kWh × 0.189 =
      //    140.049 → 140.05; fee 95 × 19/31 = 58.2258 → 58.23; committed 2 racks × 3 kW = 6 kW × 11.00 × 19/31
      //    = 40.4516 → 40.45; overage (6.5 - 6) kW × 18.00 × 19/31 = 5.5161 → 5.52. 804.45.
      //  20-31 Oct ("2026-10", 12 days, 289 h): 1878.5 kWh × 0.1840 = 345.644 → 345.64; overhead 469.625 kWh ×
      //    0.184 = 86.411 → 86.41; fee 95 × 12/31 = 36.7742 → 36.77; committed 2 × 4 = 8 kW × 10.50 × 12/31 =
      //    32.5161 → 32.52; 6.5 kW peak under 8: no overage. 501.34.
      //  subtotal 1305.79. Kestrel is a German business: reverse charge, BTW 0% = 0.00; total 1305.79.
      const [k1, k2] = ['kestrel-colo/2026+ams2-2026', 'kestrel-colo/2026-10+ams2-2026'];
      t.same(figures('kestrel'), [
        ['ams2', `energy:${k1}:standard`, '2964', '560.20'],
        ['ams2', `overhead:${k1}:standard`, '741', '140.05'],
        ['ams2', `fixed_fee:${k1}:Cross-connect and monitoring`, '1', '58.23'],
        ['ams2', `commitment:${k1}:6`, '6', '40.45'],
        ['ams2', `overage:${k1}:6`, '0.5', '5.52'],
        ['ams2', `energy:${k2}:standard`, '1878.5', '345.64'],
        ['ams2', `overhead:${k2}:standard`, '469.625', '86.41'],
        ['ams2', `fixed_fee:${k2}:Cross-connect and monitoring`, '1', '36.77'],
        ['ams2', `commitment:${k2}:8`, '8', '32.52'],
        ['', 'tax:BTW:AE', '1305.79', '0.00'],
      ]);
      const kestrel = draftOf('kestrel');
      t.same([kestrel.subtotal, kestrel.taxTotal, kestrel.total], ['1305.79', '0.00', '1305.79']);
      t.same(kestrel.lines.at(-1)!.vat, { category: 'AE', ratePct: '0', exemptionReason: 'Reverse charge', exemptionCode: 'VATEX-EU-AE' });
      t.same(kestrel.lines.at(-1)!.description, 'BTW 0% (Reverse charge)');
      t.ok(
        kestrel.lines.filter((l) => l.kind !== 'tax').every((l) => l.vat?.category === 'AE'),
        'every line under reverse charge',
      );
      t.match(kestrel.parties, {
        seller: { id: 'nl-bv', legalName: 'Polder Colocation B.V.', vatId: 'NL859123456B01' },
        buyer: { id: 'kestrel', legalName: 'Kestrel Games GmbH', vatId: 'DE298765432', address: { country: 'DE' } },
        paymentTermsDays: 30,
      });
      t.match(kestrel.lines[3], {
        description: 'Committed power 6 kW (2 racks × 3 kW)',
        prorate: { days: 19, daysInPeriod: 31, basis: 'held' },
      });

      // Fjord at ams2 on its own list from 1 October, its rack from the 16th: 1.4 + 0.6 = 2 kW × 385 h
      // (16 days, the 25th has 25 h) = 770 kWh at the utility's October price passed through: 0.1120 × 1.20
      // + 0.0450 = 0.1794 per kWh: 138.138 → 138.14; no overhead (its list has none). Fees by the 16 of 31
      // days held: 95 × 16/31 = 49.0323 → 49.03, 180 × 16/31 = 92.9032 → 92.90. Minimum 600 × 16/31 =
      // 309.6774 → 309.68, the lines make 280.07: top-up 29.61. Subtotal 309.68; BTW 21% (the site's
      // taxes) = 65.0328 → 65.03; total 374.71.
      const f = 'fjord-colo/2026';
      t.same(figures('fjord'), [
        ['ams2', `energy:${f}:standard`, '770', '138.14'],
        ['ams2', `fixed_fee:${f}:Cross-connect`, '1', '49.03'],
        ['ams2', `fixed_fee:${f}:Remote hands, 4 hours`, '1', '92.90'],
        ['ams2', `minimum_topup:${f}`, '1', '29.61'],
        ['', 'tax:BTW:21', '309.68', '65.03'],
      ]);
      const fjord = draftOf('fjord');
      t.same([fjord.subtotal, fjord.taxTotal, fjord.total], ['309.68', '65.03', '374.71']);
      t.same(
        fjord.lines.slice(0, 4).map((l) => [l.description, l.unitPrice, l.prorate]),
        [
          ['Energy, utility price 0.1120 × 1.20 + 0.0450 per kWh', '0.1794', undefined],
          ['Cross-connect', '95.00', { days: 16, daysInPeriod: 31, basis: 'held' }],
          ['Remote hands, 4 hours', '180.00', { days: 16, daysInPeriod: 31, basis: 'held' }],
          ['Minimum charge 309.68 EUR (16 of 31 days held)', '29.61', undefined],
        ],
        'the proration printed on the line',
      );

      const oneByOne = await computeEntityDrafts(deps, 'nl-bv', '2026-10', { chunkCustomers: 1 });
      t.same(oneByOne.drafts, nl.drafts, 'customers fetched and priced one at a time: the same drafts');
      // Sections priced: acme and nordwind at ams1; nordwind, kestrel and fjord at ams2.
      t.same([oneByOne.stats.customers, oneByOne.stats.passes], [5, 1], 'each customer prefetched whole');
      // Rack K11 changes hands on the 15th: its points are fetched for each of the two customers.
      t.ok(
        oneByOne.stats.boundaryQueries > nl.stats.boundaryQueries,
        `${oneByOne.stats.boundaryQueries} pairs one by one, ${nl.stats.boundaryQueries} together`,
      );
    });
  }
});

t.test('what cannot be drafted is an error with the reason; one failing customer does not stop the others', async (t) => {
  const [kind] = await storeKinds(t);
  const store = await kind!.open();
  t.teardown(() => store.close());
  const deps = { store, model, tariffs };
  await t.rejects(computeEntityDrafts(deps, 'fra1', '2026-10'), new DraftsError('unknown entity "fra1"'));
  await t.rejects(computeEntityDrafts({ ...deps, tariffs: new Map() }, 'nl-bv', '2026-10'), new DraftsError('site "ams1" has no tariff'));
  await t.rejects(computeEntityDrafts(deps, 'nl-bv', '2026-10', { customer: 'nobody' }), new DraftsError('unknown customer "nobody"'));
  const late = new Map(tariffs);
  late.set('sin1', { site: 'sin1', versions: [{ ...tariffs.get('sin1')!.versions[0]!, validFrom: '2026-10-10' }] });
  const r = await computeEntityDrafts({ ...deps, tariffs: late }, 'sin1', '2026-10');
  t.same(r.failures.map((f) => f.customer).sort(), ['acme', 'lumen']);
  t.match(r.failures[0]?.message, /no tariff version covers 2026-09-30T16:00:00.000Z in 2026-10/);
  const err = await computeDrafts({ ...deps, tariffs: late }, 'sin1', '2026-10').catch((e: unknown) => e);
  t.type(err, DraftsError);
  t.equal((err as DraftsError).failures.length, 2);
  // A pass-through contract needs the utility's price of the month: without it only that customer fails.
  const noPrices = new Map(tariffs);
  noPrices.set('ams2', { site: 'ams2', versions: tariffs.get('ams2')!.versions });
  const nl = await computeEntityDrafts({ ...deps, tariffs: noPrices }, 'nl-bv', '2026-10');
  t.same(nl.failures, [
    {
      customer: 'fjord',
      site: 'ams2',
      message:
        'fjord@ams2: contract "fjord-colo" version "2026" passes the utility price through, but the tariff of ams2 has no utility price for 2026-10',
    },
  ]);
  t.same(
    nl.drafts.map((d) => d.customer),
    ['acme', 'nordwind', 'kestrel'],
  );
  // No readings stored at all: drafts still come, with the energy flagged as missing.
  const ams = await computeEntityDrafts(deps, 'nl-bv', '2026-10', { customer: 'nordwind' });
  t.ok(ams.drafts[0]!.quality.anomalies > 0, `no readings: ${ams.drafts[0]!.quality.anomalies} anomalies`);
});
