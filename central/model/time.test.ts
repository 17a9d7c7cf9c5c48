import t from 'tap';
import { isoOf, parseTimeSpec, resolveTimeSpec } from './time.js';

t.test('time specs: a local date or a timestamp with an offset', async (t) => {
  const cases: [string, ReturnType<typeof parseTimeSpec>][] = [
    ['2026-10-15', { kind: 'date', date: '2026-10-15' }],
    ['2028-02-29', { kind: 'date', date: '2028-02-29' }],
    ['2026-02-29', undefined],
    ['2026-02-30', undefined],
    ['2026-13-01', undefined],
    ['2026-1-01', undefined],
    ['2026-10-15T08:00:00+02:00', { kind: 'instant', ms: Date.UTC(2026, 9, 15, 6) }],
    ['2026-10-15T08:00+02:00', { kind: 'instant', ms: Date.UTC(2026, 9, 15, 6) }],
    ['2026-10-15T08:00:00.250Z', { kind: 'instant', ms: Date.UTC(2026, 9, 15, 8, 0, 0, 250) }],
    ['2026-10-15T08:00:00-05:30', { kind: 'instant', ms: Date.UTC(2026, 9, 15, 13, 30) }],
    ['2026-10-15T08:00:00', undefined],
    ['2026-10-15T24:00:00Z', undefined],
    ['2026-10-15T23:60:00Z', undefined],
    ['2026-10-15T08:00:00+24:00', undefined],
    ['2026-10-15T08:00:00+02:60', undefined],
    ['2026-02-30T08:00:00Z', undefined],
    ['yesterday', undefined],
  ];
  for (const [text, want] of cases) t.same(parseTimeSpec(text), want, text);
});

t.test('resolving a spec needs a zone only for a local date', async (t) => {
  t.equal(resolveTimeSpec({ kind: 'instant', ms: 5 }, undefined), 5);
  t.equal(resolveTimeSpec({ kind: 'date', date: '2026-10-01' }, undefined), undefined);
  t.equal(resolveTimeSpec({ kind: 'date', date: '2026-10-01' }, 'Asia/Singapore'), Date.UTC(2026, 8, 30, 16));
  t.equal(isoOf(Infinity), '∞');
});
