// Drafts of the example sites (config/inventory.example.yaml, config/tariffs.example.yaml) for October 2026
// from readings stored in SQLite and PostgreSQL. Every expected figure is worked out by hand below from the
// constant power of each point (kW × hours), then priced by the tariff's rules (money.ts).
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
      const [acme] = await computeDrafts(deps, 'ams1', '2026-10', { customer: 'acme' });
      t.equal(acme?.currency, 'EUR');
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

      const ams = await computeEntityDrafts(deps, 'ams1', '2026-10');
      t.same(
        ams.drafts.map((d) => d.customer),
        ['acme', 'nordwind'],
        "in the inventory's customer order",
      );
      t.same(ams.failures, []);
      const oneByOne = await computeEntityDrafts(deps, 'ams1', '2026-10', { chunkCustomers: 1 });
      t.same(oneByOne.drafts, ams.drafts, 'customers fetched and priced one at a time: the same drafts');
      t.same([oneByOne.stats.customers, oneByOne.stats.passes], [2, 1], 'each customer prefetched whole');
      // Rack K11 changes hands on the 15th: its points are fetched for each of the two customers.
      t.ok(
        oneByOne.stats.boundaryQueries > ams.stats.boundaryQueries,
        `${oneByOne.stats.boundaryQueries} pairs one by one, ${ams.stats.boundaryQueries} together`,
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
  await t.rejects(computeEntityDrafts({ ...deps, tariffs: new Map() }, 'ams1', '2026-10'), new DraftsError('site "ams1" has no tariff'));
  await t.rejects(computeEntityDrafts(deps, 'ams1', '2026-10', { customer: 'nobody' }), new DraftsError('unknown customer "nobody"'));
  const late = new Map(tariffs);
  late.set('sin1', { site: 'sin1', versions: [{ ...tariffs.get('sin1')!.versions[0]!, validFrom: '2026-10-10' }] });
  const r = await computeEntityDrafts({ ...deps, tariffs: late }, 'sin1', '2026-10');
  t.same(r.failures.map((f) => f.customer).sort(), ['acme', 'lumen']);
  t.match(r.failures[0]?.message, /no tariff version covers 2026-09-30T16:00:00.000Z in 2026-10/);
  const err = await computeDrafts({ ...deps, tariffs: late }, 'sin1', '2026-10').catch((e: unknown) => e);
  t.type(err, DraftsError);
  t.equal((err as DraftsError).failures.length, 2);
  // No readings stored at all: drafts still come, with the energy flagged as missing.
  const ams = await computeEntityDrafts(deps, 'ams1', '2026-10', { customer: 'nordwind' });
  t.ok(ams.drafts[0]!.quality.anomalies > 0, `no readings: ${ams.drafts[0]!.quality.anomalies} anomalies`);
});
