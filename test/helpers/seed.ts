// Seeded randomness for tests that act at random moments (kill -9 while a process works): each run picks a
// seed and prints it, and JB_TEST_SEED=<seed> replays the same sequence of moments, so a failure seen once
// can be chased. (The processes' own timing still varies; the test's choices no longer do.)
import type { Test } from 'tap';

/** mulberry32: a tiny 32-bit generator, plenty to spread kill moments; floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** JB_TEST_SEED when set (a whole number 0..4294967295), else a fresh one. */
export function testSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.JB_TEST_SEED?.trim();
  if (raw === undefined || raw === '') return Math.floor(Math.random() * 4_294_967_296);
  const seed = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(seed) || seed > 4_294_967_295) {
    throw new Error(`JB_TEST_SEED: "${raw}" is not a whole number from 0 to 4294967295 (use the seed a test printed)`);
  }
  return seed;
}

/** The test's random source; says its seed and how to rerun with it. */
export function seededRandom(t: Test, env: NodeJS.ProcessEnv = process.env): () => number {
  const seed = testSeed(env);
  t.comment(`seed ${seed}; rerun with JB_TEST_SEED=${seed}`);
  return mulberry32(seed);
}
