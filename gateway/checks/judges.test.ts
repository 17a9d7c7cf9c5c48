// The pure judges of one window: hysteresis, the window summary, phase sums, imbalance and load.
import t from 'tap';
import type { Reading } from '../../protocol/reading.js';
import { ChecksConfig, Circuit } from '../config/topology.js';
import { judgeImbalance, judgeLoad } from './balance.js';
import { IDLE, step, type Outcome } from './hysteresis.js';
import { describeSum, judgePhaseSums } from './phase-sum.js';
import { WindowAccumulator, type ChannelStats, type WindowSummary } from './window.js';

const cfg = ChecksConfig.parse({});
const circuit = Circuit.parse({
  id: 'busbar-b2',
  meter: 'bb2',
  ratingA: 100,
  phases: {
    L1: [
      { device: 'pdu-a', channel: 'total' },
      { device: 'pdu-b', channel: 'total' },
    ],
    L2: [{ device: 'pdu-c', channel: 'phase:2' }],
  },
});

function win(channels: Record<string, ChannelStats>): WindowSummary {
  return { startMs: 0, endMs: 60_000, channels: new Map(Object.entries(channels)) };
}

t.test('hysteresis: raise after N bad windows in a row, clear after M good ones', async (t) => {
  const run = (outcomes: Outcome[]) => {
    let s = IDLE;
    return outcomes
      .map((o) => {
        const r = step(s, o, 3, 2);
        s = r.next;
        return r.change ?? '-';
      })
      .join(' ');
  };
  t.equal(run(['bad', 'bad', 'bad', 'bad']), '- - raise -');
  t.equal(run(['bad', 'bad', 'good', 'bad', 'bad']), '- - - - -', 'a good window in between starts over');
  t.equal(run(['bad', 'unknown', 'bad', 'bad']), '- - - raise', 'a window without data changes nothing');
  t.equal(run(['bad', 'bad', 'bad', 'good', 'bad', 'good', 'good']), '- - raise - - - clear');
  t.equal(run(['good', 'good', 'good']), '- - -', 'nothing to clear');
});

t.test('window: mean power, and the power the energy counter implies', async (t) => {
  const acc = new WindowAccumulator(60_000);
  const r = (ts: number, values: Reading['values'], flags?: Reading['flags']): Reading => ({
    device: 'm',
    channel: 'l1',
    ts,
    values,
    quality: 'good',
    ...(flags ? { flags } : {}),
  });
  acc.add(r(120_000, { power_w: 1000, current_a: 4, voltage_v: 230, energy_import_kwh: 10 }));
  acc.add(r(135_000, { energy_import_kwh: 10.005 }));
  acc.add(r(150_000, { power_w: 1400, current_a: 6, voltage_v: 232 }));
  acc.add(r(165_000, { energy_import_kwh: 10.0225 }));
  acc.add(r(185_000, { power_w: 5 }));
  t.same(acc.close(179_999), [], 'not yet over');
  const [w] = acc.close(180_000);
  t.equal(w!.startMs, 120_000);
  const s = w!.channels.get('m|l1')!;
  t.same({ powerW: s.powerW, currentA: s.currentA, voltageV: s.voltageV }, { powerW: 1200, currentA: 5, voltageV: 231 });
  t.equal(Math.round(s.energyW!), 1800, '22.5 Wh in 45 s is 1800 W');
  acc.add(r(170_000, { power_w: 1 }));
  t.equal(acc.late, 1, 'a reading for a closed window is counted as late');
  const flagged = new WindowAccumulator(60_000);
  flagged.add(r(0, { energy_import_kwh: 5 }));
  flagged.add(r(30_000, { energy_import_kwh: 9 }, { energy_import_kwh: 'suspect' }));
  t.equal(flagged.close(60_000)[0]!.channels.get('m|l1')!.energyW, undefined, 'a doubted counter gives no energy figure');
});

t.test('phase sums', async (t) => {
  const cases: {
    name: string;
    channels: Record<string, ChannelStats>;
    expect: { phase: string; outcome: Outcome; basis?: string; diffW?: number }[];
  }[] = [
    {
      name: 'within 5%',
      channels: {
        'bb2|l1': { powerW: 10_000 },
        'pdu-a|total': { powerW: 6000 },
        'pdu-b|total': { powerW: 3700 },
        'bb2|l2': { powerW: 2000 },
        'pdu-c|phase:2': { powerW: 1990 },
      },
      expect: [
        { phase: 'L1', outcome: 'good', basis: 'power', diffW: 300 },
        { phase: 'L2', outcome: 'good', diffW: 10 },
      ],
    },
    {
      name: '11% below the meter',
      channels: {
        'bb2|l1': { powerW: 11_000 },
        'pdu-a|total': { powerW: 6000 },
        'pdu-b|total': { powerW: 3790 },
        'bb2|l2': { powerW: 2000 },
        'pdu-c|phase:2': { powerW: 2600 },
      },
      expect: [
        { phase: 'L1', outcome: 'bad', diffW: 1210 },
        { phase: 'L2', outcome: 'bad', diffW: -600 },
      ],
    },
    {
      name: 'light load: the floor applies, not the percentage',
      channels: {
        'bb2|l1': { powerW: 500 },
        'pdu-a|total': { powerW: 200 },
        'pdu-b|total': { powerW: 200 },
        'bb2|l2': { powerW: 300 },
        'pdu-c|phase:2': { powerW: 120 },
      },
      expect: [
        { phase: 'L1', outcome: 'good', diffW: 100 },
        { phase: 'L2', outcome: 'bad', diffW: 180 },
      ],
    },
    {
      name: 'energy counters preferred when every party has one',
      channels: {
        'bb2|l1': { powerW: 10_000, energyW: 9000 },
        'pdu-a|total': { powerW: 5000, energyW: 5000 },
        'pdu-b|total': { powerW: 5000, energyW: 4000 },
        'bb2|l2': { powerW: 100 },
        'pdu-c|phase:2': { energyW: 100 },
      },
      expect: [
        { phase: 'L1', outcome: 'good', basis: 'energy', diffW: 0 },
        { phase: 'L2', outcome: 'unknown' },
      ],
    },
  ];
  for (const c of cases) {
    const got = judgePhaseSums(circuit, win(c.channels), cfg).map((s) => ({
      phase: s.phase,
      outcome: s.outcome,
      ...(c.expect.find((e) => e.phase === s.phase)?.basis ? { basis: s.basis } : {}),
      ...(s.diffW !== undefined ? { diffW: Math.round(s.diffW) } : {}),
    }));
    t.same(got, c.expect, c.name);
  }
  const missing = judgePhaseSums(circuit, win({ 'bb2|l1': { powerW: 1 }, 'pdu-a|total': { powerW: 1 } }), cfg);
  t.same(missing[0]!.missing, ['pdu-b total'], 'a silent PDU is named and the window not judged');
  t.same(missing[1]!.missing, ['bb2 l2', 'pdu-c phase:2']);
  const [l1] = judgePhaseSums(
    circuit,
    win({ 'bb2|l1': { powerW: 11_000 }, 'pdu-a|total': { powerW: 6000 }, 'pdu-b|total': { powerW: 3790 } }),
    cfg,
  );
  t.equal(describeSum('busbar-b2', l1!), 'loads on busbar-b2 L1 sum 11% below the meter (9.79 kW vs 11.00 kW, by power)');
});

t.test('imbalance and load against the rating', async (t) => {
  const currents = (l1: number, l2: number, l3: number) =>
    win({ 'bb2|l1': { currentA: l1 }, 'bb2|l2': { currentA: l2 }, 'bb2|l3': { currentA: l3 } });
  t.match(judgeImbalance(circuit, currents(40, 40, 40), cfg), { outcome: 'good', imbalancePct: 0 });
  const bad = judgeImbalance(circuit, currents(60, 40, 20), cfg);
  t.match(bad, { outcome: 'bad', meanA: 40 });
  t.equal(bad.imbalancePct, 50, '20 A off a 40 A mean');
  t.match(judgeImbalance(circuit, currents(6, 2, 1), cfg), { outcome: 'good' }, 'under 5 A mean: not judged as bad');
  t.match(judgeImbalance(circuit, win({ 'bb2|l1': { currentA: 1 } }), cfg), { outcome: 'unknown' });
  t.match(judgeLoad(79, 100, cfg), { outcome: 'good' });
  t.match(judgeLoad(80, 100, cfg), { outcome: 'bad', severity: 'warning', loadPct: 80 });
  t.match(judgeLoad(33, 32, cfg), { outcome: 'bad', severity: 'critical' });
  t.match(judgeLoad(undefined, 32, cfg), { outcome: 'unknown' });
});
