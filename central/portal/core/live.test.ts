import t from 'tap';
import { modelOf } from '../../../test/helpers/inventory.js';
import { customerLive, operatorLive, type LatestValue } from './live.js';

const model = modelOf();
const NOW = 1_000_000_000;
const fresh = (value: number, agoMs = 1000): LatestValue => ({ ts: NOW - agoMs, value });

t.test('operator: each group sums its top meters among the fresh ones', async (t) => {
  const latest = new Map<string, LatestValue>([
    ['bb-a', fresh(9000)],
    ['bb-a.l1', fresh(3000)],
    ['bb-a.l2', fresh(4000)],
    ['bb-a.l3', fresh(2000)],
    ['in1a', fresh(1500)],
    ['o1', fresh(700)],
    ['o2', fresh(800)],
    ['cb-l2', fresh(1200)],
    ['pdu2a', fresh(1100)],
    ['pdu3a', fresh(500)],
    ['pdu4a', fresh(400, 10 * 60_000)],
    ['pdu1b', fresh(600)],
    ['xpdu', fresh(2500)],
  ]);
  const input = { latest, nowMs: NOW, freshMs: 60_000 };
  const sites = operatorLive(model, 'site', input);
  t.same(
    sites.map((r) => [r.site, r.group, r.kW, r.points, r.stale]),
    [
      ['s1', 's1', 9.6, 2, 1],
      ['s2', 's2', 2.5, 1, 0],
    ],
    'busbar A and PDU B; the stale PDU is counted as stale',
  );
  const racks = operatorLive(model, 'rack', input, 's1');
  t.same(
    racks.map((r) => [r.group, r.kW]),
    [
      ['-', 9],
      ['k1', 2.1],
      ['k2', 1.1],
      ['k3', 0.5],
      ['k4', 0],
    ],
    'k1 is its inlet plus its B PDU, not the outlets again; k2 its PDU (its circuit has no rack)',
  );
  const phases = operatorLive(model, 'phase', input, 's1');
  t.same(
    phases.map((r) => [r.group, r.kW]),
    [
      ['3P', 9 + 0.6],
      ['L1', 3],
      ['L2', 4],
      ['L3', 2],
    ],
  );
  const feeds = operatorLive(model, 'feed', input, 's1');
  t.same(
    feeds.map((r) => [r.group, r.kW]),
    [
      ['A', 9],
      ['B', 0.6],
    ],
  );
  const k1 = racks.find((r) => r.group === 'k1')!;
  t.equal(k1.newestTs, NOW - 1000);
  t.equal(operatorLive(model, 'room', { ...input, latest: new Map() }, 's1')[0]!.kW, 0, 'nothing read: zero, all stale');
});

t.test("customer: billed points less the others' inside them", async (t) => {
  const p = (id: string) => model.points.get(id)!;
  const latest = new Map<string, LatestValue>([
    ['in1a', fresh(1500)],
    ['o2', fresh(800)],
    ['pdu1b', fresh(600, 120_000)],
  ]);
  const rows = customerLive([p('in1a'), p('pdu1b')], [p('o2')], 'rack', { latest, nowMs: NOW, freshMs: 60_000 });
  t.same(
    rows.map((r) => [r.group, r.kW, r.stale]),
    [['k1', 0.7, 1]],
  );
  const none = customerLive([], [p('o2')], 'feed', { latest, nowMs: NOW, freshMs: 60_000 });
  t.equal(none[0]!.kW, 0, 'never below zero');
});
