// Every JSON example in docs/protocol.md is a valid message: by the zod schemas the code uses and by the
// generated JSON Schemas, checked with an independent validator (ajv).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import t from 'tap';
import { MESSAGE_SCHEMAS, parseTopic, topicFor, TOPIC_KINDS, type TopicKind } from '../../protocol/wire.js';

const doc = readFileSync(fileURLToPath(new URL('../../docs/protocol.md', import.meta.url)), 'utf8');
const examples = [...doc.matchAll(/```json (\w+)\n([\s\S]*?)```/g)].map((m) => ({
  kind: m[1] as TopicKind,
  value: JSON.parse(m[2]!) as unknown,
}));

t.test('the examples of docs/protocol.md validate', async (t) => {
  t.same([...new Set(examples.map((e) => e.kind))].sort(), [...TOPIC_KINDS].sort(), 'one example per topic at least');
  const ajv = new Ajv2020({ strict: false });
  for (const e of examples) {
    const schema = JSON.parse(
      readFileSync(fileURLToPath(new URL(`../../protocol/schemas/${e.kind}.schema.json`, import.meta.url)), 'utf8'),
    ) as object;
    const validate = ajv.compile(schema);
    t.ok(validate(e.value), `${e.kind}: JSON Schema ${JSON.stringify(validate.errors ?? [])}`);
    const z = MESSAGE_SCHEMAS[e.kind].safeParse(e.value);
    t.ok(z.success, `${e.kind}: zod ${z.success ? '' : z.error.message}`);
  }
});

t.test('topics', async (t) => {
  t.equal(topicFor('ams1', 'gw-1', 'readings'), 'joulebook/v1/ams1/gw-1/readings');
  t.same(parseTopic('joulebook/v1/ams1/gw-1/status'), { site: 'ams1', gateway: 'gw-1', kind: 'status' });
  for (const bad of [
    'joulebook/v1/ams1/gw-1/other',
    'joulebook/v2/ams1/gw-1/readings',
    'joulebook/v1/a/b/c/readings',
    'joulebook/v1/+/gw/readings',
  ])
    t.equal(parseTopic(bad), undefined, bad);
  t.throws(() => topicFor('ams1', 'gw/evil', 'readings'), 'a gateway id with a separator is refused before publishing');
  t.throws(() => topicFor('ams#', 'gw', 'readings'));
});
