// The compiled checks and zod give the same verdict on every message: the examples of docs/protocol.md,
// and every one-place mutation of them (a field removed, replaced by a value of another type or range, an
// unknown or __proto__ key added), so a check can never accept what the contract refuses.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { MESSAGE_SCHEMAS, TOPIC_KINDS, type TopicKind } from '../../protocol/wire.js';
import { compileMessageChecks } from './message-checks.js';
import { readingsMessage } from '../../scripts/benches/sample-messages.js';
import { validateMessage } from './validate.js';

const doc = readFileSync(fileURLToPath(new URL('../../docs/protocol.md', import.meta.url)), 'utf8');
const examples = [...doc.matchAll(/```json (\w+)\n([\s\S]*?)```/g)].map((m) => ({
  kind: m[1] as TopicKind,
  value: JSON.parse(m[2]!) as unknown,
}));
examples.push({ kind: 'readings', value: readingsMessage({ gateway: 'gw-1', seq: 7, readings: 3 }) });
const checks = compileMessageChecks();

/** Values of every JSON type and the edges of the schemas' ranges; Infinity is what JSON.parse gives for 1e999. */
const REPLACEMENTS: unknown[] = [
  null,
  true,
  'x',
  '',
  1.5,
  -1,
  0,
  1,
  2 ** 53,
  -(2 ** 53),
  Infinity,
  [],
  {},
  [1],
  { a: 1 },
  'a'.repeat(64),
  'a'.repeat(65),
  '😀'.repeat(32),
  '😀'.repeat(40),
  '\ud800',
  'total',
  'outlet:0',
  'outlet:1',
  'l4',
  'gw/x',
  'energy_import_kwh',
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every message that differs from `value` in one place, with where and how. */
function* mutations(value: Json, at = ''): Generator<[string, Json]> {
  if (Array.isArray(value)) {
    yield [`${at} = []`, []];
    for (let i = 0; i < value.length; i++) {
      for (const [d, m] of mutations(value[i]!, `${at}[${i}]`)) yield [d, value.map((x, j) => (j === i ? m : x))];
      yield [`${at}[${i}] removed`, value.filter((_x, j) => j !== i)];
    }
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      yield [`${at}.${k} removed`, Object.fromEntries(Object.entries(value).filter(([key]) => key !== k))];
      for (const [d, m] of mutations(value[k]!, `${at}.${k}`)) yield [d, { ...value, [k]: m }];
    }
    yield [`${at}.extra added`, { ...value, extra: 1 }];
    yield [`${at}.power_w added`, { ...value, power_w: 5 }];
    yield [`${at}.__proto__ added`, JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(value).slice(1)}`) as Json];
    return;
  }
  for (const r of REPLACEMENTS) yield [`${at} = ${JSON.stringify(r)?.slice(0, 20) ?? String(r)}`, r as Json];
}

t.test('compiled checks and zod agree on the examples and every one-place mutation', async (t) => {
  t.same([...new Set(examples.map((e) => e.kind))].sort(), [...TOPIC_KINDS].sort(), 'an example of every kind');
  let cases = 0;
  let refused = 0;
  const looser: string[] = [];
  const stricter: string[] = [];
  for (const e of examples) {
    for (const [what, m] of [['as is', e.value as Json] as const, ...mutations(e.value as Json)]) {
      cases++;
      const zod = MESSAGE_SCHEMAS[e.kind].safeParse(m).success;
      if (!zod) refused++;
      const check = checks[e.kind](m);
      if (check && !zod) looser.push(`${e.kind} ${what}`);
      if (!check && zod) stricter.push(`${e.kind} ${what}`);
    }
  }
  t.same(looser, [], 'the checks accept nothing zod refuses');
  // zod's records skip a "__proto__" key (JSON.parse makes it an own property); the checks refuse it, and
  // validateMessage then asks zod, so the outcome is zod's (next test).
  t.same(
    stricter.filter((w) => !/\.(values|flags)\.__proto__ added$/.test(w)),
    [],
    'the checks refuse nothing else zod accepts',
  );
  t.ok(cases > 2000 && refused > 1000, `${cases} messages compared, ${refused} refused by both`);
  t.comment(`${cases} messages compared, ${refused} refused by both`);
});

t.test('validateMessage gives the same outcome and batch with and without the checks', async (t) => {
  const topic = (kind: TopicKind, gateway: string) => `joulebook/v1/fra1/${gateway}/${kind}`;
  let n = 0;
  for (const e of examples) {
    const gateway = (e.value as { gateway: string }).gateway;
    const site = (e.value as { site?: string }).site ?? 'fra1';
    for (const [, m] of [['as is', e.value as Json] as const, ...mutations(e.value as Json)].slice(0, 400)) {
      const payload = Buffer.from(JSON.stringify(m));
      const at = `joulebook/v1/${site}/${gateway}/${e.kind}`;
      const slow = validateMessage(at, payload, 1);
      const fast = validateMessage(at, payload, 1, undefined, checks);
      t.same(fast, slow, `${e.kind} #${n}`);
      n++;
    }
    t.equal(
      validateMessage(topic(e.kind, 'other-gw'), Buffer.from(JSON.stringify(e.value)), 1, undefined, checks).ok,
      false,
      `${e.kind} on another gateway's topic`,
    );
  }
  t.ok(n > 1000, `${n} payloads`);
});

t.test('numbers JSON cannot hold exactly are refused by both', async (t) => {
  const m = readingsMessage({ gateway: 'gw-1', seq: 1, readings: 1 });
  const text = JSON.stringify(m).replace(/"power_w":[0-9.]+/, '"power_w":1e999');
  const v = validateMessage('joulebook/v1/s/gw-1/readings', Buffer.from(text), 1, undefined, checks);
  t.match(v, { ok: false, reason: 'schema' }, 'an infinite value never reaches the store');
  const big = JSON.stringify(m).replace(/"seq":1,/, '"seq":9007199254740993,');
  t.match(
    validateMessage('joulebook/v1/s/gw-1/readings', Buffer.from(big), 1, undefined, checks),
    { ok: false, reason: 'schema' },
    'an unsafe integer',
  );
});
