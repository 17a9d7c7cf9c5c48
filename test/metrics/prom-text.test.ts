// The strict exposition-format reader the metric tests rely on: it must refuse what Prometheus refuses.
import t from 'tap';
import { parsePrometheusText, sum, value } from '../helpers/prom-text.js';

const good = [
  '# HELP a_total things counted',
  '# TYPE a_total counter',
  'a_total{x="1",y="q\\"uote\\\\ and \\n newline"} 3',
  'a_total{x="2",} 4 1700000000000',
  '# a plain comment',
  '# TYPE h histogram',
  'h_bucket{le="0.1"} 1',
  'h_bucket{le="+Inf"} 2',
  'h_sum 0.3',
  'h_count 2',
  '# TYPE s summary',
  's{quantile="0.5"} Nan',
  's_sum 1e3',
  's_count 2',
  'untyped_thing -Inf',
  '',
].join('\n');

t.test('reads what prom-client and Prometheus write', async (t) => {
  const f = parsePrometheusText(good);
  t.same([...f.keys()], ['a_total', 'h', 's', 'untyped_thing']);
  t.equal(f.get('a_total')!.help, 'things counted');
  t.same(f.get('a_total')!.samples[0]!.labels, { x: '1', y: 'q"uote\\ and \n newline' }, 'escapes undone');
  t.equal(value(f, 'a_total', { x: '2' }), 4, 'trailing comma and timestamp accepted');
  t.equal(sum(f, 'a_total'), 7);
  t.ok(Number.isNaN(value(f, 's', { quantile: '0.5' })), 'NaN in any case, as Go reads it');
  t.equal(value(f, 's_sum'), 1000);
  t.equal(value(f, 'untyped_thing'), -Infinity);
  t.equal(value(f, 'missing'), undefined);
  t.same([...parsePrometheusText('').keys()], [], 'an empty exposition');
});

t.test('refuses what a Prometheus server would refuse or misread', async (t) => {
  const cases: [string, string, RegExp][] = [
    ['no final newline', 'a 1', /end with a newline/],
    ['bad metric name in TYPE', '# TYPE 1a counter\n', /bad metric name/],
    ['unknown type', '# TYPE a countr\n', /unknown type/],
    ['TYPE after samples', 'a 1\n# TYPE a gauge\n', /after its samples/],
    ['HELP twice', '# HELP a x\n# HELP a y\n', /HELP of a twice/],
    ['family split', '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x="1"} 2\n', /not grouped together/],
    ['TYPE of a finished family', '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# HELP a late\n', /after its samples ended/],
    ['not a sample', 'a{x="1"}\n', /not a sample line/],
    ['bad value', 'a 1,5\n', /bad value/],
    ['label without value', 'a{x} 1\n', /label without value/],
    ['bad label name', 'a{1x="1"} 1\n', /bad label name/],
    ['reserved label name', 'a{__x="1"} 1\n', /bad label name/],
    ['unquoted value', 'a{x=1} 1\n', /unquoted label value/],
    ['unterminated value', 'a{x="1} 1\n', /unterminated|not a sample/],
    ['bad escape', 'a{x="\\t"} 1\n', /bad escape/],
    ['label twice', 'a{x="1",x="2"} 1\n', /label "x" twice/],
    ['no comma', 'a{x="1"y="2"} 1\n', /expected ","/],
    ['series twice', 'a{x="1"} 1\na{x="1"} 2\n', /series twice/],
    ['negative counter', '# TYPE a_total counter\na_total -1\n', /negative or NaN counter/],
    ['bucket without le', '# TYPE h histogram\nh_bucket 1\nh_count 1\n', /bucket without le/],
    ['buckets not cumulative', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n', /not cumulative/],
    ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\n', /no \+Inf bucket/],
    ['+Inf not the count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 3\n', /!= _count/],
  ];
  for (const [name, text, want] of cases) t.throws(() => parsePrometheusText(text), want, name);
});
