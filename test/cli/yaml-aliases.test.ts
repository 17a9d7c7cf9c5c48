// A YAML alias bomb ("billion laughs") in a config file is a configuration problem like any other: the
// installed command names the file, the path of the alias and its line, and exits 2 (issue 17: it printed
// the yaml library's bare message and exited 1). For gateway.yaml, central.yaml and the central inventory.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { freePort } from '../helpers/env.js';
import { runCli as run } from '../helpers/cli.js';

/** Nine levels of nine aliases each: 9^9 values once expanded. */
const LAUGHS = [
  'lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
  ...Array.from({ length: 8 }, (_, i) => `lol${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(', ')}]`),
];
const REFUSED =
  'lol3[0]: alias *l2 expands past the limit of 100 aliased nodes ("Excessive alias count indicates a resource exhaustion attack"): use fewer aliases';

t.test('gateway.yaml with an alias bomb: file, path and line, exit 2', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-laughs-'));
  const file = join(dir, 'gateway.yaml');
  writeFileSync(file, ['gateway: { id: gw1, site: ams1, room: r1 }', ...LAUGHS, ''].join('\n'));
  for (const cmd of ['run', 'check']) {
    const r = await run(['gateway', cmd, '-c', file], { timeoutMs: 20_000 });
    t.equal(r.code, 2, `gateway ${cmd}: exit code 2, like every configuration problem`);
    t.match(r.stderr, `${file}: ${REFUSED} (line 5)`, `gateway ${cmd}: \`file: path: message\``);
  }
});

t.test('central.yaml and the inventory with an alias bomb: file, path and line, exit 2', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-laughs-'));
  const central = join(dir, 'central.yaml');
  writeFileSync(central, ['central: { id: c1 }', ...LAUGHS, ''].join('\n'));
  const r = await run(['central', '-c', central], { timeoutMs: 20_000 });
  t.equal(r.code, 2, 'central.yaml: exit code 2');
  t.match(r.stderr, `${central}: ${REFUSED} (line 5)`);

  const inventory = join(dir, 'inventory.yaml');
  writeFileSync(inventory, ['sites: []', ...LAUGHS, ''].join('\n'));
  writeFileSync(
    central,
    [
      'central: { id: c1 }',
      `dataDir: ${join(dir, 'data')}`,
      'inventory: inventory.yaml',
      `broker: { embedded: { host: 127.0.0.1, port: ${await freePort()} } }`,
      'api: { enabled: false }',
      '',
    ].join('\n'),
  );
  const inv = await run(['central', '-c', central], { timeoutMs: 20_000 });
  t.equal(inv.code, 2, 'inventory: exit code 2');
  t.match(inv.stderr, `${inventory}: ${REFUSED} (line 5)`, 'names the inventory file');
  const review = await run(['central', 'review', '-c', central], { timeoutMs: 20_000 });
  t.equal(review.code, 2, 'central review: exit code 2');
  t.match(review.stderr, `${inventory}: ${REFUSED}`);
});
