// Readings for every point of the example inventory around October 2026: constant power per point (the
// figures the tests work out by hand), a meter exchanged on branch a1-01, readings every 15 minutes.
import { synthesize } from '../helpers/synthetic.js';
import { monthPeriod } from '../../common/local-time.js';
import type { InventoryModel } from '../../central/model/types.js';
import type { SeriesToIngest } from './stores.js';

const H = 3_600_000;
export const OCT_AMS = monthPeriod('2026-10', 'Europe/Amsterdam');
export const OCT_SIN = monthPeriod('2026-10', 'Asia/Singapore');

/** Watts per point; every other point draws 100 W. */
export const POWER_W: Record<string, number> = {
  'ams1-r101-a1-01/total': 2000,
  'ams1-r101-b1-01/total': 1000,
  'ams1-r101-a1-02/total': 1500,
  'ams1-r101-b1-02/total': 500,
  'ams1-r14-a-o1': 300,
  'ams1-k11-pdu-a/total': 2500,
  'ams1-k11-pdu-b/total': 1500,
  'sin1-r02-pdu-a/total': 1200,
  'sin1-r02-pdu-b/total': 800,
  // ams2: Nordwind's r01 1 kW, Kestrel's r02 3 kW and r03 3.5 kW, Fjord's r04 2 kW (from the 16th).
  'ams2-r01-pdu-a/total': 600,
  'ams2-r01-pdu-b/total': 400,
  'ams2-r02-pdu-a/total': 1800,
  'ams2-r02-pdu-b/total': 1200,
  'ams2-r03-pdu-a/total': 2000,
  'ams2-r03-pdu-b/total': 1500,
  'ams2-r04-pdu-a/total': 1400,
  'ams2-r04-pdu-b/total': 600,
};
export const SWAP_AT = Date.UTC(2026, 9, 20, 10); // branch a1-01's meter exchanged, 10 minutes without readings

export function exampleSeries(model: InventoryModel): SeriesToIngest[] {
  return [...model.points.values()].map((p) => {
    const period = p.site === 'sin1' ? OCT_SIN : OCT_AMS;
    const swap =
      p.id === 'ams1-r101-a1-01/total'
        ? { restarts: [{ atMs: SWAP_AT, gapMs: 10 * 60_000, reason: 'swap' as const, startKwh: 0.5, serial: 'NEW' }] }
        : {};
    const data = synthesize({
      fromMs: period.fromMs - 24 * H,
      toMs: period.toMs + 24 * H,
      stepMs: 15 * 60_000,
      startKwh: 1000,
      power: [{ fromMs: 0, powerW: POWER_W[p.id] ?? 100 }],
      ...swap,
    });
    return { site: p.site, gateway: p.gateway, device: p.device, channel: p.channel, data };
  });
}
