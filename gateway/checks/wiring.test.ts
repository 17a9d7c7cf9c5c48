import t from 'tap';
import type { Phase } from '../config/topology.js';
import { inferWiring, type WiringSample } from './wiring.js';

/** Deterministic load curves: each load wanders around its own level, as servers do. */
function curves(levelsW: readonly number[], windows: number, seed = 7): number[][] {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const now = [...levelsW];
  return Array.from({ length: windows }, () => now.map((w, i) => (now[i] = Math.max(0, w + (rnd() - 0.5) * 0.3 * levelsW[i]!))));
}

/** Meter readings from where the loads really are, plus a constant unmetered load per phase. */
function samples(actual: readonly Phase[], loads: readonly number[][], baseW: Partial<Record<Phase, number>> = {}): WiringSample[] {
  return loads.map((loadsW) => {
    const meterW: Partial<Record<Phase, number>> = {};
    for (const p of ['L1', 'L2', 'L3'] as const) meterW[p] = (baseW[p] ?? 0) + loadsW.reduce((s, x, i) => s + (actual[i] === p ? x : 0), 0);
    return { meterW, loadsW };
  });
}

const declared: Phase[] = ['L1', 'L1', 'L2', 'L2', 'L3', 'L3'];
const levels = [2000, 3500, 1800, 4200, 2600, 3100];
const load = curves(levels, 30);

t.test('a correctly wired circuit gives no finding', async (t) => {
  t.same(inferWiring(declared, samples(declared, load)), []);
});

t.test('a PDU declared on L2 that hangs on L3 is named', async (t) => {
  const actual: Phase[] = ['L1', 'L1', 'L3', 'L2', 'L3', 'L3'];
  const found = inferWiring(declared, samples(actual, load));
  t.equal(found.length, 1);
  t.match(found[0], { load: 2, declared: 'L2', follows: 'L3' });
  t.ok(found[0]!.explainsPct > 99, `explains ${found[0]!.explainsPct.toFixed(1)}% of the mismatch`);
  t.ok(found[0]!.correlation > 0.3, `its power follows L3's residual (r = ${found[0]!.correlation.toFixed(2)})`);
});

t.test('two mis-wired PDUs are both named', async (t) => {
  const actual: Phase[] = ['L2', 'L1', 'L2', 'L2', 'L3', 'L1'];
  const found = inferWiring(declared, samples(actual, load));
  t.same(found.map((f) => [f.load, f.declared, f.follows]).sort(), [
    [0, 'L1', 'L2'],
    [5, 'L3', 'L1'],
  ]);
});

t.test('an unmetered constant load on a phase is not blamed on a PDU', async (t) => {
  t.same(inferWiring(declared, samples(declared, load, { L1: 600, L3: 250 })), []);
});

t.test('still found with some unmetered load and meter noise', async (t) => {
  const actual: Phase[] = ['L1', 'L3', 'L2', 'L2', 'L3', 'L3'];
  const noisy = samples(actual, load, { L1: 150, L2: 80, L3: 200 }).map((s, i) => ({
    ...s,
    meterW: { L1: s.meterW.L1! + (i % 3) * 20, L2: s.meterW.L2! - (i % 2) * 30, L3: s.meterW.L3! },
  }));
  t.match(inferWiring(declared, noisy), [{ load: 1, declared: 'L1', follows: 'L3' }]);
});

t.test('two loads that cannot be told apart: no answer rather than a guess', async (t) => {
  const flat = Array.from({ length: 20 }, () => [3000, 3000, 2000, 2000]);
  const decl: Phase[] = ['L1', 'L1', 'L2', 'L3'];
  t.same(inferWiring(decl, samples(['L1', 'L2', 'L2', 'L3'], flat)), [], 'either PDU on L1 would explain it');
});

t.test('nothing to judge', async (t) => {
  t.same(inferWiring(declared, []), [], 'no windows');
  t.same(inferWiring(['L1'], [{ meterW: { L1: 100 }, loadsW: [90] }]), [], 'one phase only');
  t.same(inferWiring(['L1', 'L2'], [{ meterW: { L1: 100 }, loadsW: [90, 10] }]), [], 'declared on a phase the meter does not report');
});
