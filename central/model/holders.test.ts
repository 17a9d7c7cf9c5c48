import t from 'tap';
import { modelOf, ms } from '../../test/helpers/inventory.js';
import { customerHoldings, holdersOf, segmentsOf, unassignedPoints } from './holders.js';

const JAN = ms('2025-12-31T23:00:00Z'); // 2026-01-01 in Amsterdam
const YEAR = { fromMs: JAN, toMs: ms('2026-12-31T23:00:00Z') };
const at = (iso: string) => ({ fromMs: ms(iso), toMs: ms(iso) + 1 });

t.test('precedence: outlet, PDU, rack, cage, the deeper feed, the shallower feed, then rules', async (t) => {
  const all = [
    { id: 'o', customer: 'acme', outlet: 'o1', from: '2026-01-01' },
    { id: 'p', customer: 'nord', pdu: 'pdu1a', from: '2026-01-01' },
    { id: 'r', customer: 'lum', rack: 'k1', from: '2026-01-01' },
    { id: 'c', customer: 'acme', cage: 'c1', from: '2026-01-01' },
    { id: 'f2', customer: 'nord', feed: 't1', from: '2026-01-01' },
    { id: 'f1', customer: 'lum', feed: 'bb-a', from: '2026-01-01' },
    { id: 'm', customer: 'acme', match: { cage: 'c1' }, from: '2026-01-01' },
  ];
  // Drop the winner each time: the next in precedence takes the outlet.
  const want: [string, string, string][] = [
    ['o', 'acme', 'outlet'],
    ['p', 'nord', 'pdu'],
    ['r', 'lum', 'rack'],
    ['c', 'acme', 'cage'],
    ['f2', 'nord', 'feed'],
    ['f1', 'lum', 'feed'],
    ['m', 'acme', 'rule'],
  ];
  want.forEach(([id, customer, level], k) => {
    const m = modelOf(all.slice(k));
    t.same(
      holdersOf(m, 'o1', YEAR),
      [{ ...YEAR, customer, assignment: id, version: 1, level }],
      `with ${all
        .slice(k)
        .map((a) => a.id)
        .join(',')}: ${id}`,
    );
  });
  const m = modelOf(all);
  const holder = (point: string) => holdersOf(m, point, YEAR).map((s) => s.assignment);
  t.same(holder('in1a'), ['p'], 'an outlet assignment does not reach the inlet above it');
  t.same(holder('pdu1b'), ['r'], 'the B-side PDU of the rack goes with the rack');
  t.same(holder('bb-a'), ['f1'], 'the busbar meter only by its own feed assignment');
  t.same(holder('pdu3a'), ['f1'], 'a rack nobody holds, under a held busbar');
  t.same(holder('xpdu'), [], 'the other site is untouched');
});

t.test('a mid-month contract change splits at local midnight of the day it starts', async (t) => {
  const octAms = { fromMs: ms('2026-09-30T22:00:00Z'), toMs: ms('2026-10-31T23:00:00Z') };
  const m = modelOf([
    { id: 'k', version: 1, customer: 'nord', rack: 'k3', from: '2026-01-01' },
    { id: 'k', version: 2, customer: 'acme', rack: 'k3', from: '2026-10-15', note: 'transfer' },
  ]);
  t.same(holdersOf(m, 'pdu3a', octAms), [
    { fromMs: octAms.fromMs, toMs: ms('2026-10-14T22:00:00Z'), customer: 'nord', assignment: 'k', version: 1, level: 'rack' },
    { fromMs: ms('2026-10-14T22:00:00Z'), toMs: octAms.toMs, customer: 'acme', assignment: 'k', version: 2, level: 'rack' },
  ]);
  t.match(
    m.assignments,
    [
      { id: 'k', version: 1, effective: { fromMs: JAN, toMs: ms('2026-10-14T22:00:00Z') }, toMs: Infinity },
      { id: 'k', version: 2, note: 'transfer', site: 's1' },
    ],
    'version 1 is kept as written; only its effective interval ends',
  );

  const atTen = modelOf([
    { id: 'k', version: 1, customer: 'nord', rack: 'k3', from: '2026-01-01' },
    { id: 'k', version: 2, customer: 'acme', rack: 'k3', from: '2026-10-15T10:30:00+02:00' },
  ]);
  t.same(
    holdersOf(atTen, 'pdu3a', octAms).map((s) => [s.customer, new Date(s.fromMs).toISOString()]),
    [
      ['nord', '2026-09-30T22:00:00.000Z'],
      ['acme', '2026-10-15T08:30:00.000Z'],
    ],
    'or at the instant given',
  );
});

t.test('versions: a correction replaces from its start, an end is a new version', async (t) => {
  const corrected = modelOf([
    { id: 'k', version: 1, customer: 'acme', rack: 'k3', from: '2026-01-01' },
    { id: 'k', version: 2, customer: 'nord', rack: 'k3', from: '2025-12-01' },
  ]);
  t.same(
    holdersOf(corrected, 'pdu3a', YEAR).map((s) => [s.customer, s.version]),
    [['nord', 2]],
    'v2 starting earlier wholly replaces v1',
  );
  t.equal(corrected.assignments[0]!.effective, undefined, 'v1 has no effective interval left');

  const ended = modelOf([
    { id: 'k', version: 1, customer: 'acme', rack: 'k3', from: '2026-01-01' },
    { id: 'k', version: 2, customer: 'acme', rack: 'k3', from: '2026-01-01', to: '2026-06-01' },
  ]);
  t.same(holdersOf(ended, 'pdu3a', YEAR), [
    { fromMs: JAN, toMs: ms('2026-05-31T22:00:00Z'), customer: 'acme', assignment: 'k', version: 2, level: 'rack' },
  ]);

  const moved = modelOf([
    { id: 'k', version: 1, customer: 'acme', rack: 'k3', from: '2026-01-01' },
    { id: 'k', version: 2, customer: 'acme', rack: 'k4', from: '2026-07-01', note: 'equipment moved to k4' },
  ]);
  t.same(
    holdersOf(moved, 'pdu3a', YEAR).map((s) => [s.version, new Date(s.toMs).toISOString()]),
    [[1, '2026-06-30T22:00:00.000Z']],
    'the old rack until the move',
  );
  t.same(
    holdersOf(moved, 'pdu4a', YEAR).map((s) => [s.version, new Date(s.fromMs).toISOString()]),
    [[2, '2026-06-30T22:00:00.000Z']],
    'the new rack from the move',
  );
});

t.test("a rack with PDUs on both feeds belongs to its customer on both sides, in each site's time", async (t) => {
  const m = modelOf([
    { id: 'a1', customer: 'acme', rack: 'k1', from: '2026-10-01' },
    { id: 'a2', customer: 'acme', rack: 'x1', from: '2026-10-01' },
    { id: 'n1', customer: 'nord', rack: 'k3', from: '2026-10-01' },
  ]);
  const got = customerHoldings(m, 'acme', YEAR).map((h) => [
    h.point.id,
    h.point.feed,
    h.segments.map((s) => new Date(s.fromMs).toISOString()),
  ]);
  t.same(got, [
    ['in1a', 'A', ['2026-09-30T22:00:00.000Z']],
    ['o1', 'A', ['2026-09-30T22:00:00.000Z']],
    ['o2', 'A', ['2026-09-30T22:00:00.000Z']],
    ['pdu1b', 'B', ['2026-09-30T22:00:00.000Z']],
    ['xpdu', 'A', ['2026-09-30T16:00:00.000Z']],
  ]);
  t.same(
    customerHoldings(m, 'acme', at('2026-09-30T21:00:00Z')).map((h) => h.point.id),
    ['xpdu'],
    "at an instant: Singapore's October has begun, Amsterdam's not",
  );
  t.same(customerHoldings(m, 'lum', YEAR), [], 'a customer holding nothing');
});

t.test('a rule reaches a PDU installed later in the cage', async (t) => {
  const m = modelOf([{ id: 'm', customer: 'nord', match: { cage: 'c1' }, from: '2026-03-01' }], (b) => {
    b.racks.push({ id: 'k5', room: 'r1', cage: 'c1' });
    b.nodes.push({ id: 'pdu5a', kind: 'pdu', parent: 'bb-a', rack: 'k5' });
    b.points.push({ id: 'pdu5a', node: 'pdu5a', gateway: 'g1', device: 'pdu-k5-a' });
  });
  t.same(holdersOf(m, 'pdu5a', YEAR), [
    { fromMs: ms('2026-02-28T23:00:00Z'), toMs: YEAR.toMs, customer: 'nord', assignment: 'm', version: 1, level: 'rule' },
  ]);
  const byTags = modelOf([
    { id: 'm', customer: 'lum', match: { site: 's1', tags: ['hd'] }, from: '2026-03-01' },
    { id: 'p', customer: 'acme', match: { rackPrefix: 'x' }, from: '2026-03-01T00:00:00+08:00' },
  ]);
  t.same([...byTags.holdings.keys()], ['pdu3a', 'xpdu'], 'tags and a rack prefix');
});

t.test('points nothing assigns, and where', async (t) => {
  const m = modelOf([{ id: 'a', customer: 'acme', rack: 'k1', from: '2026-01-01', to: '2026-03-01' }]);
  const q1 = { fromMs: JAN, toMs: ms('2026-03-31T22:00:00Z') };
  const got = unassignedPoints(m, q1).map((u) => [
    u.point.id,
    u.gaps.map((g) => `${new Date(g.fromMs).toISOString()}/${new Date(g.toMs).toISOString()}`),
  ]);
  const march = `2026-02-28T23:00:00.000Z/2026-03-31T22:00:00.000Z`;
  const whole = `2025-12-31T23:00:00.000Z/2026-03-31T22:00:00.000Z`;
  t.same(
    got,
    [
      ['in1a', [march]],
      ['o1', [march]],
      ['o2', [march]],
      ['cb-l2', [whole]],
      ['pdu2a', [whole]],
      ['pdu3a', [whole]],
      ['pdu4a', [whole]],
      ['pdu1b', [march]],
      ['xpdu', [whole]],
    ],
    'house meters (the busbar) are not listed',
  );
  const split = modelOf([{ id: 'a', customer: 'acme', rack: 'k1', from: '2026-02-01', to: '2026-02-10' }]);
  t.same(unassignedPoints(split, q1).find((u) => u.point.id === 'in1a')!.gaps.length, 2, 'a gap before and after');
});

t.test('segments: empty intervals, adjacent versions kept apart, same version merged', async (t) => {
  t.same(
    segmentsOf([{ assignment: 'a', version: 1, customer: 'x', level: 'rack', rank: 1, fromMs: 0, toMs: 10 }], { fromMs: 5, toMs: 5 }),
    [],
  );
  t.same(segmentsOf([], { fromMs: 0, toMs: 5 }), []);
  const cands = [
    { assignment: 'o', version: 1, customer: 'y', level: 'outlet' as const, rank: 0, fromMs: 3, toMs: 4 },
    { assignment: 'a', version: 1, customer: 'x', level: 'rack' as const, rank: 1, fromMs: 0, toMs: 10 },
  ];
  t.same(
    segmentsOf(cands, { fromMs: 1, toMs: 8 }).map((s) => [s.assignment, s.fromMs, s.toMs]),
    [
      ['a', 1, 3],
      ['o', 3, 4],
      ['a', 4, 8],
    ],
    'a better holder inside a broader one',
  );
  t.same(
    segmentsOf(cands, { fromMs: 0, toMs: Infinity }).map((s) => [s.assignment, s.fromMs, s.toMs]),
    [
      ['a', 0, 3],
      ['o', 3, 4],
      ['a', 4, 10],
    ],
    'an open interval ends where holders end',
  );
});
