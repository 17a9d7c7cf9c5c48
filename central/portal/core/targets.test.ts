import t from 'tap';
import { modelOf } from '../../../test/helpers/inventory.js';
import { parseTarget, selectPoints, TargetError, targetText } from './targets.js';

const model = modelOf([
  { id: 'a1', customer: 'acme', rack: 'k1', from: '2026-01-01' },
  { id: 'n1', customer: 'nord', outlet: 'o2', from: '2026-01-01' },
  { id: 'n2', customer: 'nord', rack: 'k3', from: '2026-01-01' },
]);
const OCT = { fromMs: Date.parse('2026-10-01T00:00:00+02:00'), toMs: Date.parse('2026-11-01T00:00:00+01:00') };
const ids = (xs: { point: { id: string } }[]) => xs.map((x) => x.point.id).sort();

t.test('parses targets', async (t) => {
  t.same(parseTarget('site'), { kind: 'site', id: '' });
  t.same(parseTarget('rack:ams1-r12'), { kind: 'rack', id: 'ams1-r12' });
  t.same(parseTarget('point:bb-a/l1'), { kind: 'point', id: 'bb-a/l1' });
  t.equal(targetText(parseTarget('feed:A')), 'feed:A');
  t.throws(() => parseTarget('cage:c1'), { message: /the kind is one of site, room/, status: 400 });
  t.throws(() => parseTarget('rack'), { message: /name the rack after a colon/ });
});

t.test('operator: top meters of the target', async (t) => {
  t.same(ids(selectPoints(model, 's1', parseTarget('site'), {}, OCT).plus), ['bb-a', 'pdu1b']);
  t.same(ids(selectPoints(model, 's1', parseTarget('rack:k1'), {}, OCT).plus), ['in1a', 'pdu1b']);
  t.same(ids(selectPoints(model, 's1', parseTarget('phase:L2'), {}, OCT).plus), ['bb-a.l2']);
  const acme = selectPoints(model, 's1', parseTarget('customer:acme'), {}, OCT);
  t.same([ids(acme.plus), ids(acme.minus)], [['in1a', 'pdu1b'], ['o2']], "a customer as operators see it: less nord's outlet");
  t.throws(() => selectPoints(model, 's1', parseTarget('rack:x1'), {}, OCT), { message: 'no rack:x1 at s1', status: 404 });
  t.throws(() => selectPoints(model, 'zz', parseTarget('site'), {}, OCT), { message: 'unknown site "zz"' });
  t.throws(() => selectPoints(model, 's1', parseTarget('customer:nobody'), {}, OCT), { message: 'unknown customer "nobody"' });
});

t.test('customer: only its own points', async (t) => {
  const own = selectPoints(model, 's1', parseTarget('site'), { customer: 'acme' }, OCT);
  t.same([ids(own.plus), ids(own.minus)], [['in1a', 'pdu1b'], ['o2']]);
  const feedB = selectPoints(model, 's1', parseTarget('feed:B'), { customer: 'acme' }, OCT);
  t.same([ids(feedB.plus), ids(feedB.minus)], [['pdu1b'], []], 'the outlet is on feed A: nothing to take off feed B');
  t.same(ids(selectPoints(model, 's1', parseTarget('point:o2'), { customer: 'nord' }, OCT).plus), ['o2']);
  const refused: [string, string][] = [
    ['rack:k3', 'acme'],
    ['customer:nord', 'acme'],
    ['rack:k2', 'nord'],
    ['site', 'lum'],
  ];
  for (const [target, customer] of refused) {
    t.throws(() => selectPoints(model, 's1', parseTarget(target), { customer }, OCT), TargetError, `${customer} cannot see ${target}`);
  }
  t.throws(() => selectPoints(model, 's1', parseTarget('rack:k3'), { customer: 'acme' }, OCT), {
    message: 'no rack:k3 at s1 among your points',
    status: 404,
  });
  t.same(
    ids(selectPoints(model, 's1', parseTarget('rack:k1'), { customer: 'nord' }, OCT).plus),
    ['o2'],
    "its own outlet in another's rack, and nothing else of that rack",
  );
  t.throws(() => selectPoints(model, 's2', parseTarget('site'), { customer: 'acme' }, OCT), { message: 'no site at s2 among your points' });
});
