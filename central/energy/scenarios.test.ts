// Energy scenarios from issue 7, one month of 1-minute readings each. Every expected figure is worked
// out by hand in the comment above it, from the power steps of the scenario (kW × hours).
import t from 'tap';
import { groupEnergy, heldEnergyOverCuts } from './group.js';
import { memorySeries } from '../../test/helpers/memory-source.js';
import { seriesEnergy } from './series.js';
import { synthesize, type SyntheticSpec } from '../../test/helpers/synthetic.js';
import { localMidnight, monthPeriod, zoneClock } from '../../common/local-time.js';

const MIN = 60_000;
const H = 60 * MIN;
const AMS = 'Europe/Amsterdam';
const OCT_AMS = monthPeriod('2026-10', AMS); // 2026-09-30T22:00Z .. 2026-10-31T23:00Z, 745 h
const OCT_UTC = monthPeriod('2026-10', 'UTC'); // 744 h
const kwh = (n: number): string => n.toFixed(3);

function series(id: string, spec: Omit<SyntheticSpec, 'stepMs'> & { stepMs?: number }) {
  const s = synthesize({ stepMs: MIN, ...spec });
  return memorySeries({ seriesId: id, counters: s.counters, power: s.power, events: s.events });
}

t.test('a PDU swapped mid-month (DST month, 745 h)', async (t) => {
  // 2 kW all month. On 15 Oct 10:00Z the PDU is exchanged: the old one's last reading at 10:00, the new
  // one's first 15 min later at 12.4 kWh. Energy = 2 kW × 745 h = 1490.000 kWh, of which the 15 minutes
  // between the devices (2 kW × 0.25 h = 0.500 kWh) are the gateway's estimate.
  const swapAt = Date.UTC(2026, 9, 15, 10);
  const pdu = series('pdu-r12-a/outlet:3', {
    fromMs: OCT_AMS.fromMs - H,
    toMs: OCT_AMS.toMs + H,
    startKwh: 304.6,
    serial: 'OLD-1',
    power: [{ fromMs: 0, powerW: 2000 }],
    restarts: [{ atMs: swapAt, gapMs: 15 * MIN, reason: 'swap', startKwh: 12.4, serial: 'NEW-2' }],
  });
  const e = seriesEnergy(pdu, OCT_AMS.fromMs, OCT_AMS.toMs);
  t.equal(kwh(e.kWh), '1490.000');
  t.equal(kwh(e.estimatedKwh), '0.500');
  t.equal(kwh(e.measuredKwh), '1489.500');
  // The old PDU read 304.6 an hour before the month: 306.6 at its start. The new one counts from 12.4 at
  // 15 Oct 10:15Z to 31 Oct 23:00Z (396.75 h × 2 kW = 793.5 kWh): 805.9 at the end.
  t.match(e.start, { method: 'reading', serial: 'OLD-1' }, 'start counter on the old PDU');
  t.equal(kwh(e.start.valueKwh!), '306.600');
  t.equal(kwh(e.end.valueKwh!), '805.900');
  t.match(e.end, { method: 'reading', serial: 'NEW-2' }, 'end counter on the new PDU');
  // The swap is 16 days before the end: further than the estimate window, so the end's trace names no
  // epoch start (a trace depends on its instant alone, not on how far the cut list reaches).
  t.notOk('epochStartMs' in e.end, 'no epoch start beyond the estimate window');
  const week = seriesEnergy(pdu, swapAt + 2 * H, swapAt + 6 * 24 * H);
  t.match(week.end, { epochStartMs: swapAt + 15 * MIN }, 'within the window, the end counter is in the epoch the swap opened');
  t.match(e.events, [{ reason: 'swap', old: { serial: 'OLD-1' }, new: { serial: 'NEW-2', valueKwh: 12.4 }, estimated: true }]);
  // What a product without epochs computes: end minus start, 990.7 kWh short.
  t.equal(kwh(e.end.valueKwh! - e.start.valueKwh!), '499.300', 'naive end - start');
});

t.test('a meter reset', async (t) => {
  // 3 kW over October in UTC (744 h) = 2232.000 kWh; reset on 20 Oct 00:00Z, next reading 2 min later at
  // 0: the 2 minutes (3 kW × 1/30 h = 0.100 kWh) are estimated.
  const m = series('busbar-a1/l1', {
    fromMs: OCT_UTC.fromMs - H,
    toMs: OCT_UTC.toMs + H,
    startKwh: 81_234.5,
    serial: 'M7',
    power: [{ fromMs: 0, powerW: 3000 }],
    restarts: [{ atMs: Date.UTC(2026, 9, 20), gapMs: 2 * MIN, reason: 'reset', startKwh: 0 }],
  });
  const e = seriesEnergy(m, OCT_UTC.fromMs, OCT_UTC.toMs);
  t.equal(kwh(e.kWh), '2232.000');
  t.equal(kwh(e.estimatedKwh), '0.100');
  t.equal(e.events[0]?.reason, 'reset');
});

t.test('a 32-bit Wh counter rolls over: exact', async (t) => {
  // Unsigned32 in Wh wraps at 4294967.296 kWh. 5 kW over 744 h = 3720.000 kWh, all counted: the wrap
  // happens 967.296 kWh in (193.4592 h), and the energy across it is counted, not estimated.
  const m = series('meter-e1/total', {
    fromMs: OCT_UTC.fromMs - H,
    toMs: OCT_UTC.toMs + H,
    startKwh: 4_294_005,
    wrapKwh: 4_294_967.296,
    power: [{ fromMs: 0, powerW: 5000 }],
  });
  const e = seriesEnergy(m, OCT_UTC.fromMs, OCT_UTC.toMs);
  t.equal(kwh(e.kWh), '3720.000');
  t.equal(kwh(e.measuredKwh), '3720.000');
  t.equal(e.estimatedKwh, 0);
  t.match(e.events, [{ reason: 'rollover', estimated: false }]);
  t.ok(e.end.valueKwh! < 4000, `the end counter (${kwh(e.end.valueKwh!)}) is past the wrap`);
});

t.test('a gap across the month boundary: estimated and flagged on both sides, nothing lost', async (t) => {
  // The gateway is down from 31 Oct 22:00 to 1 Nov 03:00 Amsterdam time (21:00Z to 02:00Z); 4 kW
  // throughout. October ends at 23:00Z, 2 h into the 5 h gap: October = 4 × 745 = 2980.000 kWh, of which
  // 4 × 2 = 8.000 kWh estimated; November starts 3 h before the next reading: 12.000 kWh estimated.
  const nov = monthPeriod('2026-11', AMS);
  const m = series('pdu-r7-b/inlet', {
    fromMs: OCT_AMS.fromMs - H,
    toMs: nov.toMs,
    startKwh: 10_000,
    power: [{ fromMs: 0, powerW: 4000 }],
    outages: [{ fromMs: Date.UTC(2026, 9, 31, 21) + 1, toMs: Date.UTC(2026, 10, 1, 2) }],
  });
  const oct = seriesEnergy(m, OCT_AMS.fromMs, OCT_AMS.toMs);
  t.equal(kwh(oct.kWh), '2980.000');
  t.equal(kwh(oct.estimatedKwh), '8.000');
  t.match(oct.end, { method: 'estimated_rate', estimated: true });
  t.equal(oct.end.rateKw!.toFixed(6), '4.000000', "at the counters' rate across the gap");
  const first3h = seriesEnergy(m, nov.fromMs, nov.fromMs + 6 * H);
  t.equal(kwh(first3h.kWh), '24.000');
  t.equal(kwh(first3h.estimatedKwh), '12.000');
  const both = seriesEnergy(m, OCT_AMS.fromMs, nov.fromMs + 6 * H);
  t.equal(kwh(oct.kWh + first3h.kWh), kwh(both.kWh), 'the two months together = the counter across the gap');
});

t.test('A/B feeds add up; a failover to B is neither double-billed nor lost', async (t) => {
  // A rack on two PDUs, 1.5 kW each (3 kW). Feed A fails 10 Oct 12:00Z to 12 Oct 12:00Z (48 h): PDU A is
  // unpowered (no readings, counter still), PDU B carries 3 kW.
  // A = 1.5 × (744 - 48) = 1044.000; B = 1.5 × 696 + 3 × 48 = 1188.000; rack = 3 × 744 = 2232.000.
  const fail = Date.UTC(2026, 9, 10, 12);
  const back = fail + 48 * H;
  const span = { fromMs: OCT_UTC.fromMs - H, toMs: OCT_UTC.toMs + H };
  const a = series('pdu-a', {
    ...span,
    startKwh: 500,
    power: [
      { fromMs: 0, powerW: 1500 },
      { fromMs: fail, powerW: 0 },
      { fromMs: back, powerW: 1500 },
    ],
    outages: [{ fromMs: fail + 1, toMs: back }],
  });
  const b = series('pdu-b', {
    ...span,
    startKwh: 700,
    power: [
      { fromMs: 0, powerW: 1500 },
      { fromMs: fail, powerW: 3000 },
      { fromMs: back, powerW: 1500 },
    ],
  });
  const rack = groupEnergy([a, b], OCT_UTC.fromMs, OCT_UTC.toMs);
  t.equal(kwh(rack.series[0]!.kWh), '1044.000', 'feed A');
  t.equal(kwh(rack.series[1]!.kWh), '1188.000', 'feed B');
  t.equal(kwh(rack.kWh), '2232.000', 'the rack: 3 kW all month');
  t.equal(rack.estimatedKwh, 0, 'all measured');
});

t.test('a change of holder mid-month splits at that instant from the counters, not pro rata', async (t) => {
  // Customer X holds the point until 16 Oct 09:30 Amsterdam (07:30Z) drawing 1 kW; then customer Y
  // draws 5 kW. X: 1 kW × (15 d × 24 h + 9.5 h) = 369.500 kWh; Y: 5 kW × (745 - 369.5) h = 1877.500 kWh.
  // Pro rata by time would give X 2247 × 369.5/745 = 1114.4 kWh.
  const change = zoneClock(AMS).instantOf(2026, 10, 16, 9, 30);
  t.equal(change, Date.UTC(2026, 9, 16, 7, 30));
  const s = series('pdu-r3-a/outlet:8', {
    fromMs: OCT_AMS.fromMs - H,
    toMs: OCT_AMS.toMs + H,
    startKwh: 42,
    power: [
      { fromMs: 0, powerW: 1000 },
      { fromMs: change, powerW: 5000 },
    ],
  });
  const cuts = [OCT_AMS.fromMs, OCT_AMS.toMs];
  const [x] = heldEnergyOverCuts([{ pointId: 'p8', series: s, held: [{ fromMs: localMidnight('2026-09-01', AMS), toMs: change }] }], cuts);
  const [y] = heldEnergyOverCuts([{ pointId: 'p8', series: s, held: [{ fromMs: change }] }], cuts);
  t.equal(kwh(x!.kWh), '369.500', 'customer X');
  t.equal(kwh(y!.kWh), '1877.500', 'customer Y');
  t.equal(x!.points[0]?.pieces[0]?.end.atMs, change, "X's energy ends at the change");
  t.equal(kwh(x!.kWh + y!.kWh), kwh(seriesEnergy(s, OCT_AMS.fromMs, OCT_AMS.toMs).kWh), 'together: the month');
});
