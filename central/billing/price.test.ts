import t from 'tap';
import type { CustomerEnergy } from '../energy/group.js';
import { monthPeriod } from '../../common/local-time.js';
import { priceInvoice, PricingError, reviewReasons } from './price.js';
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
