// The browser's formatting helpers are plain ES modules; these table tests run them in Node.
import t from 'tap';
// @ts-expect-error: a plain JS module served to browsers as is (no types)
import * as f from './format.js';

t.test('units', async (t) => {
  const cases: [string, string][] = [
    [f.kW(0.35), '0.350 kW'],
    [f.kW(12.44), '12.44 kW'],
    [f.kW(123.45), '123.5 kW'],
    [f.kW(1250.2), '1,250 kW'],
    [f.kW(undefined), '–'],
    [f.kW(NaN), '–'],
    [f.kWh(2235), '2,235.0 kWh'],
    [f.kWh(1.234), '1.23 kWh'],
    [f.kWh(null), '–'],
    [f.amps(12.34), '12.3 A'],
    [f.amps(undefined), '–'],
    [f.volts(230.4), '230 V'],
    [f.volts(null), '–'],
    [f.percent(12.345), '12.3 %'],
    [f.percent(undefined), '–'],
    [f.signed(f.kWh(12.5), 12.5), '+12.50 kWh'],
    [f.signed(f.percent(-3), -3), '−3.0 %'],
    [f.signed(f.kWh(0), 0), '0.00 kWh'],
    [f.signed('x', undefined), '–'],
  ];
  for (const [got, want] of cases) t.equal(got, want, want);
});

t.test("time in the site's zone", async (t) => {
  const at = Date.parse('2026-10-15T10:07:31Z');
  t.equal(f.dateTime(at, 'Europe/Amsterdam'), '15 Oct 2026, 12:07 CEST');
  t.equal(f.dateTime(at, 'Asia/Singapore'), '15 Oct 2026, 18:07 GMT+8');
  t.equal(f.dateTime(undefined, 'UTC'), '–');
  t.equal(f.clock(at, 'Europe/Amsterdam'), '12:07:31');
  t.equal(f.clock(null, 'UTC'), '–');
  t.equal(f.monthOf(Date.parse('2026-10-31T23:30:00Z'), 'Europe/Amsterdam'), '2026-11', 'already November in Amsterdam');
  t.equal(f.monthOf(Date.parse('2026-10-31T23:30:00Z'), 'America/New_York'), '2026-10');
  const ago: [number, string][] = [
    [5_000, '5 s ago'],
    [10 * 60_000, '10 min ago'],
    [5 * 3_600_000, '5 h ago'],
    [3 * 86_400_000, '3 d ago'],
  ];
  for (const [d, want] of ago) t.equal(f.ago(at - d, at), want);
  t.equal(f.ago(undefined, at), 'never');
  const dur: [number, string][] = [
    [20 * 60_000, '20 min'],
    [3 * 3_600_000, '3 h'],
    [200 * 60_000, '3 h 20 min'],
    [50 * 3_600_000, '2 d 2 h'],
  ];
  for (const [d, want] of dur) t.equal(f.duration(d), want);
  t.equal(f.monthLabel('2026-10'), 'October 2026');
  t.same([f.previousMonth('2026-10'), f.previousMonth('2026-01')], ['2026-09', '2025-12']);
  t.same(f.quality(1), { estimated: false, text: 'measured' });
  t.same(f.quality(0.98765), { estimated: true, text: '98.8 % measured' });
  t.same(f.quality(0.99989), { estimated: true, text: '99.989 % measured' }, 'never rounded up to 100');
});
