import t, { type Test } from 'tap';
import { ConfigError, type ConfigIssue } from '../../common/issues.js';
import { type InventoryReadDeps, readInventory } from './inventory-load.js';

/** Files in memory, by absolute path. */
function filesOf(files: Record<string, string>): InventoryReadDeps {
  return {
    readText: async (file) => {
      const text = files[file];
      if (text === undefined) throw new Error(`ENOENT: no such file, open '${file}'`);
      return text;
    },
  };
}

async function issuesOf(t: Test, file: string, files: Record<string, string>): Promise<string[]> {
  try {
    await readInventory(file, filesOf(files));
  } catch (err) {
    t.type(err, ConfigError);
    return (err as ConfigError).issues.map((i: ConfigIssue) => `${i.file}: ${i.path}: ${i.message}`);
  }
  t.fail('inventory was accepted');
  return [];
}

const MAIN = `include: [sites/ams.yaml]
customers:
  - { id: acme, name: Acme }
assignments:
  - { id: a1, customer: acme, rack: k1, from: 2026-01-01 }
`;
const AMS = `sites:
  - { id: ams1, name: Amsterdam, timeZone: Europe/Amsterdam, currency: EUR, rooms: [{ id: r1 }] }
gateways:
  - { id: gw1, site: ams1, room: r1 }
racks:
  - { id: k1, room: r1 }
nodes:
  - { id: pdu1, kind: pdu, rack: k1 }
points:
  - { node: pdu1, gateway: gw1, device: pdu-k1 }
`;

t.test('a file and its includes are merged and built', async (t) => {
  const { model, files, inventory } = await readInventory(
    '/inv/main.yaml',
    filesOf({ '/inv/main.yaml': MAIN, '/inv/sites/ams.yaml': AMS }),
  );
  t.same(files, ['/inv/main.yaml', '/inv/sites/ams.yaml']);
  t.same(inventory.customers, [{ id: 'acme', name: 'Acme' }]);
  t.same(
    inventory.points,
    [{ node: 'pdu1', gateway: 'gw1', device: 'pdu-k1', channel: 'total', infrastructure: false }],
    'defaults applied',
  );
  t.match(model.points.get('pdu1/total'), { site: 'ams1', room: 'r1', rack: 'k1', phase: '3P' });
  t.same(
    model.holdings.get('pdu1/total')?.map((h) => [h.customer, h.fromMs]),
    [['acme', Date.parse('2025-12-31T23:00:00Z')]],
  );
});

t.test('an empty file is an empty inventory', async (t) => {
  const { model } = await readInventory('/e.yaml', filesOf({ '/e.yaml': '# nothing yet\n' }));
  t.equal(model.points.size, 0);
});

t.test('schema problems of every file at once, with lines', async (t) => {
  const issues = await issuesOf(t, '/inv/main.yaml', {
    '/inv/main.yaml': `include: [b.yaml]
customers:
  - { id: acme, name: Acme, colour: red }
assignments:
  - { id: a1, customer: acme, from: 2026-01-01 }
  - { id: a2, customer: acme, rack: k1, cage: c1, from: 2026-02-30 }
  - { id: a3, customer: acme, match: {}, from: 2026-01-01, to: "2026-01-01T00:00:00" }
`,
    '/inv/b.yaml': `sites:
  - id: ams/1
    name: Amsterdam
    timeZone: Europe/Amsterdm
    currency: EURO
nodes:
  - { id: n1, kind: rack-pdu, phase: L4, feed: C }
points:
  - { node: n1, gateway: g, device: d, channel: "outlet:0" }
`,
  });
  t.same(issues, [
    '/inv/main.yaml: customers[0]: Unrecognized key: "colour" (line 3)',
    '/inv/main.yaml: assignments[0]: exactly one target of outlet, pdu, rack, cage, feed, match (given: none) (line 5)',
    "/inv/main.yaml: assignments[1].from: a local date YYYY-MM-DD (the start of that day in the site's time zone) or a timestamp with an offset, e.g. 2026-10-15T08:00:00+02:00 (line 6)",
    '/inv/main.yaml: assignments[1]: exactly one target of outlet, pdu, rack, cage, feed, match (given: rack, cage) (line 6)',
    '/inv/main.yaml: assignments[2].match: a rule needs at least one condition (line 7)',
    "/inv/main.yaml: assignments[2].to: a local date YYYY-MM-DD (the start of that day in the site's time zone) or a timestamp with an offset, e.g. 2026-10-15T08:00:00+02:00 (line 7)",
    '/inv/b.yaml: sites[0].id: letters, digits, "_", "-", "." (up to 64), no "/", "+", "#" (line 2)',
    '/inv/b.yaml: sites[0].timeZone: not an IANA time zone (e.g. Europe/Amsterdam) (line 4)',
    '/inv/b.yaml: sites[0].currency: not an ISO 4217 currency code (e.g. EUR) (line 5)',
    '/inv/b.yaml: nodes[0].kind: Invalid option: expected one of "utility-feed"|"ups"|"busbar"|"panel"|"tap-off"|"branch-circuit"|"pdu"|"pdu-inlet"|"outlet" (line 7)',
    '/inv/b.yaml: nodes[0].phase: Invalid option: expected one of "L1"|"L2"|"L3"|"3P" (line 7)',
    '/inv/b.yaml: nodes[0].feed: Invalid option: expected one of "A"|"B" (line 7)',
    '/inv/b.yaml: points[0].channel: not a channel name (line 9)',
  ]);
});

t.test('reference problems name the file, the entry and its line', async (t) => {
  const issues = await issuesOf(t, '/inv/main.yaml', {
    '/inv/main.yaml': MAIN.replace('rack: k1', 'rack: k9'),
    '/inv/sites/ams.yaml': `${AMS}  - { id: p2, node: nope, gateway: gw1, device: x }\n`,
  });
  t.same(issues, [
    '/inv/sites/ams.yaml: points[1].node: unknown node "nope" (line 11)',
    '/inv/main.yaml: assignments[0].rack: unknown rack "k9" (line 5)',
  ]);
});

t.test('YAML syntax, unreadable files and include loops', async (t) => {
  t.match(await issuesOf(t, '/a.yaml', { '/a.yaml': 'sites: [\n' }), [
    /^\/a\.yaml: line 2:1: Flow sequence in block collection must be sufficiently indented/,
  ]);
  t.same(await issuesOf(t, '/a.yaml', { '/a.yaml': 'k: 1\nk: 2\n' }), ['/a.yaml: line 2:1: Map keys must be unique']);
  t.same(await issuesOf(t, '/missing.yaml', {}), ["/missing.yaml: (file): ENOENT: no such file, open '/missing.yaml'"]);
  t.same(await issuesOf(t, '/a.yaml', { '/a.yaml': 'include: [b.yaml, c.yaml]\n', '/b.yaml': 'include: [a.yaml]\n' }), [
    '/b.yaml: include[0]: /a.yaml is already included',
    "/a.yaml: include[1]: cannot read /c.yaml: ENOENT: no such file, open '/c.yaml'",
  ]);
});
