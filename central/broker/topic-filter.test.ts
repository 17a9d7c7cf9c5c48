import t from 'tap';
import { filterCovers, splitShared, topicMatches, validFilter } from './topic-filter.js';

t.test('topicMatches follows MQTT 3.1.1 4.7', async (t) => {
  const cases: [string, string, boolean][] = [
    ['a/b/c', 'a/b/c', true],
    ['a/b/c', 'a/b', false],
    ['a/b', 'a/b/c', false],
    ['a/+/c', 'a/x/c', true],
    ['a/+/c', 'a/x/y/c', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c/d', true],
    ['a/#', 'ab/c', false],
    ['#', 'anything/at/all', true],
    ['#', '$SYS/broker/load', false],
    ['+/broker', '$SYS/broker', false],
    ['$SYS/#', '$SYS/broker', true],
    ['a/+', 'a/', true],
    ['joulebook/v1/s1/g1/#', 'joulebook/v1/s1/g10/readings', false],
  ];
  for (const [filter, topic, want] of cases) t.equal(topicMatches(filter, topic), want, `${filter} ~ ${topic}`);
});

t.test('filterCovers: every topic the inner filter matches is matched by the outer', async (t) => {
  const cases: [string, string, boolean][] = [
    ['joulebook/v1/#', 'joulebook/v1/+/+/readings', true],
    ['joulebook/v1/#', 'joulebook/v1/#', true],
    ['joulebook/v1/#', 'joulebook/#', false],
    ['joulebook/v1/#', '#', false],
    ['joulebook/v1/#', 'joulebook/v1', true],
    ['joulebook/v1/+/+/+', 'joulebook/v1/s/g/readings', true],
    ['joulebook/v1/+/+/+', 'joulebook/v1/s/g/#', false],
    ['joulebook/v1/+/+/+', 'joulebook/v1/+/+', false],
    ['joulebook/v1/s/+/readings', 'joulebook/v1/+/g/readings', false],
    ['a/b', 'a/b', true],
    ['a/b', 'a/+', false],
    ['#', '$SYS/#', false],
    ['+/x', '$SYS/x', false],
    ['$SYS/#', '$SYS/x', true],
    ['a/#', 'b/#', false],
  ];
  for (const [outer, inner, want] of cases) t.equal(filterCovers(outer, inner), want, `${outer} covers ${inner}`);
});

t.test('validFilter and splitShared', async (t) => {
  const valid: [string, boolean][] = [
    ['a/#', true],
    ['#', true],
    ['a/+/b', true],
    ['a/#/b', false],
    ['a/b#', false],
    ['a+/b', false],
    ['', false],
  ];
  for (const [f, want] of valid) t.equal(validFilter(f), want, f);
  t.same(splitShared('$share/central/joulebook/v1/+/+/+'), { group: 'central', filter: 'joulebook/v1/+/+/+' });
  t.same(splitShared('joulebook/v1/#'), { filter: 'joulebook/v1/#' });
  t.same(splitShared('$share/x'), { filter: '$share/x' });
});
