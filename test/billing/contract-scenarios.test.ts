// Issue 19's scenarios of who is invoiced and on which invoice, July 2026 (31 days, 744 h), from readings
// stored in SQLite and PostgreSQL (contract-world.ts: constant power per rack). Every figure is worked out
// by hand in the comment above it: kW × hours, × price, rounded per money.ts (half away from zero, once
// per line; taxes on the sum of the rounded lines they apply to).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { computeDrafts, computeEntityDrafts } from '../../central/billing/drafts.js';
import type { InvoiceDraft } from '../../central/billing/invoice.js';
import { openSqliteBillingStore } from '../../central/storage/billing/sqlite.js';
import { quietLog } from '../helpers/env.js';
import { storeKinds } from '../energy/stores.js';
import { figures, JULY, lineOf, totals, worldDeps } from './contract-world.js';

const HELD_ALL = { days: 31, daysInPeriod: 31, basis: 'held' };

/** The numbers the drafts get when stored and finalized in this order (gap-free per issuing entity and year). */
async function numbersOf(drafts: readonly InvoiceDraft[]): Promise<string[]> {
  const billing = openSqliteBillingStore({ file: join(mkdtempSync(join(tmpdir(), 'jb-contracts-')), 'central.db'), log: quietLog });
  try {
    const numbers: string[] = [];
    for (const d of drafts) {
      const run = await billing.ensureRun(d.entity, JULY, 'drafted', Date.UTC(2026, 7, 1, 6));
      await billing.addDrafts(run.id, [{ draft: d, review: [] }], Date.UTC(2026, 7, 1, 6));
      const stored = (await billing.invoices({ runId: run.id })).find((i) => i.account === d.account && i.currency === d.currency);
      numbers.push(stored ? (await billing.finalize(stored.id, { atMs: Date.UTC(2026, 7, 1, 7), year: 2026 })).number! : 'not stored');
    }
    return numbers;
  } finally {
    billing.close();
  }
}

t.test('contracts, accounts and issuing entities, July 2026', async (t) => {
  for (const kind of await storeKinds(t)) {
    t.test(kind.name, async (t) => {
      const deps = await worldDeps(t, kind);
      const nl = await computeEntityDrafts(deps, 'nl-bv', JULY);
      t.same(nl.failures, []);
      const draftOf = (customer: string, currency = 'EUR') => nl.drafts.find((d) => d.customer === customer && d.currency === currency);

      t.test('1. two customers on different contracts at one site', async (t) => {
        // Acme at ams1 (racks a1-r1 3 kW and a1-r2 2 kW) on its negotiated 0.1850 per kWh and overhead 1.25 over
        // the site list, whose fee stays: 5 kW × 744 h = 3720 kWh × 0.1850 = 688.20; overhead 3720 × 0.25 = 930 kWh
        // × 0.1850 = 172.05; Cross-connect 75.00 × 31/31 days held = 75.00. Section 935.25.
        const acme = draftOf('acme');
        t.same(
          figures(acme).filter(([key]) => key.includes('+ams1-')),
          [
            ['energy:acme-msa/2026+ams1-2026:standard', '3720', '688.20'],
            ['overhead:acme-msa/2026+ams1-2026:standard', '930', '172.05'],
            ['fixed_fee:acme-msa/2026+ams1-2026:Cross-connect', '1', '75.00'],
          ],
        );
        t.same(lineOf(acme, 'energy:acme-msa/2026+ams1-2026:standard')?.unitPrice, '0.1850', 'the negotiated price, not the list 0.2400');
        t.same(lineOf(acme, 'fixed_fee:acme-msa/2026+ams1-2026:Cross-connect')?.prorate, HELD_ALL, 'the rule printed: 31 of 31 days held');
        t.equal(acme?.sections[0]?.subtotal, '935.25');

        // Nord at ams1 (rack a1-r3, 1 kW) on the site list's energy with fees and a minimum of its own:
        // 744 kWh × 0.2400 = 178.56; overhead 744 × 0.4 = 297.6 kWh × 0.2400 = 71.424 → 71.42; Rack space 400.00 and
        // Remote hands bundle 150.00 instead of the list's Cross-connect; 799.98 under the minimum 1000.00
        // (× 31/31): top-up 200.02. Subtotal 1000.00; BTW 21% = 210.00; total 1210.00.
        const nord = draftOf('nord');
        t.same(figures(nord), [
          ['energy:nord-colo/2026+ams1-2026:standard', '744', '178.56'],
          ['overhead:nord-colo/2026+ams1-2026:standard', '297.6', '71.42'],
          ['fixed_fee:nord-colo/2026+ams1-2026:Rack space', '1', '400.00'],
          ['fixed_fee:nord-colo/2026+ams1-2026:Remote hands bundle', '1', '150.00'],
          ['minimum_topup:nord-colo/2026+ams1-2026', '1', '200.02'],
          ['tax:BTW:21', '1000', '210.00'],
        ]);
        t.equal(lineOf(nord, 'minimum_topup:nord-colo/2026+ams1-2026')?.description, 'Minimum charge 1000.00 EUR (31 of 31 days held)');
        t.same(totals(nord), ['1000.00', '210.00', '1210.00']);
        t.same([nord?.account, nord?.entity], ['nord', 'nl-bv'], 'a customer without accounts is its own');
      });

      t.test('2. a customer in two sites of one entity: one invoice, a section per site', async (t) => {
        // ams1 as in 1: 935.25. ams2 (rack b1-r1, 4 kW) on the same contract over the ams2 list (Cage 200.00):
        // 4 × 744 = 2976 kWh × 0.1850 = 550.56; overhead 744 kWh × 0.1850 = 137.64; Cage 200.00. Section 888.20.
        // Subtotal 935.25 + 888.20 = 1823.45; one BTW line on both: 1823.45 × 21% = 382.9245 → 382.92; total 2206.37.
        const eur = nl.drafts.filter((d) => d.customer === 'acme' && d.currency === 'EUR');
        t.equal(eur.length, 1, 'one EUR invoice for both Amsterdam sites');
        const acme = eur[0];
        t.same([acme?.account, acme?.entity, acme?.period.label, acme?.period.timeZone], ['acme-eu', 'nl-bv', JULY, 'Europe/Amsterdam']);
        t.same(
          acme?.sections.map((s) => [s.site, s.versions, s.subtotal]),
          [
            ['ams1', ['acme-msa/2026+ams1-2026'], '935.25'],
            ['ams2', ['acme-msa/2026+ams2-2026'], '888.20'],
          ],
        );
        t.same(
          figures(acme).filter(([key]) => !key.includes('+ams1-')),
          [
            ['energy:acme-msa/2026+ams2-2026:standard', '2976', '550.56'],
            ['overhead:acme-msa/2026+ams2-2026:standard', '744', '137.64'],
            ['fixed_fee:acme-msa/2026+ams2-2026:Cage', '1', '200.00'],
            ['tax:BTW:21', '1823.45', '382.92'],
          ],
        );
        t.same(
          acme?.lines.map((l) => l.site ?? l.kind),
          ['ams1', 'ams1', 'ams1', 'ams2', 'ams2', 'ams2', 'tax'],
          "each line names its site; the tax is the invoice's",
        );
        t.same(
          acme?.trace.map((v) => [v.site, v.points.map((p) => p.pointId)]),
          [
            ['ams1', ['pdu-a1-r1/total', 'pdu-a1-r2/total']],
            ['ams2', ['pdu-b1-r1/total']],
          ],
        );
        t.same(totals(acme), ['1823.45', '382.92', '2206.37']);
        // Numbered by the issuing entity: its first invoice of 2026.
        t.same(await numbersOf(eur), ['NL-BV-2026-000001']);
      });

      t.test('3. another currency or another entity: separate invoices', async (t) => {
        // lon1 (GBP, invoiced by nl-bv; rack l1-r1, 2 kW), not under the EUR contract: the lon1 list, to the same
        // account. 1488 kWh × 0.2800 = 416.64; VAT 20% = 83.328 → 83.33; total 499.97.
        const ours = await computeDrafts(deps, 'nl-bv', JULY, { customer: 'acme' });
        t.same(
          ours.map((d) => [d.currency, d.account, d.entity, d.sections.map((s) => s.site)]),
          [
            ['EUR', 'acme-eu', 'nl-bv', ['ams1', 'ams2']],
            ['GBP', 'acme-eu', 'nl-bv', ['lon1']],
          ],
        );
        const gbp = ours[1];
        t.same(figures(gbp), [
          ['energy:lon1-2026:standard', '1488', '416.64'],
          ['tax:VAT:20', '416.64', '83.33'],
        ]);
        t.same(totals(gbp), ['416.64', '83.33', '499.97']);
        t.same(
          [gbp?.sections[0]?.period.timeZone, gbp?.period.timeZone],
          ['Europe/London', 'Europe/Amsterdam'],
          "the site's month, the entity's invoice",
        );

        // fra1 (EUR, invoiced by de-gmbh; rack f1-r1, 1.5 kW) under the contract over the fra1 list: 1116 kWh × 0.1850
        // = 206.46; overhead 279 kWh × 0.1850 = 51.615 → 51.62; Cross-connect 90.00. Subtotal 348.08; MwSt 19% =
        // 66.1352 → 66.14; total 414.22.
        const de = await computeDrafts(deps, 'de-gmbh', JULY);
        t.same(
          de.map((d) => [d.customer, d.currency, d.account, d.entity, d.sections.map((s) => s.site)]),
          [['acme', 'EUR', 'acme-eu', 'de-gmbh', ['fra1']]],
        );
        t.same(figures(de[0]), [
          ['energy:acme-msa/2026+fra1-2026:standard', '1116', '206.46'],
          ['overhead:acme-msa/2026+fra1-2026:standard', '279', '51.62'],
          ['fixed_fee:acme-msa/2026+fra1-2026:Cross-connect', '1', '90.00'],
          ['tax:MwSt:19', '348.08', '66.14'],
        ]);
        t.same(totals(de[0]), ['348.08', '66.14', '414.22']);
        // Each entity numbers its own invoices: nl-bv's EUR and GBP invoices follow each other, de-gmbh starts at 1.
        t.same(await numbersOf(ours), ['NL-BV-2026-000001', 'NL-BV-2026-000002']);
        t.same(await numbersOf(de), ['DE-GMBH-2026-000001']);
      });

      t.test('8. site lists without contracts: the lines as before contracts, one invoice per customer and site', async (t) => {
        // old1 and old2 name no entity and none of their customers has a contract: each site invoices alone,
        // each customer is its own account, monthly amounts are prorated by the list versions' validity.
        // Gamma at old1 (rack o1-r1, 2 kW); the list changes on the 16th (local midnight, 15 July 22:00Z).
        //  old1-a, 1-15 July (360 h): 720 kWh × 0.2000 = 144.00; overhead 720 × 0.3 = 216 kWh × 0.2000 = 43.20;
        //    Rack 300.00 × 15/31 = 145.1613 → 145.16.
        //  old1-b, 16-31 July (384 h): 768 kWh × 0.2200 = 168.96; overhead 230.4 kWh × 0.2200 = 50.688 → 50.69;
        //    Rack 300.00 × 16/31 = 154.8387 → 154.84; overage (2 - 1.5) kW × 18.50 × 16/31 = 4.7742 → 4.77;
        //    minimum 600.00 × 16/31 = 309.68, reached by 379.26: no top-up.
        //  Subtotal 711.62; BTW 21% = 149.4402 → 149.44; total 861.06.
        const old1 = await computeEntityDrafts(deps, 'old1', JULY);
        t.same(
          old1.drafts.map((d) => [d.customer, d.account, d.entity, d.sections.map((s) => s.site)]),
          [
            ['gamma', 'gamma', 'old1', ['old1']],
            ['hotel', 'hotel', 'old1', ['old1']],
          ],
        );
        const [gamma, hotel] = old1.drafts;
        t.same(figures(gamma), [
          ['energy:old1-a:standard', '720', '144.00'],
          ['overhead:old1-a:standard', '216', '43.20'],
          ['fixed_fee:old1-a:Rack', '1', '145.16'],
          ['energy:old1-b:standard', '768', '168.96'],
          ['overhead:old1-b:standard', '230.4', '50.69'],
          ['fixed_fee:old1-b:Rack', '1', '154.84'],
          ['overage:old1-b', '0.5', '4.77'],
          ['tax:BTW:21', '711.62', '149.44'],
        ]);
        t.same(
          gamma?.lines.map((l) => l.prorate),
          [
            undefined,
            undefined,
            { days: 15, daysInPeriod: 31 },
            undefined,
            undefined,
            { days: 16, daysInPeriod: 31 },
            { days: 16, daysInPeriod: 31 },
            undefined,
          ],
          'prorated by days of validity, as always',
        );
        t.same(totals(gamma), ['711.62', '149.44', '861.06']);

        // Hotel at old1 from the 16th (rack o1-r2, 1 kW) pays the list's fees for the whole month, as before:
        //  old1-a: nothing drawn, 0 kWh (0.00, overhead 0.00); Rack 145.16.
        //  old1-b: 384 kWh × 0.2200 = 84.48; overhead 115.2 kWh × 0.2200 = 25.344 → 25.34; Rack 154.84; no overage
        //    (1 kW); 264.66 under the minimum 309.68: top-up 45.02.
        //  Subtotal 454.84; BTW 21% = 95.5164 → 95.52; total 550.36.
        t.same(figures(hotel), [
          ['energy:old1-a:standard', '0', '0.00'],
          ['overhead:old1-a:standard', '0', '0.00'],
          ['fixed_fee:old1-a:Rack', '1', '145.16'],
          ['energy:old1-b:standard', '384', '84.48'],
          ['overhead:old1-b:standard', '115.2', '25.34'],
          ['fixed_fee:old1-b:Rack', '1', '154.84'],
          ['minimum_topup:old1-b', '1', '45.02'],
          ['tax:BTW:21', '454.84', '95.52'],
        ]);
        t.equal(lineOf(hotel, 'minimum_topup:old1-b')?.description, 'Minimum charge 309.68 EUR', 'no rule printed, as before');
        t.same(totals(hotel), ['454.84', '95.52', '550.36']);

        // Gamma at old2 (rack o2-r1, 1 kW) is a second invoice: 744 kWh × 0.2500 = 186.00; BTW 39.06; total 225.06.
        const old2 = await computeDrafts(deps, 'old2', JULY);
        t.same(
          old2.map((d) => [d.customer, d.account, d.entity, ...figures(d)]),
          [['gamma', 'gamma', 'old2', ['energy:old2-2026:standard', '744', '186.00'], ['tax:BTW:21', '186', '39.06']]],
        );
        t.same(totals(old2[0]), ['186.00', '39.06', '225.06']);
        t.same(await numbersOf([gamma!, old2[0]!]), ['OLD1-2026-000001', 'OLD2-2026-000001'], 'numbered per site, as before');
      });
    });
  }
});
