// Sign-in under attack, over real HTTP on SQLite (issue 17): a hundred concurrent guesses evaluate no
// more passwords than the limit allows; failures are limited per username and per client address, the
// address taken from X-Forwarded-For only through a trusted proxy; an unknown username takes as long as
// a known one even when the stored hashes are cheaper than the node's default.
import { Writable } from 'node:stream';
import pino from 'pino';
import t from 'tap';
import { DEFAULT_SCRYPT, verifyPassword, hashPassword } from '../../central/broker/passwords.js';
import { shapeOf } from '../../central/auth/dummy-hash.js';
import { call, FAST_SCRYPT, HOUR, makeWorld, OCT, type World } from './world.js';

const LOGIN = '/api/v1/auth/login';
const login = (w: World, username: string, password: string, headers?: Record<string, string>) =>
  call(w, 'POST', LOGIN, { body: { username, password }, ...(headers ? { headers } : {}) });
const tally = (rs: { status: number }[]) => rs.reduce<Record<number, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});

/** A logger whose lines are kept, to see which client address the node saw. */
function capturingLog(): { log: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

t.test('100 concurrent sign-ins evaluate at most the limit; the rest wait (429)', async (t) => {
  let nowMs = OCT + 40 * 24 * HOUR;
  const w = await makeWorld({ now: () => nowMs });
  t.teardown(() => w.close());
  const auth = w.deps.auth;
  t.equal(auth.limits.perUsername, 5);

  const wrong = await Promise.all(Array.from({ length: 100 }, (_, i) => login(w, 'ops', `guess-${i}`)));
  t.same(tally(wrong), { 401: 5, 429: 95 }, 'five wrong guesses answered, 95 refused unevaluated');
  t.equal(auth.limiter.evaluatedTotal, 5, 'five passwords evaluated, not 100');
  t.ok(
    wrong.filter((r) => r.status === 429).every((r) => Number(r.headers.get('retry-after')) >= 1),
    'each refusal says when to come back',
  );

  // The attack: 99 wrong guesses and the right password among them, all at once.
  const before = auth.limiter.evaluatedTotal;
  const mixed = await Promise.all(
    Array.from({ length: 100 }, (_, i) => login(w, 'acme-admin', i === 50 ? w.passwords.acme : `guess-${i}`)),
  );
  const n = tally(mixed);
  t.comment(`99 wrong and 1 right at once: ${JSON.stringify(n)}, ${auth.limiter.evaluatedTotal - before} evaluated`);
  t.ok((n[401] ?? 0) <= 5, 'at most five wrong guesses evaluated');
  t.ok((n[200] ?? 0) <= 1, 'the right password answered at most once, and only within the limit');
  t.equal((n[401] ?? 0) + (n[200] ?? 0), auth.limiter.evaluatedTotal - before, 'every evaluated attempt is a 401 or a 200');
  t.equal((n[401] ?? 0) + (n[200] ?? 0) + (n[429] ?? 0), 100);
  t.ok(auth.limiter.evaluatedTotal - before <= 6, 'five failures and the one success at most');

  t.equal((await login(w, 'ops', w.passwords.operator)).status, 429, 'the right password waits out the window as well');
  nowMs += 15 * 60_000 + 1;
  t.equal((await login(w, 'ops', w.passwords.operator)).status, 200, 'and signs in once the failures aged out');
});

t.test('behind a trusted proxy each client is limited by its own address; failures of one name lock that name only', async (t) => {
  const { log, lines } = capturingLog();
  const w = await makeWorld({ trustProxy: ['127.0.0.1'], auth: { limits: { perUsername: 5, perAddress: 8 }, log } });
  t.teardown(() => w.close());
  const X = { 'x-forwarded-for': '203.0.113.7' };
  const Y = { 'x-forwarded-for': '198.51.100.23, 203.0.113.99' }; // the proxy appends; the right-most untrusted hop is the client
  for (let i = 0; i < 5; i++) t.equal((await login(w, 'ops', `guess-${i}`, X)).status, 401);
  t.match(
    lines.filter((l) => l.msg === 'sign-in failed').map((l) => l.client),
    Array(5).fill('203.0.113.7'),
    'the node sees client X, not the proxy',
  );
  t.equal((await login(w, 'acme-admin', w.passwords.acme, Y)).status, 200, "client Y signs in: X's failures did not lock it out");
  t.equal((await login(w, 'ops', w.passwords.operator, Y)).status, 429, 'the name X guessed waits, from every address');
  t.equal((await login(w, 'OPS', w.passwords.operator, Y)).status, 429, 'in any letter case');
  for (const name of ['a1', 'a2', 'a3']) t.equal((await login(w, name, 'x', X)).status, 401);
  t.equal((await login(w, 'a4', 'x', X)).status, 429, "X trying many names is stopped at its address's limit (8)");
  t.equal((await login(w, 'auditor', 'x', Y)).status, 401, 'while Y is still heard');
});

t.test('X-Forwarded-For from an untrusted peer is ignored: a client cannot rotate it to escape its limit', async (t) => {
  for (const trustProxy of [undefined, ['10.9.9.9']]) {
    const { log, lines } = capturingLog();
    const w = await makeWorld({ ...(trustProxy ? { trustProxy } : {}), auth: { limits: { perUsername: 5, perAddress: 8 }, log } });
    const what = trustProxy ? 'another proxy trusted' : 'no proxy trusted';
    const rs = [];
    for (let i = 0; i < 9; i++) rs.push(await login(w, `name-${i}`, 'x', { 'x-forwarded-for': `192.0.2.${i + 1}` }));
    t.same(
      rs.map((r) => r.status),
      [...Array(8).fill(401), 429],
      `${what}: every forged address counted as the peer's`,
    );
    t.ok(
      lines.filter((l) => l.msg === 'sign-in failed').every((l) => l.client === '127.0.0.1'),
      `${what}: the node sees the socket's address`,
    );
    await w.close();
  }
  // Without the setting, behind a proxy every user shares its address: one name's failures lock that name only.
  const w = await makeWorld();
  t.teardown(() => w.close());
  for (let i = 0; i < 5; i++) t.equal((await login(w, 'ops', `guess-${i}`)).status, 401);
  t.equal((await login(w, 'ops', w.passwords.operator)).status, 429);
  t.equal((await login(w, 'acme-admin', w.passwords.acme)).status, 200, 'another user of the same address signs in');
});

t.test('an unknown username costs what a known one does when the stored hashes are cheaper than the default', async (t) => {
  // The users are hashed at N=1024 (as the demo's are); the node's own default is N=16384.
  const w = await makeWorld({ auth: { scrypt: DEFAULT_SCRYPT, limits: { perUsername: 1000, perAddress: 100_000 } } });
  t.teardown(() => w.close());
  const auth = w.deps.auth;
  t.match(
    shapeOf(await auth.dummyHash(w.deps.clock.now())),
    { ...FAST_SCRYPT, saltBytes: 16, keyBytes: 32 },
    "the dummy has the stored hashes' parameters",
  );

  const timed = async (username: string) => {
    const t0 = performance.now();
    const r = await login(w, username, 'wrong-password');
    if (r.status !== 401) throw new Error(`${username}: ${r.status}`);
    return performance.now() - t0;
  };
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 4; i++) {
    await timed('ops');
    await timed(`warm-${i}`);
  }
  for (let i = 0; i < 25; i++) {
    known.push(await timed(['ops', 'auditor', 'acme-admin'][i % 3]!));
    unknown.push(await timed(`nobody-${i}`));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const defaultHash = await hashPassword('x', DEFAULT_SCRYPT);
  const d0 = performance.now();
  await verifyPassword('y', defaultHash);
  const defaultMs = performance.now() - d0;
  const [k, u] = [median(known), median(unknown)];
  t.comment(
    `sign-in median over HTTP: known ${k.toFixed(2)} ms, unknown ${u.toFixed(2)} ms; one check at the default cost ${defaultMs.toFixed(1)} ms`,
  );
  t.ok(u < 2 * k && k < 2 * u, `unknown (${u.toFixed(2)} ms) and known (${k.toFixed(2)} ms) within a factor of 2`);
  t.ok(u < defaultMs, 'an unknown name no longer pays the default cost');
});
