// Invoice scenarios from issue 7, on one month of 1-minute readings each. Every expected figure is
// worked out by hand in the comment above it (kW × h, kWh × price, rounding per money.ts).
import t from 'tap';
import { heldPointsEnergy, type HeldPoint } from '../energy/group.js';
import { memorySeries } from '../../test/helpers/memory-source.js';
import { synthesize, type SyntheticSpec } from '../../test/helpers/synthetic.js';
import { monthPeriod, type Period } from '../../common/local-time.js';
import type { InvoiceDraft, InvoiceLine } from './invoice.js';
import { noteFor } from './notes.js';
import { priceInvoice, reviewReasons } from './price.js';
import { TariffVersion } from '../model/tariffs/tariff.js';

const MIN = 60_000;
const H = 60 * MIN;
const AMS = 'Europe/Amsterdam';
const OCT_AMS = monthPeriod('2026-10', AMS); // 745 h, 31 days
const OCT_UTC = monthPeriod('2026-10', 'UTC'); // 744 h

type Spec = Omit<SyntheticSpec, 'stepMs' | 'fromMs' | 'toMs'> & { fromMs?: number; toMs?: number; cutoffMs?: number };
function point(id: string, period: Period, spec: Spec): HeldPoint {
  const s = synthesize({ stepMs: MIN, fromMs: period.fromMs - H, toMs: period.toMs + H, ...spec });
  const upTo = <T extends { ts: number }>(rows: T[]): T[] => rows.filter((r) => r.ts <= (spec.cutoffMs ?? Infinity));
  return {
    pointId: id,
    series: memorySeries({ seriesId: `${id}/energy_import_kwh`, counters: upTo(s.counters), power: upTo(s.power), events: s.events }),
    held: [{ fromMs: 0 }],
  };
}
const tariff = (v: Record<string, unknown>): TariffVersion =>
  TariffVersion.parse({ version: 'v1', validFrom: '2026-01-01', currency: 'EUR', ...v });
const invoice = (customer: string, site: string, period: Period, versions: TariffVersion[], points: HeldPoint[]): InvoiceDraft =>
  priceInvoice({ customer, site, period, versions, energy: heldPointsEnergy(points) });
const amounts = (d: InvoiceDraft): Record<string, string> => Object.fromEntries(d.lines.map((l) => [l.key, l.amount]));
const byKey = (d: InvoiceDraft, key: string): InvoiceLine => d.lines.find((l) => l.key === key)!;
const flat = (kw: number) => [{ fromMs: 0, powerW: kw * 1000 }];

t.test('a PDU swapped mid-month, in a DST month (745 h)', async (t) => {
  // 2 kW × 745 h = 1490.000 kWh × 0.2150 = 320.35; rack 450.00; subtotal 770.35; VAT 21% 161.7735 -> 161.77;
  // total 932.12. 0.5 kWh estimated (the 15 minutes between the PDUs): measured share 1489.5/1490 = 0.99966.
  const p = point('pdu-r12-a:3', OCT_AMS, {
    startKwh: 304.6,
    serial: 'OLD-1',
    power: flat(2),
    restarts: [{ atMs: Date.UTC(2026, 9, 15, 10), gapMs: 15 * MIN, reason: 'swap', startKwh: 12.4, serial: 'NEW-2' }],
  });
  const d = invoice(
    'acme',
    'ams1',
    OCT_AMS,
    [
      tariff({
        energyPricePerKwh: '0.2150',
        fixedFees: [{ name: 'Rack space', amountPerMonth: '450.00' }],
        taxes: [{ name: 'VAT', ratePct: 21 }],
      }),
    ],
    [p],
  );
  t.same(amounts(d), { 'energy:v1:standard': '320.35', 'fixed_fee:v1:Rack space': '450.00', 'tax:VAT:21': '161.77' });
  t.equal(byKey(d, 'energy:v1:standard').quantity, '1490');
  t.same([d.subtotal, d.taxTotal, d.total], ['770.35', '161.77', '932.12']);
  t.equal(d.quality.estimatedKwh.toFixed(3), '0.500');
  t.equal(d.quality.measuredShare, 0.9996);
  const trace = d.trace[0]!.points[0]!;
  t.match(
    trace.pieces[0],
    { start: { serial: 'OLD-1', method: 'reading' }, end: { serial: 'NEW-2', method: 'reading' } },
    'start and end counters with their serials',
  );
  t.match(trace.events, [{ reason: 'swap', estimated: true }]);
  t.same(
    byKey(d, 'energy:v1:standard').energy?.points.map((x) => x.pointId),
    ['pdu-r12-a:3'],
    'the line names its points',
  );
});

t.test('a meter reset and a 32-bit rollover on one invoice (USD, UTC site)', async (t) => {
  // reset meter 3 kW × 744 h = 2232.000; rollover meter 5 kW × 744 h = 3720.000; 5952.000 kWh × 0.18 = 1071.36.
  const reset = point('busbar-a1:l1', OCT_UTC, {
    startKwh: 81_234.5,
    power: flat(3),
    restarts: [{ atMs: Date.UTC(2026, 9, 20), gapMs: 2 * MIN, reason: 'reset', startKwh: 0 }],
  });
  const wrap = point('meter-e1', OCT_UTC, { startKwh: 4_294_005, wrapKwh: 4_294_967.296, power: flat(5) });
  const d = invoice('globex', 'nyc1', OCT_UTC, [tariff({ currency: 'USD', energyPricePerKwh: 0.18 })], [reset, wrap]);
  t.equal(byKey(d, 'energy:v1:standard').quantity, '5952');
  t.equal(d.total, '1071.36');
  t.equal(d.quality.estimatedKwh.toFixed(3), '0.100', 'only the 2 minutes of the reset are estimated; the rollover is exact');
  t.same(
    d.trace[0]!.points.map((p) => p.events.map((e) => e.reason)),
    [['reset'], ['rollover']],
  );
});

t.test('a contract change mid-month: two versions, split at local midnight of the 16th, fees prorated by days', async (t) => {
  // 2 kW. v1 1-15 Oct: 360 h = 720 kWh × 0.20 = 144.00, rack 310 × 15/31 = 150.00.
  // v2 16-31 Oct: 385 h (DST ends 25 Oct) = 770 kWh × 0.25 = 192.50, rack 620 × 16/31 = 320.00.
  // subtotal 806.50; VAT 21% 169.365 -> 169.37 (half up); total 975.87.
  const vat = [{ name: 'VAT', ratePct: '21' }];
  const v1 = tariff({
    version: '2026-a',
    validTo: '2026-10-16',
    energyPricePerKwh: '0.20',
    fixedFees: [{ name: 'Rack', amountPerMonth: 310 }],
    taxes: vat,
  });
  const v2 = tariff({
    version: '2026-b',
    validFrom: '2026-10-16',
    energyPricePerKwh: '0.25',
    fixedFees: [{ name: 'Rack', amountPerMonth: 620 }],
    taxes: vat,
  });
  const d = invoice('acme', 'ams1', OCT_AMS, [v2, v1], [point('p1', OCT_AMS, { startKwh: 0, power: flat(2) })]);
  t.same(d.versions, ['2026-a', '2026-b']);
  t.same(amounts(d), {
    'energy:2026-a:standard': '144.00',
    'fixed_fee:2026-a:Rack': '150.00',
    'energy:2026-b:standard': '192.50',
    'fixed_fee:2026-b:Rack': '320.00',
    'tax:VAT:21': '169.37',
  });
  t.same([byKey(d, 'energy:2026-a:standard').quantity, byKey(d, 'energy:2026-b:standard').quantity], ['720', '770']);
  t.same(byKey(d, 'fixed_fee:2026-b:Rack').prorate, { days: 16, daysInPeriod: 31 });
  t.same([d.subtotal, d.total], ['806.50', '975.87']);
});

t.test('time-of-use split with overhead in a DST month', async (t) => {
  // 1 kW: kWh = hours. peak (weekdays 08-20) 264 × 0.30 = 79.20; night (00-06, 25 Oct has 7 h) 187 × 0.12
  // = 22.44; standard 294 × 0.20 = 58.80. Overhead 1.2: 58.800 × 0.20 = 11.76; 52.800 × 0.30 = 15.84;
  // 37.400 × 0.12 = 4.488 -> 4.49. Subtotal 192.53.
  const v = tariff({
    energyPricePerKwh: '0.20',
    overheadFactor: '1.2',
    touWindows: [
      { name: 'peak', days: 'weekdays', fromHour: 8, toHour: 20, pricePerKwh: '0.30' },
      { name: 'night', days: 'all', fromHour: 0, toHour: 6, pricePerKwh: '0.12' },
    ],
  });
  const d = invoice('acme', 'ams1', OCT_AMS, [v], [point('p1', OCT_AMS, { startKwh: 0, power: flat(1) })]);
  t.same(
    d.lines.map((l) => [l.key, l.quantity, l.amount]),
    [
      ['energy:v1:standard', '294', '58.80'],
      ['overhead:v1:standard', '58.8', '11.76'],
      ['energy:v1:peak', '264', '79.20'],
      ['overhead:v1:peak', '52.8', '15.84'],
      ['energy:v1:night', '187', '22.44'],
      ['overhead:v1:night', '37.4', '4.49'],
    ],
  );
  t.equal(d.subtotal, '192.53');
  t.equal(byKey(d, 'energy:v1:peak').energy?.intervals.length, 22, 'one interval per weekday');
});

t.test('a gap across the month boundary: estimated, flagged, held for review under 99.9 %', async (t) => {
  // 4 kW; no readings 31 Oct 21:00Z - 1 Nov 02:00Z. 2980.000 kWh × 0.20 = 596.00; 8 kWh estimated:
  // measured share 2972/2980 = 0.99731.
  const p = point('pdu-r7-b', OCT_AMS, {
    startKwh: 10_000,
    power: flat(4),
    toMs: Date.UTC(2026, 10, 1, 4),
    outages: [{ fromMs: Date.UTC(2026, 9, 31, 21) + 1, toMs: Date.UTC(2026, 10, 1, 2) }],
  });
  const d = invoice('initech', 'ams1', OCT_AMS, [tariff({ energyPricePerKwh: '0.20' })], [p]);
  t.equal(d.total, '596.00');
  t.equal(d.quality.estimatedKwh.toFixed(3), '8.000');
  t.equal(d.quality.measuredShare, 0.9973);
  t.equal(d.quality.estimatedBoundaries, 1);
  t.match(d.trace[0]!.points[0]!.estimatedBoundaries, [{ atMs: OCT_AMS.toMs, method: 'estimated_rate' }]);
  t.same(reviewReasons(d, 0.999), ['measured share 99.73% is under 99.90%']);
  t.same(reviewReasons(d, 0.99), []);
});

t.test('a customer in two sites with two currencies: two invoices, each month in its own zone', async (t) => {
  // Amsterdam: 1 kW × 745 h = 745 kWh × 0.2150 = 160.175 -> 160.18 EUR; VAT 21% 33.6378 -> 33.64; 193.82 EUR.
  // Singapore: 3 kW × 744 h = 2232 kWh × 0.3125 = 697.50 SGD; GST 9% 62.775 -> 62.78; 760.28 SGD.
  const sin = monthPeriod('2026-10', 'Asia/Singapore');
  const ams = invoice(
    'acme',
    'ams1',
    OCT_AMS,
    [tariff({ energyPricePerKwh: '0.2150', taxes: [{ name: 'VAT', ratePct: 21 }] })],
    [point('ams-p', OCT_AMS, { startKwh: 0, power: flat(1) })],
  );
  const sg = invoice(
    'acme',
    'sin1',
    sin,
    [tariff({ currency: 'SGD', energyPricePerKwh: '0.3125', taxes: [{ name: 'GST', ratePct: 9 }] })],
    [point('sin-p', sin, { startKwh: 0, power: flat(3) })],
  );
  t.same([ams.currency, ams.subtotal, ams.taxTotal, ams.total], ['EUR', '160.18', '33.64', '193.82']);
  t.same([sg.currency, sg.subtotal, sg.taxTotal, sg.total], ['SGD', '697.50', '62.78', '760.28']);
  t.equal(sg.period.toMs - ams.period.toMs, -7 * H, 'Singapore closes 7 hours before Amsterdam');
});

t.test('A/B failover: billed once, and no overage from the failover', async (t) => {
  // 1.5 + 1.5 kW, feed A down 48 h with B at 3 kW: 2232.000 kWh × 0.20 = 446.40. The group's 15-minute
  // peak stays 3 kW = the commitment: no overage line.
  const fail = Date.UTC(2026, 9, 10, 12);
  const back = fail + 48 * H;
  const a = point('pdu-a', OCT_UTC, {
    startKwh: 500,
    power: [
      { fromMs: 0, powerW: 1500 },
      { fromMs: fail, powerW: 0 },
      { fromMs: back, powerW: 1500 },
    ],
    outages: [{ fromMs: fail + 1, toMs: back }],
  });
  const b = point('pdu-b', OCT_UTC, {
    startKwh: 700,
    power: [
      { fromMs: 0, powerW: 1500 },
      { fromMs: fail, powerW: 3000 },
      { fromMs: back, powerW: 1500 },
    ],
  });
  const d = invoice('acme', 'fra1', OCT_UTC, [tariff({ energyPricePerKwh: '0.20', committedPowerKw: 3, overagePricePerKw: '30' })], [a, b]);
  t.same(amounts(d), { 'energy:v1:standard': '446.40' });
  t.same(
    byKey(d, 'energy:v1:standard').energy?.points.map((p) => [p.pointId, p.kWh.toFixed(3)]),
    [
      ['pdu-a', '1044.000'],
      ['pdu-b', '1188.000'],
    ],
  );
});

t.test('overage on the peak 15-minute demand, not on a one-minute spike', async (t) => {
  // 8 kW base; 14 kW from 14 Oct 13:00Z to 13:20Z (slot 13:00-13:15 = 14 kW); a 40 kW minute at 20 Oct
  // 10:05Z averages 8 + 32/15 = 10.133 kW over its slot. Energy 8 × 744 + 6/3 + 32/60 = 5954.533 kWh
  // × 0.15 = 893.17995 -> 893.18. Overage (14 - 10) kW × 25.00 = 100.00. Total 993.18.
  const power = [
    { fromMs: 0, powerW: 8000 },
    { fromMs: Date.UTC(2026, 9, 14, 13), powerW: 14_000 },
    { fromMs: Date.UTC(2026, 9, 14, 13, 20), powerW: 8000 },
    { fromMs: Date.UTC(2026, 9, 20, 10, 5), powerW: 40_000 },
    { fromMs: Date.UTC(2026, 9, 20, 10, 6), powerW: 8000 },
  ];
  const d = invoice(
    'hooli',
    'fra1',
    OCT_UTC,
    [tariff({ energyPricePerKwh: '0.15', committedPowerKw: '10', overagePricePerKw: '25.00' })],
    [point('busway-7', OCT_UTC, { startKwh: 0, power })],
  );
  t.equal(byKey(d, 'energy:v1:standard').quantity, '5954.533');
  t.match(byKey(d, 'overage:v1'), {
    quantity: '4',
    unit: 'kW',
    unitPrice: '25.00',
    amount: '100.00',
    demand: { kW: 14, slotFromMs: Date.UTC(2026, 9, 14, 13), committedKw: '10' },
  });
  t.equal(d.total, '993.18');
});

t.test('a minimum charge tops the month up', async (t) => {
  // 1 kW for 100 h then nothing: 100 kWh × 0.20 = 20.00, + fixed 50.00 = 70.00 < 500.00: top-up 430.00.
  // VAT 21% of 500.00 = 105.00; total 605.00.
  const p = point('p-small', OCT_UTC, {
    startKwh: 3,
    power: [
      { fromMs: 0, powerW: 0 },
      { fromMs: OCT_UTC.fromMs, powerW: 1000 },
      { fromMs: OCT_UTC.fromMs + 100 * H, powerW: 0 },
    ],
  });
  const d = invoice(
    'tiny',
    'fra1',
    OCT_UTC,
    [
      tariff({
        energyPricePerKwh: '0.20',
        fixedFees: [{ name: 'Cage', amountPerMonth: 50 }],
        minimumChargePerMonth: '500',
        taxes: [{ name: 'VAT', ratePct: 21 }],
      }),
    ],
    [p],
  );
  t.same(amounts(d), { 'energy:v1:standard': '20.00', 'fixed_fee:v1:Cage': '50.00', 'minimum_topup:v1': '430.00', 'tax:VAT:21': '105.00' });
  t.equal(d.total, '605.00');
});

t.test('late data after finalizing: a credit note, the invoice untouched', async (t) => {
  // 6 kW until 31 Oct 21:00 Amsterdam (20:00Z), then 2 kW. At the draft, readings end at 19:00Z: the end
  // is extrapolated with the 6 kW read then: 6 × 741 + 6 × 4 = 4470 kWh × 0.20 = 894.00, VAT 187.74,
  // 1081.74. The late readings give 6 × 742 + 2 × 3 = 4458 kWh: 891.60, VAT 187.236 -> 187.24, 1078.84.
  // Credit: energy -12 kWh -2.40, VAT -0.50, total -2.90.
  const spec: Spec = {
    startKwh: 100,
    power: [
      { fromMs: 0, powerW: 6000 },
      { fromMs: Date.UTC(2026, 9, 31, 20), powerW: 2000 },
    ],
  };
  const v = [tariff({ energyPricePerKwh: '0.20', taxes: [{ name: 'VAT', ratePct: 21 }] })];
  const draft = invoice('acme', 'ams1', OCT_AMS, v, [point('p1', OCT_AMS, { ...spec, cutoffMs: Date.UTC(2026, 9, 31, 19) })]);
  t.same([byKey(draft, 'energy:v1:standard').quantity, draft.total], ['4470', '1081.74']);
  t.equal(draft.quality.estimatedKwh.toFixed(3), '24.000');
  const finalized = { ...structuredClone(draft), number: 'AMS1-2026-000123' };
  const before = JSON.stringify(finalized);
  const recomputed = invoice('acme', 'ams1', OCT_AMS, v, [point('p1', OCT_AMS, spec)]);
  t.same([byKey(recomputed, 'energy:v1:standard').quantity, recomputed.total], ['4458', '1078.84']);
  const note = noteFor(finalized, recomputed)!;
  t.equal(note.kind, 'credit');
  t.same(
    note.lines.map((l) => [l.key, l.quantityDelta, l.amountDelta]),
    [
      ['energy:v1:standard', '-12', '-2.40'],
      ['tax:VAT:21', '-2.4', '-0.50'],
    ],
  );
  t.same([note.subtotalDelta, note.taxDelta, note.totalDelta], ['-2.40', '-0.50', '-2.90']);
  t.equal(note.invoiceNumber, 'AMS1-2026-000123');
  t.equal(JSON.stringify(finalized), before, 'the finalized invoice is not edited');
  t.equal(noteFor(finalized, structuredClone(draft)), undefined, 'the same figures again: no note');
});
