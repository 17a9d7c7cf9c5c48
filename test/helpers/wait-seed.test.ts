// The test helpers that replace fixed sleeps and unseeded randomness: waitFor returns once its condition
// holds and fails naming what it waited for; the seeded generator replays the same sequence for a seed.
import t from 'tap';
import { mulberry32, seededRandom, testSeed } from './seed.js';
import { waitFor, WaitTimeoutError } from './wait.js';

t.test('waitFor returns as soon as the condition holds', async (t) => {
  let checks = 0;
  const waited = await waitFor(() => ++checks >= 3, { timeoutMs: 5000, what: 'three checks', intervalMs: 5 });
  t.equal(checks, 3);
  t.ok(waited < 5000, `returned after ${Math.round(waited)} ms`);
  let ready = false;
  setTimeout(() => {
    ready = true;
  }, 30);
  await waitFor(async () => ready, { timeoutMs: 5000, what: 'an async condition' });
  t.ok(ready);
});

t.test('waitFor fails with what it waited for, and the last error of a throwing condition', async (t) => {
  const started = performance.now();
  await t.rejects(
    waitFor(() => false, { timeoutMs: 100, what: '3 messages stored' }),
    { name: 'WaitTimeoutError', message: 'timed out after 100 ms waiting for 3 messages stored' },
  );
  t.ok(performance.now() - started >= 100, 'it waited the whole timeout');
  let n = 0;
  await t.rejects(
    waitFor(() => false, { timeoutMs: 50, what: () => `the count (${++n} at timeout)` }),
    { message: /waiting for the count \(1 at timeout\)$/ },
  );
  const err = await waitFor(
    () => {
      throw new Error('not connected');
    },
    { timeoutMs: 50, what: 'a connection' },
  ).catch((e: unknown) => e);
  t.ok(err instanceof WaitTimeoutError);
  t.match((err as Error).message, 'waiting for a connection (last check threw: not connected)');
});

t.test('the seeded generator: same seed, same sequence; the seed comes from JB_TEST_SEED', async (t) => {
  const a = mulberry32(12345);
  const b = mulberry32(12345);
  const seqA = Array.from({ length: 20 }, a);
  t.same(Array.from({ length: 20 }, b), seqA, 'replayed exactly');
  t.ok(
    seqA.every((x) => x >= 0 && x < 1),
    'floats in [0, 1)',
  );
  t.not(mulberry32(12346)(), seqA[0], 'another seed, another sequence');
  t.ok(new Set(seqA).size === 20, 'no repeats in a short run');
  t.equal(testSeed({ JB_TEST_SEED: '12345' }), 12345);
  t.equal(testSeed({ JB_TEST_SEED: '4294967295' }), 4_294_967_295);
  const fresh = testSeed({});
  t.ok(Number.isInteger(fresh) && fresh >= 0 && fresh <= 4_294_967_295, `a fresh seed without it (${fresh})`);
  for (const bad of ['abc', '-1', '1.5', '4294967296', '1e3']) {
    t.throws(() => testSeed({ JB_TEST_SEED: bad }), {
      message: `JB_TEST_SEED: "${bad}" is not a whole number from 0 to 4294967295 (use the seed a test printed)`,
    });
  }
  const comments: string[] = [];
  const fake = { comment: (s: string) => comments.push(s) } as unknown as Parameters<typeof seededRandom>[0];
  const r = seededRandom(fake, { JB_TEST_SEED: '12345' });
  t.same(comments, ['seed 12345; rerun with JB_TEST_SEED=12345'], 'the seed is printed with how to rerun it');
  t.equal(r(), seqA[0], 'and drives the generator');
});
