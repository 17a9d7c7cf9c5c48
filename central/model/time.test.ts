import t from 'tap';
import { isCurrency, isTimeZone, isoOf, localDateOf, parseTimeSpec, resolveTimeSpec, startOfLocalDayMs } from './time.js';

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

t.test('the start of a local day', async (t) => {
  const cases: [string, string, string][] = [
    ['2026-01-01', 'Europe/Amsterdam', '2025-12-31T23:00:00.000Z'],
    ['2026-07-01', 'Europe/Amsterdam', '2026-06-30T22:00:00.000Z'],
    ['2026-03-29', 'Europe/Amsterdam', '2026-03-28T23:00:00.000Z'], // the spring change is at 02:00, after midnight
    ['2026-03-30', 'Europe/Amsterdam', '2026-03-29T22:00:00.000Z'],
    ['2026-10-25', 'Europe/Amsterdam', '2026-10-24T22:00:00.000Z'],
    ['2026-10-26', 'Europe/Amsterdam', '2026-10-25T23:00:00.000Z'],
    ['2026-10-01', 'Asia/Singapore', '2026-09-30T16:00:00.000Z'],
    ['2026-10-01', 'UTC', '2026-10-01T00:00:00.000Z'],
    ['2026-03-08', 'America/Havana', '2026-03-08T05:00:00.000Z'], // Cuba skips from 00:00 to 01:00: the day starts at 01:00 CDT
    ['2026-11-01', 'America/Havana', '2026-11-01T04:00:00.000Z'], // 00:00 to 00:59 happen twice: the first one
  ];
  for (const [date, zone, iso] of cases) {
    const ms = startOfLocalDayMs(date, zone);
    t.equal(isoOf(ms), iso, `${date} ${zone}`);
    t.equal(localDateOf(ms, zone), date, `${date} ${zone} starts on that day`);
    t.not(localDateOf(ms - 1, zone), date, `${date} ${zone}: a millisecond earlier is the day before`);
  }
  t.throws(() => startOfLocalDayMs('2026-02-30', 'UTC'), RangeError);
});

t.test('DST months in Amsterdam have 743 and 745 hours; Singapore months do not change', async (t) => {
  const hours = (from: string, to: string, zone: string) => (startOfLocalDayMs(to, zone) - startOfLocalDayMs(from, zone)) / 3_600_000;
  t.equal(hours('2026-03-01', '2026-04-01', 'Europe/Amsterdam'), 743);
  t.equal(hours('2026-10-01', '2026-11-01', 'Europe/Amsterdam'), 745);
  t.equal(hours('2026-10-01', '2026-11-01', 'Asia/Singapore'), 744);
});

t.test('resolving a spec needs a zone only for a local date', async (t) => {
  t.equal(resolveTimeSpec({ kind: 'instant', ms: 5 }, undefined), 5);
  t.equal(resolveTimeSpec({ kind: 'date', date: '2026-10-01' }, undefined), undefined);
  t.equal(resolveTimeSpec({ kind: 'date', date: '2026-10-01' }, 'Asia/Singapore'), Date.UTC(2026, 8, 30, 16));
  t.equal(isoOf(Infinity), '∞');
});

t.test('time zones and currencies', async (t) => {
  for (const [zone, ok] of [['Europe/Amsterdam', true], ['Asia/Singapore', true], ['UTC', true], ['America/Argentina/Buenos_Aires', true],
    ['Mars/Olympus', false], ['+01:00', false], ['', false], ['Europe/Amsterdam ', false]] as const) t.equal(isTimeZone(zone), ok, zone);
  for (const [code, ok] of [['EUR', true], ['SGD', true], ['USD', true], ['eur', false], ['EURO', false], ['XYZ', false]] as const) t.equal(isCurrency(code), ok, code);
});
