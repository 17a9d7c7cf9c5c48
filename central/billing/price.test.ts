import t from 'tap';
import type { CustomerEnergy } from '../energy/group.js';
import { localMidnight, monthPeriod } from '../../common/local-time.js';
import { termsOf } from '../model/contracts/terms.js';
import { NO_PARTIES } from '../model/contracts/types.js';
import { priceInvoice, priceSection, PricingError, reviewReasons } from './price.js';
import { TariffVersion } from '../model/tariffs/tariff.js';

const period = monthPeriod('2026-10', 'Asia/Tokyo');
/** Energy in proportion to time: 1 kWh per hour, half of it estimated. */
const energy: CustomerEnergy = {
  energyOver: (cuts) =>
    cuts.slice(1).map((to, i) => {
      const kWh = (to - cuts[i]!) / 3_600_000;
      return { fromMs: cuts[i]!, toMs: to, kWh, measuredKwh: kWh / 2, estimatedKwh: kWh / 2, interpolatedKwh: 0, points: [] };
    }),
  peakDemand: () => undefined,
};
const v = (o: Record<string, unknown>) =>
  TariffVersion.parse({ version: 'v1', validFrom: '2026-01-01', currency: 'JPY', energyPricePerKwh: '31.7', ...o });

t.test('yen: no minor unit; a period no version covers; two currencies', async (t) => {
  // 744 kWh × 31.7 = 23584.8 -> 23585 JPY; tax 10% 2358.5 -> 2359; total 25944.
  const d = priceInvoice({ customer: 'c', site: 'tyo1', period, versions: [v({ taxes: [{ name: 'JCT', ratePct: 10 }] })], energy });
  t.same([d.subtotal, d.taxTotal, d.total], ['23585', '2359', '25944']);
  t.equal(d.quality.measuredShare, 0.5);
  t.same(reviewReasons(d, 0.9), ['measured share 50.00% is under 90.00%']);
  t.throws(
    () => priceInvoice({ customer: 'c', site: 'tyo1', period, versions: [v({ validFrom: '2026-10-02' })], energy }),
    PricingError,
    'the 1st is not covered',
  );
  t.throws(
    () =>
      priceInvoice({
        customer: 'c',
        site: 'tyo1',
        period,
        versions: [v({ validTo: '2026-10-10' }), v({ version: 'v2', validFrom: '2026-10-11' })],
        energy,
      }),
    PricingError,
    'the 10th is not covered',
  );
  t.throws(
    () =>
      priceInvoice({
        customer: 'c',
        site: 'tyo1',
        period,
        versions: [v({ validTo: '2026-10-10' }), v({ version: 'v2', validFrom: '2026-10-10', currency: 'USD' })],
        energy,
      }),
    PricingError,
    'two currencies',
  );
});

t.test('committed power with no whole slot of data: no overage line', async (t) => {
  const d = priceInvoice({ customer: 'c', site: 'tyo1', period, versions: [v({ committedPowerKw: 5, overagePricePerKw: 1000 })], energy });
  t.same(
    d.lines.map((l) => l.kind),
    ['energy'],
  );
});

t.test('a site list prorating by days held: a customer from the 16th pays 16 of 31 days of the fee and the minimum', async (t) => {
  const version = v({ fixedFees: [{ name: 'Rack space', amountPerMonth: '31000' }], minimumChargePerMonth: '62000', prorate: 'days-held' });
  const tariff = { site: 'tyo1', versions: [version] };
  const site = { id: 'tyo1', timeZone: period.timeZone, currency: 'JPY' };
  const spans = termsOf({ customer: 'c', site, period, tariff, parties: NO_PARTIES });
  const from16 = localMidnight('2026-10-16', period.timeZone);
  const held = { any: [{ fromMs: from16, toMs: period.toMs }], racks: new Map() };
  const s = priceSection({ customer: 'c', site: 'tyo1', period, spans, energy, held });
  // Energy as the series gives it (the whole month: 744 kWh × 31.7 = 23585); the fee 31000 × 16/31 = 16000;
  // the minimum 62000 × 16/31 = 32000, less 23585 + 16000 = 39585 already: no top-up.
  t.same(
    s.lines.map((l) => [l.key, l.amount, l.prorate]),
    [
      ['energy:v1:standard', '23585', undefined],
      ['fixed_fee:v1:Rack space', '16000', { days: 16, daysInPeriod: 31, basis: 'held' }],
    ],
  );
  // The same list on the validity rule charges the whole month.
  const whole = priceSection({
    customer: 'c',
    site: 'tyo1',
    period,
    spans: termsOf({
      customer: 'c',
      site,
      period,
      tariff: { site: 'tyo1', versions: [{ ...version, prorate: 'validity' }] },
      parties: NO_PARTIES,
    }),
    energy,
    held,
  });
  t.same(
    whole.lines.map((l) => l.amount),
    ['23585', '31000', '7415'],
  );
});
