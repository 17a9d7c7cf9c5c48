import t from 'tap';
import { modelOf } from '../../test/helpers/inventory.js';
import { covers, meterParentOf, topPoints } from './cover.js';
import { type PointFilter, pointForReading, selectPoints } from './select.js';

const m = modelOf();

t.test('a reading finds its point by site, gateway, device and channel', async (t) => {
  const cases: [Parameters<typeof pointForReading>[1], string | undefined][] = [
    [{ site: 's1', gateway: 'g1', device: 'pdu-k1-a', channel: 'outlet:1' }, 'o1'],
    [{ site: 's1', gateway: 'g1', device: 'pdu-k1-a', channel: 'inlet:1' }, 'in1a'],
    [{ site: 's1', gateway: 'g1', device: 'bus-a', channel: 'l2' }, 'bb-a.l2'],
    [{ site: 's1', gateway: 'g1', device: 'bus-a', channel: 'total' }, 'bb-a'],
    [{ site: 's2', gateway: 'g2', device: 'pdu-x1-a', channel: 'total' }, 'xpdu'],
    [{ site: 's2', gateway: 'g1', device: 'pdu-k1-a', channel: 'outlet:1' }, undefined], // g1 is in s1: a gateway writing as another site
    [{ site: 's1', gateway: 'g1', device: 'pdu-k1-a', channel: 'outlet:9' }, undefined],
    [{ site: 's1', gateway: 'g9', device: 'pdu-k1-a', channel: 'outlet:1' }, undefined],
    [{ site: 's1', gateway: 'g2', device: 'pdu-x1-a', channel: 'total' }, undefined],
  ];
  for (const [src, want] of cases) t.equal(pointForReading(m, src)?.id, want, JSON.stringify(src));
});

t.test('each point knows its phase, feed side, rack, cage and chain path', async (t) => {
  const cases: [string, Record<string, unknown>][] = [
    [
      'o1',
      {
        phase: '3P',
        scope: 'whole',
        feed: 'A',
        rack: 'k1',
        cage: 'c1',
        room: 'r1',
        site: 's1',
        path: ['o1', 'in1a', 'pdu1a', 't1', 'bb-a', 'util-a'],
      },
    ],
    ['bb-a.l3', { phase: 'L3', scope: 'phase', feed: 'A', infrastructure: true, path: ['bb-a', 'util-a'] }],
    ['cb-l2', { phase: 'L2', scope: 'whole', path: ['cb-l2', 'bb-a', 'util-a'] }],
    ['pdu2a', { phase: 'L2', cage: 'st1', rack: 'k2' }],
    ['pdu1b', { feed: 'B', rack: 'k1', path: ['pdu1b', 'bb-b', 'util-b'] }],
    ['xpdu', { site: 's2', room: 'sg1', feed: 'A', path: ['xpdu', 'sbb'] }],
  ];
  for (const [id, want] of cases) t.match(m.points.get(id), want, id);
  t.notOk(m.points.get('bb-a')!.rack, 'a busbar meter is in no rack');
});

t.test('points of a grouping', async (t) => {
  const cases: [PointFilter, string[]][] = [
    [{}, [...m.points.keys()]],
    [{ feed: 'B' }, ['pdu1b']],
    [{ phase: 'L2' }, ['bb-a.l2', 'cb-l2', 'pdu2a']],
    [{ rack: 'k1' }, ['in1a', 'o1', 'o2', 'pdu1b']],
    [{ rack: 'k1', feed: 'A' }, ['in1a', 'o1', 'o2']],
    [{ node: 'pdu1a' }, ['in1a', 'o1', 'o2']],
    [{ node: 'cb-l2' }, ['cb-l2', 'pdu2a']],
    [{ cage: 'st1' }, ['pdu2a']],
    [{ site: 's2' }, ['xpdu']],
    [{ room: 'r2' }, []],
    [{ gateway: 'g1', device: 'pdu-k1-a' }, ['in1a', 'o1', 'o2']],
    [{ room: 'r1', feed: 'A', phase: '3P' }, ['bb-a', 'in1a', 'o1', 'o2', 'pdu3a', 'pdu4a']],
  ];
  for (const [f, want] of cases)
    t.same(
      selectPoints(m, f).map((p) => p.id),
      want,
      JSON.stringify(f),
    );
});

t.test('summing a grouping counts every Wh once', async (t) => {
  const p = (id: string) => m.points.get(id)!;
  const pairs: [string, string, boolean][] = [
    ['in1a', 'o1', true],
    ['o1', 'in1a', false],
    ['o1', 'o2', false],
    ['bb-a', 'bb-a.l1', true],
    ['bb-a.l1', 'bb-a', false],
    ['bb-a.l1', 'bb-a.l2', false],
    ['bb-a.l2', 'cb-l2', true],
    ['bb-a.l1', 'cb-l2', false],
    ['bb-a.l2', 'pdu2a', true],
    ['bb-a.l2', 'in1a', false],
    ['bb-a', 'pdu1b', false],
    ['in1a', 'in1a', false],
  ];
  for (const [a, b, want] of pairs) t.equal(covers(p(a), p(b)), want, `${a} covers ${b}: ${want}`);
  const cases: [string[], string[]][] = [
    [
      ['in1a', 'o1', 'o2', 'pdu1b'],
      ['in1a', 'pdu1b'],
    ],
    [
      ['o1', 'o2'],
      ['o1', 'o2'],
    ],
    [[...m.points.keys()], ['bb-a', 'pdu1b', 'xpdu']],
    [
      ['bb-a.l1', 'bb-a.l2', 'bb-a.l3', 'cb-l2', 'pdu2a', 'in1a', 'o1'],
      ['bb-a.l1', 'bb-a.l2', 'bb-a.l3'],
    ],
    [
      ['bb-a.l1', 'bb-a.l2', 'cb-l2', 'in1a'],
      ['bb-a.l1', 'bb-a.l2', 'in1a'],
    ],
    [['cb-l2', 'pdu2a', 'nope'], ['cb-l2']],
  ];
  for (const [ids, want] of cases)
    t.same(
      topPoints(m, ids).map((x) => x.id),
      want,
      ids.join(','),
    );
});

t.test('the meter above each point, for energy balances', async (t) => {
  const cases: [string, string | undefined][] = [
    ['o1', 'in1a'],
    ['in1a', 'bb-a'],
    ['cb-l2', 'bb-a.l2'],
    ['pdu2a', 'cb-l2'],
    ['bb-a.l1', 'bb-a'],
    ['bb-a', undefined],
    ['pdu1b', undefined],
    ['nope', undefined],
  ];
  for (const [id, want] of cases) t.equal(meterParentOf(m, id)?.id, want, id);
});
