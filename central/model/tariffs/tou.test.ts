import t from 'tap';
import { monthPeriod, zoneClock } from '../../../common/local-time.js';
import { TariffVersion } from './tariff.js';
import { touIntervals } from './tou.js';

const H = 3_600_000;
const version = TariffVersion.parse({
  version: 'v1',
  validFrom: '2026-01-01',
  currency: 'EUR',
  energyPricePerKwh: '0.20',
  touWindows: [
    { name: 'peak', days: 'weekdays', fromHour: 8, toHour: 20, pricePerKwh: '0.30' },
    { name: 'night', days: 'all', fromHour: 0, toHour: 6, pricePerKwh: '0.12' },
  ],
});
const hoursBy = (list: ReturnType<typeof touIntervals>): Record<string, number> => {
  const h: Record<string, number> = {};
  for (const i of list) h[i.window] = (h[i.window] ?? 0) + (i.toMs - i.fromMs) / H;
  return h;
};

t.test('a DST month split by window: hours add up to 745', async (t) => {
  const p = monthPeriod('2026-10', 'Europe/Amsterdam');
  const list = touIntervals(version, p.fromMs, p.toMs, 'Europe/Amsterdam');
  // October 2026: 22 weekdays, 9 weekend days. peak 22 × 12 = 264 h; night 31 × 6 = 186 h, + 1 h on
  // 25 Oct (the clocks go back at 03:00, inside 00:00-06:00) = 187 h; standard 745 - 264 - 187 = 294 h.
  t.same(hoursBy(list), { night: 187, standard: 294, peak: 264 });
  t.equal(list[0]!.fromMs, p.fromMs);
  t.equal(list[list.length - 1]!.toMs, p.toMs);
  for (let i = 1; i < list.length; i++) t.equal(list[i]!.fromMs, list[i - 1]!.toMs, `interval ${i} follows the previous`);
});

t.test('intervals clipped to a span and merged across midnight', async (t) => {
  const z = zoneClock('Asia/Singapore');
  const from = z.instantOf(2026, 10, 2, 19); // Friday 19:00
  const to = z.instantOf(2026, 10, 5, 9); // Monday 09:00
  const list = touIntervals(version, from, to, 'Asia/Singapore');
  t.same(
    list.map((i) => [i.window, (i.toMs - i.fromMs) / H]),
    [
      ['peak', 1],
      ['standard', 4],
      ['night', 6],
      ['standard', 18],
      ['night', 6],
      ['standard', 18],
      ['night', 6],
      ['standard', 2],
      ['peak', 1],
    ],
  );
});

t.test('no windows: one standard interval', async (t) => {
  const flat = TariffVersion.parse({ version: 'flat', validFrom: '2026-01-01', currency: 'SGD', energyPricePerKwh: 0.25 });
  const p = monthPeriod('2026-10', 'Asia/Singapore');
  t.same(touIntervals(flat, p.fromMs, p.toMs, 'Asia/Singapore'), [
    { fromMs: p.fromMs, toMs: p.toMs, window: 'standard', pricePerKwh: 0.25 },
  ]);
});
