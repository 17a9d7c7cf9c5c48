import t from 'tap';
import { circuitBalance, imbalancePct } from './phase-balance.js';

t.test('NEMA imbalance', async (t) => {
  const cases: [number[], number | undefined][] = [
    [[10, 10, 10], 0],
    [[12, 10, 8], 20],
    [[20, 10, 0], 100],
    [[2, 2, 1], undefined], // under the 5 A mean
    [[10], undefined],
  ];
  for (const [a, want] of cases) t.equal(imbalancePct(a), want, a.join('/'));
});

t.test('circuit status from load and imbalance', async (t) => {
  const cases: { what: string; currents: Record<string, number>; rated?: number; status: string; reasons: string[] }[] = [
    { what: 'balanced, light', currents: { L1: 10, L2: 10, L3: 11 }, rated: 32, status: 'ok', reasons: [] },
    {
      what: 'one phase past 80%',
      currents: { L1: 10, L2: 26, L3: 11 },
      rated: 32,
      status: 'warning',
      reasons: ['L2 at 81% of 32 A', 'imbalance 66% (limit 20%)'],
    },
    {
      what: 'over the rating',
      currents: { L1: 33, L2: 30, L3: 31 },
      rated: 32,
      status: 'critical',
      reasons: ['L1 at 103% of 32 A', 'L2 at 94% of 32 A', 'L3 at 97% of 32 A'],
    },
    { what: 'imbalanced only', currents: { L1: 6, L2: 12, L3: 6 }, rated: 63, status: 'warning', reasons: ['imbalance 50% (limit 20%)'] },
    { what: 'single phase', currents: { L2: 14 }, rated: 16, status: 'warning', reasons: ['L2 at 88% of 16 A'] },
    { what: 'no rating', currents: { L1: 5, L2: 5, L3: 5 }, status: 'ok', reasons: [] },
    { what: 'nothing read', currents: {}, rated: 16, status: 'unknown', reasons: [] },
  ];
  for (const c of cases) {
    const b = circuitBalance(c.currents, c.rated);
    t.equal(b.status, c.status, c.what);
    t.same(b.reasons, c.reasons, c.what);
  }
  const b = circuitBalance({ L1: 8, L2: 16, L3: 8 }, 32);
  t.same(
    b.phases.map((p) => [p.phase, p.loadPct]),
    [
      ['L1', 25],
      ['L2', 50],
      ['L3', 25],
    ],
  );
  t.ok(Math.abs(b.imbalancePct! - 50) < 1e-9, 'imbalance 50%');
  t.equal(circuitBalance({ L1: 8 }, undefined).phases[0]!.loadPct, undefined);
});
