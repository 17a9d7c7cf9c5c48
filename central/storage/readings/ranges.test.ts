import t from 'tap';
import { gapsBetween, mergeInto, mergeRanges } from './ranges.js';
import type { SeqRange } from './types.js';

const R = (...pairs: [number, number][]): SeqRange[] => pairs.map(([fromSeq, toSeq]) => ({ fromSeq, toSeq }));

t.test('mergeRanges joins overlapping and adjacent ranges, whatever the order', async (t) => {
  const cases: [string, SeqRange[], SeqRange[]][] = [
    ['empty', [], []],
    ['one', R([5, 9]), R([5, 9])],
    ['adjacent', R([4, 6], [1, 3]), R([1, 6])],
    ['one apart stays apart', R([1, 3], [5, 6]), R([1, 3], [5, 6])],
    ['overlap', R([1, 10], [5, 20]), R([1, 20])],
    ['contained', R([1, 100], [20, 30]), R([1, 100])],
    ['duplicates', R([7, 7], [7, 7]), R([7, 7])],
    ['chain out of order', R([30, 40], [1, 10], [11, 29]), R([1, 40])],
  ];
  for (const [name, input, want] of cases) t.same(mergeRanges(input), want, name);
});

t.test('gapsBetween lists the holes', async (t) => {
  t.same(gapsBetween(R([1, 10], [21, 30], [32, 32])), R([11, 20], [31, 31]));
  t.same(gapsBetween(R([1, 10])), []);
  t.same(gapsBetween([]), []);
});

t.test('mergeInto: what to delete and upsert so stored ranges stay merged', async (t) => {
  const cases: [string, SeqRange[], SeqRange[], { remove: SeqRange[]; upsert: SeqRange[] }][] = [
    ['first range', [], R([1, 5]), { remove: [], upsert: R([1, 5]) }],
    ['extends at the end: upsert in place', R([1, 5]), R([6, 9]), { remove: [], upsert: R([1, 9]) }],
    ['extends at the start: old start goes', R([6, 9]), R([1, 5]), { remove: R([6, 9]), upsert: R([1, 9]) }],
    ['fills a hole between two', R([1, 5], [10, 12]), R([6, 9]), { remove: R([10, 12]), upsert: R([1, 12]) }],
    ['already covered: nothing', R([1, 20]), R([3, 4]), { remove: [], upsert: [] }],
    ['apart: a new range', R([1, 5]), R([8, 9]), { remove: [], upsert: R([8, 9]) }],
    ['far neighbours untouched', R([1, 2], [50, 60]), R([10, 12]), { remove: [], upsert: R([10, 12]) }],
    ['nothing incoming', R([1, 2]), [], { remove: [], upsert: [] }],
    ['swallows several', R([3, 4], [6, 7], [9, 10]), R([1, 12]), { remove: R([3, 4], [6, 7], [9, 10]), upsert: R([1, 12]) }],
  ];
  for (const [name, stored, incoming, want] of cases) t.same(mergeInto(stored, incoming), want, name);
});
