import t from 'tap';
import { EnergyInputError } from './errors.js';
import { heldEnergyOverCuts, measuredShare, peakDemand, sumEnergy } from './group.js';
import { memorySeries } from '../../test/helpers/memory-source.js';
import { synthesize } from '../../test/helpers/synthetic.js';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = Date.UTC(2026, 9, 5);

function point(id: string, power: { fromMs: number; powerW: number }[], stepMs = MIN) {
  const s = synthesize({ fromMs: DAY - H, toMs: DAY + 25 * H, stepMs, startKwh: 100, power });
  return memorySeries({ seriesId: id, counters: s.counters, power: s.power, events: s.events });
}

t.test('peak 15-minute demand of a group', async (t) => {
  // a: 2 kW, with 10 kW from 14:00 to 14:20. b: 1 kW all day.
  // 14:00-14:15: 10 + 1 = 11 kW. 14:15-14:30: a = (10 × 5 + 2 × 10)/15 = 4.667 kW, + 1.
  const a = point('a', [
    { fromMs: 0, powerW: 2000 },
    { fromMs: DAY + 14 * H, powerW: 10_000 },
    { fromMs: DAY + 14 * H + 20 * MIN, powerW: 2000 },
  ]);
  const b = point('b', [{ fromMs: 0, powerW: 1000 }]);
  const pts = [a, b].map((s) => ({ pointId: s.seriesId, series: s, held: [{ fromMs: 0 }] }));
  const peak = peakDemand(pts, DAY, DAY + 24 * H)!;
  t.equal(peak.kW.toFixed(3), '11.000');
  t.equal(peak.slotFromMs, DAY + 14 * H);
  t.equal(peak.slots, 96);
  t.equal(peak.estimated, false);
  const late = peakDemand(pts, DAY + 14 * H + 15 * MIN, DAY + 15 * H)!;
  t.equal(late.kW.toFixed(3), '5.667', 'after the burst: 4.667 + 1');
  t.equal(peakDemand(pts, DAY + 1, DAY + 10 * MIN), undefined, 'no whole slot');
  const partial = peakDemand(pts, DAY + 14 * H + 5 * MIN, DAY + 15 * H)!;
  t.equal(partial.slotFromMs, DAY + 14 * H + 15 * MIN, 'partial slots at the edges do not count');
});

t.test('the cost of the peak grows with the slots, not the sampling rate', async (t) => {
  const count = (stepMs: number): number => {
    const s = point('a', [{ fromMs: 0, powerW: 2000 }], stepMs);
    peakDemand([{ pointId: 'a', series: s, held: [{ fromMs: 0 }] }], DAY, DAY + 24 * H);
    return s.lookups;
  };
  const atMinute = count(MIN);
  t.equal(count(10_000), atMinute, 'same at a 10 s step');
  t.ok(atMinute <= 2 * 97 + 1, `${atMinute} lookups for 96 slots`);
});

t.test('held spans: pieces per interval, errors for bad spans', async (t) => {
  const a = point('a', [{ fromMs: 0, powerW: 1000 }]);
  // held 02:00-05:00 and 07:00-: over cuts 00-06-12: [3 kWh, 5 kWh]
  const r = heldEnergyOverCuts(
    [{ pointId: 'a', series: a, held: [{ fromMs: DAY + 7 * H }, { fromMs: DAY + 2 * H, toMs: DAY + 5 * H }] }],
    [DAY, DAY + 6 * H, DAY + 12 * H],
  );
  t.same(
    r.map((i) => i.kWh.toFixed(3)),
    ['3.000', '5.000'],
  );
  t.equal(r[0]!.points[0]!.pieces.length, 1);
  t.same(
    heldEnergyOverCuts([{ pointId: 'a', series: a, held: [{ fromMs: DAY + 20 * H }] }], [DAY, DAY + H])[0]!.points,
    [],
    'not held in the interval: no lookups, no energy',
  );
  t.throws(
    () => heldEnergyOverCuts([{ pointId: 'a', series: a, held: [{ fromMs: DAY + H, toMs: DAY }] }], [DAY, DAY + H]),
    EnergyInputError,
  );
  t.throws(
    () => heldEnergyOverCuts([{ pointId: 'a', series: a, held: [{ fromMs: DAY }, { fromMs: DAY + H }] }], [DAY, DAY + 2 * H]),
    EnergyInputError,
    'held twice',
  );
});

t.test('quality arithmetic', async (t) => {
  const q = sumEnergy([
    { kWh: 10, measuredKwh: 8, estimatedKwh: 2, interpolatedKwh: 1 },
    { kWh: 10, measuredKwh: 10, estimatedKwh: 0, interpolatedKwh: 0 },
  ]);
  t.same(q, { kWh: 20, measuredKwh: 18, estimatedKwh: 2, interpolatedKwh: 1 });
  t.equal(measuredShare(q), 0.9);
  t.equal(measuredShare(sumEnergy([])), 1, 'no energy: nothing estimated');
});
