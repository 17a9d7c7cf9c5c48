// Issue 19's scenarios of contract terms over a month, July 2026 (31 days, 744 h; Amsterdam at UTC+2, so
// a local midnight is 22:00Z), from readings stored in SQLite and PostgreSQL (contract-world.ts: constant
// power per rack): a contract changing mid-month, a commitment per rack following a rack that moves in,
// proration by days held, a pass-through price. Every figure is worked out by hand in the comment above
// it: kW × hours, × price, × days / 31 where prorated, rounded once per line (money.ts).
import t from 'tap';
import { computeDrafts, computeEntityDrafts, DraftsError } from '../../central/billing/drafts.js';
import { storeKinds } from '../energy/stores.js';
import { figures, JULY, lineOf, totals, worldDeps } from './contract-world.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const held = (days: number) => ({ days, daysInPeriod: 31, basis: 'held' });

t.test('contract terms over July 2026', async (t) => {
  for (const kind of await storeKinds(t)) {
    t.test(kind.name, async (t) => {
      const deps = await worldDeps(t, kind);
      const nl = await computeEntityDrafts(deps, 'nl-bv', JULY);
      t.same(nl.failures, []);
      const draftOf = (customer: string) => nl.drafts.find((d) => d.customer === customer);

      t.test('4. a contract change on the 16th: another kWh price and another committed power', async (t) => {
        // Bolt at ams1 (rack a1-r4, 3 kW all month) over the ams1 list (overhead 1.4, Cross-connect 75.00), days held.
        //  2026-01, 1-15 July (15 days, 360 h): 1080 kWh × 0.2100 = 226.80; overhead 432 kWh × 0.2100 = 90.72;
        //    Cross-connect 75.00 × 15/31 = 36.2903 → 36.29; committed 2 kW × 15.00 × 15/31 = 14.5161 → 14.52;
        //    peak 3 kW: overage 1 kW × 20.00 × 15/31 = 9.6774 → 9.68.
        //  2026-07, 16-31 July (16 days, 384 h): 1152 kWh × 0.1900 = 218.88; overhead 460.8 kWh × 0.1900 = 87.552 →
        //    87.55; Cross-connect 75.00 × 16/31 = 38.7097 → 38.71; committed 4 kW × 14.00 × 16/31 = 28.9032 → 28.90;
        //    peak 3 kW under 4: no overage.
        //  Subtotal 378.01 + 374.04 = 752.05; BTW 21% = 157.9305 → 157.93; total 909.98.
        const bolt = draftOf('bolt');
        t.same(figures(bolt), [
          ['energy:bolt-colo/2026-01+ams1-2026:standard', '1080', '226.80'],
          ['overhead:bolt-colo/2026-01+ams1-2026:standard', '432', '90.72'],
          ['fixed_fee:bolt-colo/2026-01+ams1-2026:Cross-connect', '1', '36.29'],
          ['commitment:bolt-colo/2026-01+ams1-2026', '2', '14.52'],
          ['overage:bolt-colo/2026-01+ams1-2026', '1', '9.68'],
          ['energy:bolt-colo/2026-07+ams1-2026:standard', '1152', '218.88'],
          ['overhead:bolt-colo/2026-07+ams1-2026:standard', '460.8', '87.55'],
          ['fixed_fee:bolt-colo/2026-07+ams1-2026:Cross-connect', '1', '38.71'],
          ['commitment:bolt-colo/2026-07+ams1-2026', '4', '28.90'],
          ['tax:BTW:21', '752.05', '157.93'],
        ]);
        t.same(totals(bolt), ['752.05', '157.93', '909.98']);
        t.same(
          bolt?.trace.map((v) => [v.version, iso(v.fromMs), iso(v.toMs)]),
          [
            ['bolt-colo/2026-01+ams1-2026', '2026-06-30T22:00:00.000Z', '2026-07-15T22:00:00.000Z'],
            ['bolt-colo/2026-07+ams1-2026', '2026-07-15T22:00:00.000Z', '2026-07-31T22:00:00.000Z'],
          ],
          'the month split at local midnight of the 16th',
        );
        t.same(bolt?.sections[0]?.versions, ['bolt-colo/2026-01+ams1-2026', 'bolt-colo/2026-07+ams1-2026']);
        t.same(
          ['commitment:bolt-colo/2026-01+ams1-2026', 'commitment:bolt-colo/2026-07+ams1-2026'].map((k) => lineOf(bolt, k)?.prorate),
          [held(15), held(16)],
        );
        t.match(lineOf(bolt, 'overage:bolt-colo/2026-01+ams1-2026'), {
          description: 'Peak 15-minute demand 3.000 kW over 2 kW committed',
          unitPrice: '20.00',
          demand: { kW: 3, committedKw: '2' },
        });
      });

      t.test('5. committed power per rack, following a rack that moves in on the 11th', async (t) => {
        // Cirrus at ams2 holds b1-r2 and b1-r3 (1.6 kW each) all month; b1-r4 (2.5 kW) moves from Kilo to it on the
        // 11th. 1.5 kW committed per rack at 12.00, overage 25.00, over the ams2 list (0.2200, overhead 1.2, Cage 200.00).
        //  energy: 3.2 kW × 240 h (1-10 July) = 768 kWh + 5.7 kW × 504 h (11-31 July) = 2872.8 kWh: 3640.8 kWh × 0.2200
        //    = 800.976 → 800.98; overhead 728.16 kWh × 0.2200 = 160.1952 → 160.20; Cage 200.00 × 31/31 held.
        //  2 racks, 1-10 July: 3 kW × 12.00 × 10/31 = 11.6129 → 11.61; peak 3.2 kW: 0.2 kW × 25.00 × 10/31 = 1.6129 → 1.61.
        //  3 racks, 11-31 July: 4.5 kW × 12.00 × 21/31 = 36.5806 → 36.58; peak 5.7 kW: 1.2 kW × 25.00 × 21/31 =
        //    20.3226 → 20.32.
        //  Subtotal 1231.30; BTW 21% = 258.573 → 258.57; total 1489.87.
        const cirrus = draftOf('cirrus');
        t.same(figures(cirrus), [
          ['energy:cirrus-colo/2026+ams2-2026:standard', '3640.8', '800.98'],
          ['overhead:cirrus-colo/2026+ams2-2026:standard', '728.16', '160.20'],
          ['fixed_fee:cirrus-colo/2026+ams2-2026:Cage', '1', '200.00'],
          ['commitment:cirrus-colo/2026+ams2-2026:3', '3', '11.61'],
          ['overage:cirrus-colo/2026+ams2-2026:3', '0.2', '1.61'],
          ['commitment:cirrus-colo/2026+ams2-2026:4.5', '4.5', '36.58'],
          ['overage:cirrus-colo/2026+ams2-2026:4.5', '1.2', '20.32'],
          ['tax:BTW:21', '1231.3', '258.57'],
        ]);
        t.same(totals(cirrus), ['1231.30', '258.57', '1489.87']);
        t.same(
          cirrus?.lines.filter((l) => l.kind === 'commitment' || l.kind === 'overage').map((l) => [l.description, l.prorate]),
          [
            ['Committed power 3 kW (2 racks × 1.5 kW)', held(10)],
            ['Peak 15-minute demand 3.200 kW over 3 kW committed', held(10)],
            ['Committed power 4.5 kW (3 racks × 1.5 kW)', held(21)],
            ['Peak 15-minute demand 5.700 kW over 4.5 kW committed', held(21)],
          ],
        );
        // The 3-rack peak is from the rack's first slot on (11 July 00:00 local), not before.
        t.ok((lineOf(cirrus, 'overage:cirrus-colo/2026+ams2-2026:4.5')?.demand?.slotFromMs ?? 0) >= Date.UTC(2026, 6, 10, 22));

        // Kilo, on the ams2 list without a contract, held b1-r4 until the 11th: 2.5 kW × 240 h = 600 kWh × 0.2200 =
        // 132.00; overhead 120 kWh × 0.2200 = 26.40; Cage 200.00 for the whole month (the list's rule: validity).
        // Subtotal 358.40; BTW 21% = 75.264 → 75.26; total 433.66.
        const kilo = draftOf('kilo');
        t.same(figures(kilo), [
          ['energy:ams2-2026:standard', '600', '132.00'],
          ['overhead:ams2-2026:standard', '120', '26.40'],
          ['fixed_fee:ams2-2026:Cage', '1', '200.00'],
          ['tax:BTW:21', '358.4', '75.26'],
        ]);
        t.same(totals(kilo), ['358.40', '75.26', '433.66']);
      });

      t.test('6. a customer starting on the 16th: fee, commitment and minimum by days held, or not', async (t) => {
        // Delta's contract (from 1 July) over the ams1 list: Rack 310.00 instead of the list's fee, 2.5 kW
        // committed at 10.00, minimum 1240.00; its rack a1-r5 (2 kW) from the 16th: 16 of 31 days held.
        //  768 kWh (2 kW × 384 h) × 0.2400 = 184.32; overhead 307.2 kWh × 0.2400 = 73.728 → 73.73;
        //  Rack 310.00 × 16/31 = 160.00; committed 2.5 × 10.00 × 16/31 = 12.9032 → 12.90; peak 2 kW: no overage;
        //  minimum 1240.00 × 16/31 = 640.00 over 430.95: top-up 209.05.
        //  Subtotal 640.00; BTW 21% = 134.40; total 774.40.
        const delta = draftOf('delta');
        const key = (k: string, c = 'delta') => k.replace('$', `${c}-colo/2026-07+ams1-2026`);
        t.same(figures(delta), [
          [key('energy:$:standard'), '768', '184.32'],
          [key('overhead:$:standard'), '307.2', '73.73'],
          [key('fixed_fee:$:Rack'), '1', '160.00'],
          [key('commitment:$'), '2.5', '12.90'],
          [key('minimum_topup:$'), '1', '209.05'],
          ['tax:BTW:21', '640', '134.40'],
        ]);
        t.same(
          [key('fixed_fee:$:Rack'), key('commitment:$')].map((k) => lineOf(delta, k)?.prorate),
          [held(16), held(16)],
        );
        t.equal(lineOf(delta, key('minimum_topup:$'))?.description, 'Minimum charge 640.00 EUR (16 of 31 days held)');
        t.same(totals(delta), ['640.00', '134.40', '774.40']);

        // Echo: the same contract with `prorate: validity` and the same rack from the 16th: the whole month's
        // Rack 310.00, committed 2.5 × 10.00 = 25.00, minimum 1240.00 over 593.05: top-up 646.95.
        // Subtotal 1240.00; BTW 21% = 260.40; total 1500.40.
        const echo = draftOf('echo');
        t.same(figures(echo), [
          [key('energy:$:standard', 'echo'), '768', '184.32'],
          [key('overhead:$:standard', 'echo'), '307.2', '73.73'],
          [key('fixed_fee:$:Rack', 'echo'), '1', '310.00'],
          [key('commitment:$', 'echo'), '2.5', '25.00'],
          [key('minimum_topup:$', 'echo'), '1', '646.95'],
          ['tax:BTW:21', '1240', '260.40'],
        ]);
        t.same(
          echo?.lines.map((l) => l.prorate),
          echo?.lines.map(() => undefined),
          'nothing prorated',
        );
        t.equal(lineOf(echo, key('minimum_topup:$', 'echo'))?.description, 'Minimum charge 1240.00 EUR');
        t.same(totals(echo), ['1240.00', '260.40', '1500.40']);

        // Fox: contract and rack a1-r7 (2 kW) both from the 16th. Before, no contract and nothing held: the ams1
        // list prices no energy (0 kWh) and no fee (0 days held); from the 16th, Delta's figures.
        const fox = draftOf('fox');
        t.same(figures(fox), [
          ['energy:ams1-2026:standard', '0', '0.00'],
          ['overhead:ams1-2026:standard', '0', '0.00'],
          [key('energy:$:standard', 'fox'), '768', '184.32'],
          [key('overhead:$:standard', 'fox'), '307.2', '73.73'],
          [key('fixed_fee:$:Rack', 'fox'), '1', '160.00'],
          [key('commitment:$', 'fox'), '2.5', '12.90'],
          [key('minimum_topup:$', 'fox'), '1', '209.05'],
          ['tax:BTW:21', '640', '134.40'],
        ]);
        t.same(totals(fox), ['640.00', '134.40', '774.40']);
      });

      t.test('7. pass-through: the utility price of the month × factor + margin', async (t) => {
        // Flux at ams2 (rack b1-r5, 2.5 kW) on its own list: utility 0.1320 × 1.35 + 0.0250 = 0.2032 per kWh;
        // 1860 kWh (2.5 kW × 744 h) × 0.2032 = 377.952 → 377.95; no overhead line (the factor is in the price);
        // Power monitoring 45.00 × 31/31 held. Subtotal 422.95; the site's BTW 21% = 88.8195 → 88.82; total 511.77.
        const flux = draftOf('flux');
        t.same(figures(flux), [
          ['energy:flux-pt/2026:standard', '1860', '377.95'],
          ['fixed_fee:flux-pt/2026:Power monitoring', '1', '45.00'],
          ['tax:BTW:21', '422.95', '88.82'],
        ]);
        t.match(lineOf(flux, 'energy:flux-pt/2026:standard'), {
          unitPrice: '0.2032',
          description: 'Energy, utility price 0.1320 × 1.35 + 0.0250 per kWh',
        });
        t.same(totals(flux), ['422.95', '88.82', '511.77']);

        // August has no utility price at ams2 yet: Flux cannot be priced, the others still are, and the run holds.
        const aug = await computeEntityDrafts(deps, 'nl-bv', '2026-08');
        t.same(
          aug.failures.map((f) => [f.customer, f.site]),
          [['flux', 'ams2']],
        );
        t.match(
          aug.failures[0]?.message,
          'contract "flux-pt" version "2026" passes the utility price through, but the tariff of ams2 has no utility price for 2026-08',
        );
        t.notOk(
          aug.drafts.some((d) => d.customer === 'flux'),
          `drafts for ${aug.drafts.length} others`,
        );
        const err = await computeDrafts(deps, 'nl-bv', '2026-08', { customer: 'flux' }).catch((e: unknown) => e);
        t.type(err, DraftsError);
        t.match(
          (err as Error).message,
          /^1 of 1 customer sections of nl-bv failed for 2026-08: flux@ams2: .*no utility price for 2026-08$/,
        );
      });
    });
  }
});
