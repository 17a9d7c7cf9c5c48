import t from 'tap';
import { aclRules, canPublish, canSubscribe, type Principal } from './acl.js';

const gw: Principal = { username: 'gw-a1', role: 'gateway', site: 'fra1', gateway: 'a1' };
const reader: Principal = { username: 'noc', role: 'subscriber' };
const central: Principal = { username: 'central-1', role: 'central' };

t.test('publish: a gateway only under its own prefix', async (t) => {
  const cases: [Principal, string, string][] = [
    [gw, 'joulebook/v1/fra1/a1/readings', 'allowed'],
    [gw, 'joulebook/v1/fra1/a1/status', 'allowed'],
    [gw, 'joulebook/v1/fra1/a2/readings', 'not_permitted'],
    [gw, 'joulebook/v1/fra1/a10/readings', 'not_permitted'],
    [gw, 'joulebook/v1/ams1/a1/readings', 'not_permitted'],
    [gw, 'joulebook/v1/central/alerts', 'not_permitted'],
    [gw, 'other/topic', 'not_permitted'],
    [gw, '$SYS/x', 'reserved_topic'],
    [gw, 'joulebook/v1/fra1/a1/+', 'invalid_topic'],
    [gw, 'joulebook/v1/fra1/a1/#', 'invalid_topic'],
    [gw, '', 'invalid_topic'],
    [reader, 'joulebook/v1/fra1/a1/readings', 'not_permitted'],
    [reader, 'joulebook/v1/central/alerts', 'not_permitted'],
    [central, 'joulebook/v1/central/alerts', 'allowed'],
    [central, 'joulebook/v1/fra1/a1/readings', 'allowed'],
    [central, 'elsewhere', 'not_permitted'],
  ];
  for (const [p, topic, want] of cases) {
    const d = canPublish(p, topic);
    t.equal(d.allowed ? 'allowed' : d.reason, want, `${p.role} publish ${topic}`);
  }
});

t.test('subscribe: gateways none, subscribers read-only on the tree and the central alerts', async (t) => {
  const cases: [Principal, string, string][] = [
    [gw, 'joulebook/v1/fra1/a1/readings', 'not_permitted'],
    [gw, '#', 'not_permitted'],
    [reader, 'joulebook/v1/#', 'allowed'],
    [reader, 'joulebook/v1/+/+/alerts', 'allowed'],
    [reader, 'joulebook/v1/central/alerts', 'allowed'],
    [reader, '#', 'not_permitted'],
    [reader, 'joulebook/#', 'not_permitted'],
    [reader, '$SYS/#', 'reserved_topic'],
    [reader, 'joulebook/v1/#/x', 'invalid_topic'],
    [central, '$share/central/joulebook/v1/+/+/+', 'allowed'],
    [central, '$share/central/#', 'not_permitted'],
    [central, 'joulebook/v1/+/+/+', 'allowed'],
  ];
  for (const [p, filter, want] of cases) {
    const d = canSubscribe(p, filter);
    t.equal(d.allowed ? 'allowed' : d.reason, want, `${p.role} subscribe ${filter}`);
  }
});

t.test('the rule lists written to a Mosquitto acl_file', async (t) => {
  t.same(aclRules(gw), [{ access: 'write', filter: 'joulebook/v1/fra1/a1/#' }]);
  t.same(aclRules(reader), [
    { access: 'read', filter: 'joulebook/v1/#' },
    { access: 'read', filter: 'joulebook/v1/central/alerts' },
  ]);
  t.same(aclRules(central), [{ access: 'readwrite', filter: 'joulebook/v1/#' }]);
});
