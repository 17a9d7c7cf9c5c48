import t from 'tap';
import { isCurrency, isTimeZone, localDateOf, localMidnight, monthPeriod, parseLocalDate, PeriodError, zoneClock } from './local-time.js';

const H = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

t.test('months in local time: hours, first and last instant', async (t) => {
  const table: { month: string; tz: string; hours: number; from: string; to: string }[] = [
    { month: '2026-10', tz: 'Europe/Amsterdam', hours: 745, from: '2026-09-30T22:00:00.000Z', to: '2026-10-31T23:00:00.000Z' },
    { month: '2026-03', tz: 'Europe/Amsterdam', hours: 743, from: '2026-02-28T23:00:00.000Z', to: '2026-03-31T22:00:00.000Z' },
    { month: '2026-07', tz: 'Europe/Amsterdam', hours: 744, from: '2026-06-30T22:00:00.000Z', to: '2026-07-31T22:00:00.000Z' },
    { month: '2026-10', tz: 'Asia/Singapore', hours: 744, from: '2026-09-30T16:00:00.000Z', to: '2026-10-31T16:00:00.000Z' },
    { month: '2026-02', tz: 'Asia/Singapore', hours: 672, from: '2026-01-31T16:00:00.000Z', to: '2026-02-28T16:00:00.000Z' },
    { month: '2026-03', tz: 'America/New_York', hours: 743, from: '2026-03-01T05:00:00.000Z', to: '2026-04-01T04:00:00.000Z' },
    { month: '2026-11', tz: 'America/New_York', hours: 721, from: '2026-11-01T04:00:00.000Z', to: '2026-12-01T05:00:00.000Z' },
    // Southern hemisphere: Sydney leaves DST in April and enters it in October.
    { month: '2026-04', tz: 'Australia/Sydney', hours: 721, from: '2026-03-31T13:00:00.000Z', to: '2026-04-30T14:00:00.000Z' },
    { month: '2026-10', tz: 'Australia/Sydney', hours: 743, from: '2026-09-30T14:00:00.000Z', to: '2026-10-31T13:00:00.000Z' },
    { month: '2026-12', tz: 'UTC', hours: 744, from: '2026-12-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' },
  ];
  for (const c of table) {
    const p = monthPeriod(c.month, c.tz);
    t.equal((p.toMs - p.fromMs) / H, c.hours, `${c.month} in ${c.tz} has ${c.hours} h`);
    t.equal(iso(p.fromMs), c.from, `${c.month} in ${c.tz} starts ${c.from}`);
    t.equal(iso(p.toMs), c.to, `${c.month} in ${c.tz} ends ${c.to}`);
  }
  t.equal(monthPeriod('2026-10', 'Europe/Amsterdam').days, 31);
  t.not(
    monthPeriod('2026-10', 'Europe/Amsterdam').toMs,
    monthPeriod('2026-10', 'Asia/Singapore').toMs,
    'the same month ends at different instants',
  );
});

t.test('wall times that happen twice or never', async (t) => {
  const ams = zoneClock('Europe/Amsterdam');
  t.equal(iso(ams.instantOf(2026, 10, 25, 2, 30)), '2026-10-25T00:30:00.000Z', '02:30 on the fall-back night: the first of the two');
  t.equal(
    iso(ams.instantOf(2026, 3, 29, 2, 0)),
    '2026-03-29T01:00:00.000Z',
    '02:00 on the spring-forward night: the instant the clocks jump',
  );
  t.equal(
    iso(ams.instantOf(2026, 3, 29, 2, 30)),
    '2026-03-29T01:30:00.000Z',
    '02:30 does not exist: moved forward by the gap (03:30 CEST)',
  );
  t.equal(iso(ams.instantOf(2026, 3, 29, 3, 0)), '2026-03-29T01:00:00.000Z', '03:00 CEST is the same instant');
  t.equal(ams.offsetMs(Date.UTC(2026, 6, 1)), 2 * H, 'summer offset');
  t.equal(ams.offsetMs(Date.UTC(2026, 0, 1)), H, 'winter offset');
  t.match(
    ams.local(Date.UTC(2026, 9, 31, 23, 0)),
    { year: 2026, month: 11, day: 1, hour: 0, isoWeekday: 7 },
    'midnight of Sunday 1 November',
  );
  // Chile moves its clocks at midnight: 6 September 2026 starts at 01:00 local (-03), which is 04:00Z.
  t.equal(
    iso(localMidnight('2026-09-06', 'America/Santiago')),
    '2026-09-06T04:00:00.000Z',
    'a day whose midnight does not exist starts at the jump',
  );
  t.equal(iso(localMidnight('2026-09-05', 'America/Santiago')), '2026-09-05T04:00:00.000Z', 'the day before starts at midnight -04');
  t.equal(localDateOf(Date.UTC(2026, 9, 31, 22, 59), 'Europe/Amsterdam'), '2026-10-31');
  t.equal(localDateOf(Date.UTC(2026, 9, 31, 23, 0), 'Europe/Amsterdam'), '2026-11-01');
});

t.test('bad input is a PeriodError, not a crash', async (t) => {
  t.throws(() => zoneClock('Europe/Atlantis'), PeriodError);
  t.throws(() => monthPeriod('2026-13', 'UTC'), PeriodError);
  t.throws(() => monthPeriod('Oct 2026', 'UTC'), PeriodError);
  t.throws(() => parseLocalDate('2026-02-30'), PeriodError);
  t.throws(() => localMidnight('2026-1-1', 'UTC'), PeriodError);
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
    const ms = localMidnight(date, zone);
    t.equal(new Date(ms).toISOString(), iso, `${date} ${zone}`);
    t.equal(localDateOf(ms, zone), date, `${date} ${zone} starts on that day`);
    t.not(localDateOf(ms - 1, zone), date, `${date} ${zone}: a millisecond earlier is the day before`);
  }
  t.throws(() => localMidnight('2026-02-30', 'UTC'), PeriodError);
});

t.test('DST months in Amsterdam have 743 and 745 hours; Singapore months do not change', async (t) => {
  const hours = (from: string, to: string, zone: string) => (localMidnight(to, zone) - localMidnight(from, zone)) / 3_600_000;
  t.equal(hours('2026-03-01', '2026-04-01', 'Europe/Amsterdam'), 743);
  t.equal(hours('2026-10-01', '2026-11-01', 'Europe/Amsterdam'), 745);
  t.equal(hours('2026-10-01', '2026-11-01', 'Asia/Singapore'), 744);
});

t.test('time zones and currencies', async (t) => {
  for (const [zone, ok] of [
    ['Europe/Amsterdam', true],
    ['Asia/Singapore', true],
    ['UTC', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Mars/Olympus', false],
    ['+01:00', false],
    ['', false],
    ['Europe/Amsterdam ', false],
  ] as const)
    t.equal(isTimeZone(zone), ok, zone);
  for (const [code, ok] of [
    ['EUR', true],
    ['SGD', true],
    ['USD', true],
    ['eur', false],
    ['EURO', false],
    ['XYZ', false],
  ] as const)
    t.equal(isCurrency(code), ok, code);
});
