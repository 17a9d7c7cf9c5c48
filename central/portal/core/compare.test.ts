import t from 'tap';
import { comparePeriods, compareTotal, percentChange } from './compare.js';

t.test('percent change', async (t) => {
  const cases: [number, number, number | undefined][] = [
    [100, 110, 10],
    [100, 50, -50],
    [0, 5, undefined],
    [0, 0, undefined],
    [-10, -5, 50],
  ];
  for (const [a, b, want] of cases) t.equal(percentChange(a, b), want, `${a} -> ${b}`);
});

t.test('two periods side by side', async (t) => {
  const rows = comparePeriods(
    [
      { group: 'r12', kWh: 1000, estimatedKwh: 0, peakKw: 2 },
      { group: 'k11', kWh: 400, estimatedKwh: 10, peakKw: 4 },
      { group: 'old', kWh: 50, estimatedKwh: 0, peakKw: undefined },
    ],
    [
      { group: 'r12', kWh: 1100, estimatedKwh: 0, peakKw: 2.5 },
      { group: 'k11', kWh: 300, estimatedKwh: 0, peakKw: 3 },
      { group: 'new', kWh: 20, estimatedKwh: 0, peakKw: 1 },
    ],
  );
  t.same(
    rows.map((r) => r.group),
    ['k11', 'new', 'old', 'r12'],
    'every group of either period, sorted',
  );
  t.match(rows[3], {
    a: { kWh: 1000, peakKw: 2, estimated: false },
    b: { kWh: 1100, peakKw: 2.5 },
    deltaKwh: 100,
    deltaPct: 10,
    deltaPeakKw: 0.5,
    deltaPeakPct: 25,
  });
  t.match(rows[0], { a: { estimated: true }, b: { estimated: false }, deltaKwh: -100, deltaPct: -25, deltaPeakKw: -1, deltaPeakPct: -25 });
  t.match(rows[1], { a: { kWh: 0, peakKw: undefined }, deltaKwh: 20, deltaPct: undefined, deltaPeakKw: undefined }, 'new: no base');
  t.match(rows[2], { b: { kWh: 0 }, deltaKwh: -50, deltaPct: -100, deltaPeakKw: undefined });

  const total = compareTotal(rows, 6, 5.5);
  t.match(total, {
    group: 'total',
    a: { kWh: 1450, peakKw: 6, estimated: true },
    b: { kWh: 1420, peakKw: 5.5, estimated: false },
    deltaKwh: -30,
    deltaPeakKw: -0.5,
  });
  t.equal(compareTotal([], undefined, 1).deltaPeakKw, undefined, 'no peak change without both peaks');
});
