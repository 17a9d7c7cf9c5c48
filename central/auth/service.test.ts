import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { quietLog } from '../../test/helpers/env.js';
import { openSqliteAccessStore } from '../storage/access/sqlite.js';
import { DEFAULT_SCRYPT } from '../broker/passwords.js';
import { commonShape, defaultShape, dummyHash, shapeOf } from './dummy-hash.js';
import { FailureLimiter } from './limiter.js';
import { newSecret, parseSecret, sameHash, sha256Hex } from './secrets.js';
import { AuthError, AuthService } from './service.js';

const FAST = { N: 1024, r: 8, p: 1 };

t.test('secrets: format, parse, hash, constant-time compare', async (t) => {
  const s = newSecret('jbt');
  t.match(s.text, /^jbt_[A-Za-z0-9]{12}_[\w-]{43}$/);
  t.same(parseSecret(s.text, 'jbt'), { id: s.id, hash: s.hash });
  t.equal(parseSecret(s.text, 'jbs'), undefined, 'a token is not a session');
  t.equal(parseSecret('Bearer nonsense', 'jbt'), undefined);
  t.ok(sameHash(s.hash, s.hash));
  t.notOk(sameHash(s.hash, sha256Hex('other')));
  t.notOk(sameHash('abc', 'abc'), 'not a digest: never equal');
});

t.test('limiter: failures within the window block, then age out; each key has its own limit', async (t) => {
  const l = new FailureLimiter(1000);
  const [u, a] = [
    { key: 'u', max: 2 },
    { key: 'a', max: 2 },
  ];
  const fail = (at: number) => {
    const r = l.reserve([u, a], at);
    if (r.ok) r.attempt.fail(at);
    else t.fail('refused');
  };
  t.equal(l.retryAfterMs([u, a], 0), 0);
  fail(0);
  fail(100);
  t.equal(l.retryAfterMs([u], 200), 800);
  t.equal(l.retryAfterMs([a], 999), 1, 'blocked until the oldest failure leaves the window');
  t.equal(l.retryAfterMs([a], 1050), 0, 'then one failure is left: free again');
  t.match(l.reserve([u, a], 200), { ok: false, retryAfterMs: 800 });
  fail(2000);
  fail(2001);
  t.equal(l.retryAfterMs([{ key: 'a', max: 3 }], 2002), 0, 'each key has its own limit');
  t.match(l.reserve([u, { key: 'b', max: 2 }], 2002), { ok: false }, 'the name is blocked from another address too');
  t.ok(
    l.reserve(
      [
        { key: 'u', max: 9 },
        { key: 'b', max: 2 },
      ],
      2002,
    ).ok,
    'under a higher limit the same failures leave room',
  );
  t.equal(l.failedTotal, 4);
  t.equal(l.refusedTotal, 2);
});

t.test('limiter: an attempt counts from its reservation, so concurrent ones never pass the limit', async (t) => {
  const l = new FailureLimiter(1000);
  const keys = [
    { key: 'u', max: 3 },
    { key: 'a', max: 10 },
  ];
  const results = Array.from({ length: 100 }, () => l.reserve(keys, 0));
  const granted = results.filter((r) => r.ok);
  t.equal(granted.length, 3, 'three reserved before any ended');
  t.equal(l.retryAfterMs(keys, 0), 1000, 'attempts in flight fill the key: come back soon');
  t.equal(l.refusedTotal, 97);
  granted[0]!.attempt.release();
  t.equal(l.failedTotal, 0, 'a released attempt counts nothing');
  const again = l.reserve(keys, 0);
  t.ok(again.ok, 'and frees its room');
  granted[1]!.attempt.fail(10);
  granted[1]!.attempt.fail(10);
  t.equal(l.failedTotal, 1, 'an attempt ends once');
  granted[2]!.attempt.release();
  t.equal(l.retryAfterMs(keys, 20), 0, 'a success gives its room back');
  if (again.ok) again.attempt.fail(30);
  const third = l.reserve(keys, 40);
  if (third.ok) third.attempt.fail(40);
  t.equal(l.retryAfterMs(keys, 50), 960, 'a success forgave nothing: three failures fill the name until the first ages out');
  t.equal(l.keyCount, 2);
  t.equal(l.evaluatedTotal, 5);
});

t.test('service: users, passwords, tokens, sessions expire', async (t) => {
  let now = 1000;
  const store = openSqliteAccessStore({ file: join(mkdtempSync(join(tmpdir(), 'jb-auth-')), 'a.db'), log: quietLog });
  t.teardown(() => store.close());
  const auth = new AuthService({
    store,
    clock: { now: () => now },
    log: quietLog,
    scrypt: FAST,
    sessionTtlMs: 500,
    customerExists: (id) => id === 'acme',
  });
  await t.rejects(auth.addUser({ username: 'bad name', role: 'operator' }), AuthError);
  await t.rejects(auth.addUser({ username: 'c', role: 'customer' }), /needs --customer/);
  await t.rejects(auth.addUser({ username: 'c', role: 'operator', customer: 'acme' }), /only for role customer/);
  await t.rejects(auth.addUser({ username: 'c', role: 'customer', customer: 'zzz' }), /unknown customer/);
  const { password } = await auth.addUser({ username: 'c', role: 'customer', customer: 'acme' });
  await t.rejects(auth.addUser({ username: 'c', role: 'operator' }), /exists/);
  const login = await auth.login('c', password, '10.0.0.1');
  t.match(login, { ok: true, principal: { username: 'c', role: 'customer', customer: 'acme', via: 'session' }, expiresAt: 1500 });
  const session = login.ok ? login.session : '';
  t.match(await auth.authenticate({ session }), { username: 'c' });
  now = 1500;
  t.equal(await auth.authenticate({ session }), undefined, 'expired');
  now = 1600;
  const again = await auth.login('c', password, '10.0.0.1');
  const s2 = again.ok ? again.session : '';
  const next = await auth.setPassword('c');
  t.not(next, password);
  t.equal(await auth.authenticate({ session: s2 }), undefined, 'a new password ends the sessions');
  t.match(await auth.login('c', password, '10.0.0.2'), { ok: false, reason: 'invalid' });
  t.match(await auth.login('c', next, '10.0.0.2'), { ok: true });
  t.equal(await auth.setPassword('c', 'chosen-one'), 'chosen-one');
  await t.rejects(auth.setPassword('nobody'), /no user/);
  await t.rejects(auth.createToken('nobody'), /no user/);
  const tok = await auth.createToken('c', 'ci');
  t.match(await auth.authenticate({ bearer: tok.text }), { via: 'token', customer: 'acme' });
  t.equal(await auth.authenticate({ bearer: tok.text.slice(0, -2) + 'xx' }), undefined, 'a wrong secret with a right id');
  t.equal(await auth.authenticate({ session: tok.text }), undefined, 'a token is no session');
  t.equal(await auth.authenticate({}), undefined);
  t.same(
    (await auth.tokens('c')).map((x) => x.label),
    ['ci'],
  );
  t.equal(await auth.revokeToken(tok.text), true, 'by the whole token');
  t.equal(await auth.revokeToken(tok.token.id), false, 'once');
  t.equal(await auth.authenticate({ bearer: tok.text }), undefined);
  t.same(
    (await auth.users()).map((u) => u.username),
    ['c'],
  );
  await auth.logout(s2);
  await auth.logout('garbage');
  t.equal(await auth.removeUser('c'), true);
  t.match(await auth.login('c', 'chosen-one', '10.0.0.3'), { ok: false, reason: 'invalid' }, 'an unknown user fails the same way');
  t.match(await auth.login('bad name!', 'x', '10.0.0.3'), { ok: false });
});

t.test('an unknown username is checked against a hash shaped like the stored ones', async (t) => {
  let now = 0;
  const store = openSqliteAccessStore({ file: join(mkdtempSync(join(tmpdir(), 'jb-auth-')), 'a.db'), log: quietLog });
  t.teardown(() => store.close());
  const auth = new AuthService({ store, clock: { now: () => now }, log: quietLog });
  t.match(shapeOf(await auth.dummyHash(now)), { ...DEFAULT_SCRYPT, saltBytes: 16, keyBytes: 32 }, 'no users: the configured default');
  // Users hashed elsewhere (another process, the demo) at a cheaper cost.
  const cheap = new AuthService({ store, clock: { now: () => now }, log: quietLog, scrypt: FAST });
  await cheap.addUser({ username: 'a', role: 'operator' });
  await cheap.addUser({ username: 'b', role: 'operator' });
  t.equal(shapeOf(await auth.dummyHash(now))!.N, DEFAULT_SCRYPT.N, 'kept for a minute');
  now += 60_000;
  t.match(shapeOf(await auth.dummyHash(now)), { ...FAST, saltBytes: 16, keyBytes: 32 }, 'then shaped like the stored hashes');
  const dummy = await auth.dummyHash(now);
  t.equal(await auth.dummyHash(now + 1), dummy, 'one dummy between refreshes');

  const row = (N: number, updatedAt: number) => ({
    passwordHash: `scrypt$${N}$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`,
    updatedAt,
  });
  t.equal(commonShape([row(1024, 1), row(2048, 5), row(1024, 2)])!.N, 1024, 'the most common shape');
  t.equal(commonShape([row(1024, 1), row(2048, 5)])!.N, 2048, 'on a tie, the newest');
  t.equal(commonShape([{ passwordHash: 'garbage', updatedAt: 1 }]), undefined, 'no scrypt hash: none');
  t.match(shapeOf(dummyHash(defaultShape(FAST))), { N: 1024, saltBytes: 16, keyBytes: 32 }, 'a dummy parses as a hash of its shape');
});
