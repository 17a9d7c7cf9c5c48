import t from 'tap';
import { PeriodError } from './errors.js';
import { localDateOf, localMidnight, monthPeriod, parseLocalDate, zoneClock } from './zone.js';

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
  t.not(monthPeriod('2026-10', 'Europe/Amsterdam').toMs, monthPeriod('2026-10', 'Asia/Singapore').toMs, 'the same month ends at different instants');
});

t.test('wall times that happen twice or never', async (t) => {
  const ams = zoneClock('Europe/Amsterdam');
  t.equal(iso(ams.instantOf(2026, 10, 25, 2, 30)), '2026-10-25T00:30:00.000Z', '02:30 on the fall-back night: the first of the two');
  t.equal(iso(ams.instantOf(2026, 3, 29, 2, 0)), '2026-03-29T01:00:00.000Z', '02:00 on the spring-forward night: the instant the clocks jump');
  t.equal(iso(ams.instantOf(2026, 3, 29, 2, 30)), '2026-03-29T01:30:00.000Z', '02:30 does not exist: moved forward by the gap (03:30 CEST)');
  t.equal(iso(ams.instantOf(2026, 3, 29, 3, 0)), '2026-03-29T01:00:00.000Z', '03:00 CEST is the same instant');
  t.equal(ams.offsetMs(Date.UTC(2026, 6, 1)), 2 * H, 'summer offset');
  t.equal(ams.offsetMs(Date.UTC(2026, 0, 1)), H, 'winter offset');
  t.match(ams.local(Date.UTC(2026, 9, 31, 23, 0)), { year: 2026, month: 11, day: 1, hour: 0, isoWeekday: 7 }, 'midnight of Sunday 1 November');
  // Chile moves its clocks at midnight: 6 September 2026 starts at 01:00 local (-03), which is 04:00Z.
  t.equal(iso(localMidnight('2026-09-06', 'America/Santiago')), '2026-09-06T04:00:00.000Z', 'a day whose midnight does not exist starts at the jump');
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
