import t from 'tap';
import { type Fixture, modelOf, problemsOf } from '../../test/helpers/inventory.js';

type Base = Fixture;
const node = (b: Base, id: string) => b.nodes.find((n) => n.id === id)!;

t.test('the fixture builds, and every list is indexed', async (t) => {
  const m = modelOf();
  t.same(
    [m.sites.size, m.rooms.size, m.gateways.size, m.cages.size, m.racks.size, m.nodes.size, m.points.size, m.customers.size],
    [2, 3, 2, 2, 5, 16, 13, 3],
  );
  t.same(m.nodes.get('bb-a')!.children, ['t1', 'cb-l2', 'pdu3a', 'pdu4a']);
  t.same(m.pointsByNode.get('bb-a'), ['bb-a', 'bb-a.l1', 'bb-a.l2', 'bb-a.l3']);
  t.match(m.cages.get('st1'), { kind: 'suite', site: 's1', room: 'r1' });
  t.match(m.racks.get('x1'), { site: 's2', room: 'sg1', tags: [] });
});

t.test('what a node inherits from above', async (t) => {
  const m = modelOf();
  const cases: [string, Record<string, unknown>][] = [
    ['util-a', { site: 's1', phase: '3P', feed: 'A', depth: 0 }],
    ['bb-a', { site: 's1', room: 'r1', phase: '3P', feed: 'A', depth: 1 }],
    ['pdu1a', { site: 's1', room: 'r1', rack: 'k1', feed: 'A', depth: 3 }],
    ['o2', { rack: 'k1', room: 'r1', phase: '3P', feed: 'A', depth: 5, parent: 'in1a' }],
    ['pdu2a', { phase: 'L2', rack: 'k2', feed: 'A' }],
    ['pdu1b', { feed: 'B', rack: 'k1' }],
    ['xpdu', { site: 's2', room: 'sg1', feed: 'A' }],
  ];
  for (const [id, want] of cases) t.match(m.nodes.get(id), want, id);
  t.notOk(m.nodes.get('bb-a')!.rack, 'a busbar is in no rack');
});

// Each case breaks the fixture one way and names the path and message it must be reported with.
const PROBLEMS: [string, (b: Base) => void, [string, RegExp][]][] = [
  ['duplicate rack id', (b) => b.racks.push({ id: 'k1', room: 'r2' }), [['racks.5.id', /duplicate rack id "k1" \(also racks\[0\]\)/]]],
  [
    'duplicate room across sites',
    (b) => b.sites[1]!.rooms.push({ id: 'r1' }),
    [['sites.1.rooms.1.id', /duplicate room id "r1" \(also sites\[0\]\.rooms\[0\]\)/]],
  ],
  [
    'rack in an unknown room',
    (b) => {
      b.racks[3]!.room = 'r9';
    },
    [['racks.3.room', /unknown room "r9"/]],
  ],
  [
    'rack in a cage of another room',
    (b) => b.racks.push({ id: 'k9', room: 'r2', cage: 'c1' }),
    [['racks.5.cage', /cage "c1" is in room "r1", the rack in "r2"/]],
  ],
  ['rack in an unknown cage', (b) => b.racks.push({ id: 'k9', room: 'r2', cage: 'c9' }), [['racks.5.cage', /unknown cage "c9"/]]],
  ['cage in an unknown room', (b) => b.cages.push({ id: 'c9', room: 'r9' }), [['cages.2.room', /unknown room "r9"/]]],
  [
    'gateway in a room of another site',
    (b) => {
      b.gateways[1]!.room = 'r2';
    },
    [['gateways.1.room', /room "r2" is in site "s1", not "s2"/]],
  ],
  [
    'gateway in an unknown site',
    (b) => {
      b.gateways[1]!.site = 's9';
    },
    [['gateways.1.site', /unknown site "s9"/]],
  ],
  [
    'point on a node that does not exist',
    (b) => {
      b.points[4]!.node = 'nope';
    },
    [['points.4.node', /unknown node "nope"/]],
  ],
  [
    'point on an unknown gateway',
    (b) => {
      b.points[4]!.gateway = 'g9';
    },
    [['points.4.gateway', /unknown gateway "g9"/]],
  ],
  [
    'point read by a gateway of another site',
    (b) => {
      b.points[12]!.gateway = 'g1';
    },
    [['points.12.gateway', /gateway "g1" is in site "s1", node "xpdu" in "s2"/]],
  ],
  [
    'one source bound twice',
    (b) => b.points.push({ id: 'dup', node: 'o2', gateway: 'g1', device: 'pdu-k1-a', channel: 'outlet:2' }),
    [
      ['points.13.channel', /g1\/pdu-k1-a\/outlet:2 is already point "o2"/],
      ['points.13.channel', /point "o2" already measures all of node "o2"/],
    ],
  ],
  [
    'two whole points on one node',
    (b) => b.points.push({ id: 'p2', node: 'pdu4a', gateway: 'g1', device: 'other' }),
    [['points.13.channel', /point "pdu4a" already measures all of node "pdu4a"/]],
  ],
  [
    'two points on one phase of a node',
    (b) => b.points.push({ id: 'p2', node: 'bb-a', gateway: 'g1', device: 'bus-a', channel: 'phase:1' }),
    [['points.13.channel', /point "bb-a.l1" already measures phase L1 of node "bb-a"/]],
  ],
  [
    'duplicate point id',
    (b) => b.points.push({ id: 'o1', node: 'pdu4a', gateway: 'g1', device: 'x' }),
    [['points.13.id', /duplicate point id "o1" \(also points\[5\]\)/]],
  ],
  [
    'duplicate default point id',
    (b) =>
      b.points.push(
        { node: 'pdu4a', gateway: 'g1', device: 'x', channel: 'l1' },
        { node: 'pdu4a', gateway: 'g1', device: 'y', channel: 'l1' },
      ),
    [['points.14.node', /duplicate point id "pdu4a\/l1"/]],
  ],
  [
    'a fourth phase',
    (b) => b.points.push({ id: 'p4', node: 'pdu4a', gateway: 'g1', device: 'pdu-k4-a', channel: 'phase:4' }),
    [['points.13.channel', /phase:4: phases are numbered 1 to 3/]],
  ],
  [
    'a cycle in the power chain',
    (b) => {
      node(b, 'util-b').parent = 'pdu1b';
    },
    [['nodes.12.parent', /cycle in the power chain: util-b → pdu1b → bb-b → util-b/]],
  ],
  [
    'a node fed by itself',
    (b) => {
      node(b, 'util-b').parent = 'util-b';
    },
    [['nodes.11.parent', /cycle in the power chain: util-b → util-b/]],
  ],
  [
    'a parent that does not exist',
    (b) => {
      node(b, 'bb-b').parent = 'ghost';
    },
    [['nodes.12.parent', /unknown node "ghost"/]],
  ],
  [
    'a child on a phase its parent lacks',
    (b) => b.nodes.push({ id: 'x', kind: 'pdu', parent: 'cb-l2', phase: 'L1' }),
    [['nodes.16.phase', /parent "cb-l2" is single-phase L2; a child cannot be on L1/]],
  ],
  [
    'a three-phase child of a single-phase node',
    (b) => b.nodes.push({ id: 'x', kind: 'pdu', parent: 'cb-l2', phase: '3P' }),
    [['nodes.16.phase', /single-phase L2; a child cannot be on 3P/]],
  ],
  [
    'a child on the other feed',
    (b) => b.nodes.push({ id: 'x', kind: 'pdu', parent: 'bb-b', feed: 'A' }),
    [['nodes.16.feed', /parent "bb-b" is on feed B; a child cannot be on feed A/]],
  ],
  [
    'a child in another site',
    (b) => b.nodes.push({ id: 'x', kind: 'pdu', parent: 'bb-b', rack: 'x1' }),
    [['nodes.16.parent', /parent "bb-b" is in site "s1", this node in "s2"/]],
  ],
  [
    'a node with no site',
    (b) => b.nodes.push({ id: 'x', kind: 'utility-feed' }),
    [['nodes.16.site', /no site: give site, room or rack, or a parent/]],
  ],
  [
    'a site that contradicts the room',
    (b) => b.nodes.push({ id: 'x', kind: 'busbar', site: 's2', room: 'r1' }),
    [['nodes.16.site', /room "r1" is in site "s1", not "s2"/]],
  ],
  [
    'a room that contradicts the rack',
    (b) => b.nodes.push({ id: 'x', kind: 'pdu', parent: 'bb-a', rack: 'k1', room: 'r2' }),
    [['nodes.16.room', /rack "k1" stands in room "r1", not "r2"/]],
  ],
  [
    'unknown node references',
    (b) => b.nodes.push({ id: 'x', kind: 'busbar', site: 's9', room: 'r9', rack: 'k9' }),
    [
      ['nodes.16.rack', /unknown rack "k9"/],
      ['nodes.16.room', /unknown room "r9"/],
      ['nodes.16.site', /unknown site "s9"/],
    ],
  ],
  [
    'duplicate node id',
    (b) => b.nodes.push({ id: 'o1', kind: 'outlet', parent: 'in1a' }),
    [['nodes.16.id', /duplicate node id "o1" \(also nodes\[5\]\)/]],
  ],
  [
    'assignment to an unknown rack, customer',
    (b) => b.assignments.push({ id: 'a', customer: 'who', rack: 'k9', from: '2026-01-01' }),
    [
      ['assignments.0.customer', /unknown customer "who"/],
      ['assignments.0.rack', /unknown rack "k9"/],
    ],
  ],
  [
    'assignment to unknown node targets',
    (b) =>
      b.assignments.push(
        { id: 'a', customer: 'acme', outlet: 'zz', from: '2026-01-01' },
        { id: 'b', customer: 'acme', cage: 'zz', from: '2026-01-01' },
      ),
    [
      ['assignments.0.outlet', /unknown node "zz"/],
      ['assignments.1.cage', /unknown cage "zz"/],
    ],
  ],
  [
    'a target of the wrong kind',
    (b) =>
      b.assignments.push(
        { id: 'a', customer: 'acme', outlet: 'pdu1a', from: '2026-01-01' },
        { id: 'b', customer: 'acme', feed: 'pdu1a', from: '2026-01-01' },
      ),
    [
      ['assignments.0.outlet', /node "pdu1a" is a pdu; outlet needs outlet/],
      ['assignments.1.feed', /node "pdu1a" is a pdu; feed needs utility-feed, ups, busbar, panel, tap-off, branch-circuit/],
    ],
  ],
  [
    'from >= to',
    (b) => b.assignments.push({ id: 'a', customer: 'acme', rack: 'k1', from: '2026-02-01', to: '2026-02-01' }),
    [['assignments.0.to', /"to" \(2026-02-01\) must be after "from" \(2026-02-01\)/]],
  ],
  [
    'a local date with no site to place it',
    (b) => b.assignments.push({ id: 'a', customer: 'acme', match: { tags: ['hd'] }, from: '2026-02-01' }),
    [['assignments.0.from', /local date "2026-02-01" needs a site/]],
  ],
  [
    'rule references',
    (b) =>
      b.assignments.push(
        { id: 'a', customer: 'acme', match: { site: 's9', cage: 'st1', suite: 'c1' }, from: '2026-02-01T00:00:00Z' },
        { id: 'b', customer: 'acme', match: { site: 's2', cage: 'c1' }, from: '2026-02-01T00:00:00Z' },
        { id: 'c', customer: 'acme', match: { suite: 'zz' }, from: '2026-02-01T00:00:00Z' },
      ),
    [
      ['assignments.0.match.site', /unknown site "s9"/],
      ['assignments.0.match.cage', /"st1" is a suite, not a cage/],
      ['assignments.0.match.suite', /"c1" is a cage, not a suite/],
      ['assignments.1.match.cage', /cage "c1" is in site "s1", not "s2"/],
      ['assignments.2.match.suite', /unknown suite "zz"/],
    ],
  ],
  [
    'two customers on one rack at once',
    (b) =>
      b.assignments.push(
        { id: 'a', customer: 'acme', rack: 'k1', from: '2026-01-01' },
        { id: 'b', customer: 'nord', rack: 'k1', from: '2026-03-01', to: '2026-04-01' },
      ),
    [
      [
        'assignments.1.from',
        /rack:k1 is held by customer "nord" and by "acme" \(assignments\[0\], "a" v1\) over \[2026-02-28T23:00:00.000Z, 2026-03-31T22:00:00.000Z\)/,
      ],
    ],
  ],
  [
    'two rules on one rack at once',
    (b) =>
      b.assignments.push(
        { id: 'a', customer: 'acme', match: { cage: 'c1' }, from: '2026-01-01' },
        { id: 'b', customer: 'nord', match: { site: 's1', rackPrefix: 'k' }, from: '2026-03-01', to: '2026-04-01' },
      ),
    [
      [
        'assignments.1.from',
        /rack:k1 \(by rules\) is held by customer "nord" and by "acme" \(assignments\[0\], "a" v1\) over \[2026-02-28T23:00:00.000Z, 2026-03-31T22:00:00.000Z\)/,
      ],
    ],
  ],
  [
    'a duplicate version',
    (b) =>
      b.assignments.push(
        { id: 'a', customer: 'acme', rack: 'k1', from: '2026-01-01' },
        { id: 'a', customer: 'acme', rack: 'k1', from: '2026-02-01' },
      ),
    [['assignments.1.version', /"a" version 1 is also assignments\[0\]/]],
  ],
  [
    'a missing version',
    (b) =>
      b.assignments.push(
        { id: 'a', customer: 'acme', rack: 'k1', from: '2026-01-01' },
        { id: 'a', version: 3, customer: 'nord', rack: 'k1', from: '2026-02-01' },
      ),
    [['assignments.1.version', /versions of "a" must run 1..3: 2 missing/]],
  ],
];

t.test('every inventory problem is reported with its path', async (t) => {
  for (const [name, patch, want] of PROBLEMS) {
    const got = problemsOf(patch).map((p) => [p.path.join('.'), p.message] as const);
    t.equal(got.length, want.length, `${name}: ${want.length} problem(s), got ${JSON.stringify(got)}`);
    for (const [path, re] of want)
      t.ok(
        got.some(([p, m]) => p === path && re.test(m)),
        `${name}: ${path} ${re}`,
      );
  }
});

t.test('no overlap problem for one customer, for versions, or for touching intervals', async (t) => {
  const ok = [
    [
      { id: 'a', customer: 'acme', rack: 'k1', from: '2026-01-01' },
      { id: 'b', customer: 'acme', rack: 'k1', from: '2026-03-01' },
    ],
    [
      { id: 'a', customer: 'acme', rack: 'k1', from: '2026-01-01' },
      { id: 'a', version: 2, customer: 'nord', rack: 'k1', from: '2026-03-01' },
    ],
    [
      { id: 'a', customer: 'acme', rack: 'k1', from: '2026-01-01', to: '2026-03-01' },
      { id: 'b', customer: 'nord', rack: 'k1', from: '2026-03-01' },
    ],
    [
      { id: 'a', customer: 'acme', rack: 'k1', from: '2026-01-01' },
      { id: 'b', customer: 'nord', cage: 'c1', from: '2026-01-01' },
    ],
  ];
  for (const list of ok)
    t.same(
      problemsOf((b) => {
        b.assignments = list;
      }),
      [],
      JSON.stringify(list),
    );
});
