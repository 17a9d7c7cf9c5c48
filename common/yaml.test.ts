// YAML to values: aliases within the library's bound work; a file whose aliases expand past it (a
// "billion laughs") is a configuration problem at the alias where the bound was passed (issue 17).
import t from 'tap';
import { parseYamlDoc } from './yaml.js';

const laughs = (levels: number) =>
  [
    'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
    ...Array.from({ length: levels }, (_, i) => {
      const name = String.fromCharCode(98 + i);
      const prev = String.fromCharCode(97 + i);
      return `${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`;
    }),
    '',
  ].join('\n');

t.test('aliases within the bound build the value', async (t) => {
  const doc = parseYamlDoc('base: &b { port: 502, timeoutMs: 300 }\nm1: *b\nm2: *b\n', 'x.yaml');
  t.ok(doc.ok);
  if (doc.ok)
    t.same(doc.value, { base: { port: 502, timeoutMs: 300 }, m1: { port: 502, timeoutMs: 300 }, m2: { port: 502, timeoutMs: 300 } });
  const two = parseYamlDoc(laughs(1), 'x.yaml');
  t.ok(two.ok, 'nine aliases of nine values are fine');
});

t.test('an alias bomb is refused as a problem naming the file, the path of the alias and its line', async (t) => {
  const doc = parseYamlDoc(laughs(8), 'bomb.yaml');
  t.notOk(doc.ok);
  if (doc.ok) return;
  t.equal(doc.issues.length, 1);
  t.same(doc.issues[0], {
    file: 'bomb.yaml',
    path: 'd[0]',
    message:
      'alias *c expands past the limit of 100 aliased nodes ("Excessive alias count indicates a resource exhaustion attack"): use fewer aliases (line 4)',
  });

  const nested = parseYamlDoc(
    [
      'x:',
      '  - &a { k: [1, 2, 3] }',
      '  - &b { k: [*a, *a, *a, *a, *a, *a, *a] }',
      '  - y:',
      '      z: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      '  - [*c, *c, *c, *c]',
    ].join('\n'),
    'inventory.yaml',
  );
  // The yaml library stops at the twelfth *b on line 5 (checked against its own resolver when written).
  t.match(nested, {
    ok: false,
    issues: [{ file: 'inventory.yaml', path: 'x[2].y.z[11]', message: /alias \*b expands past the limit of 100 .* \(line 5\)$/ }],
  });
});
