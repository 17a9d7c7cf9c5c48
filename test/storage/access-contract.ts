// The access storage contract: every AccessStore implementation runs this suite (access-sqlite.test.ts,
// access-postgres.test.ts), and edits-contract.ts after it. Each subtest gets a fresh, empty schema of its own.
import type { Test } from 'tap';
import type { AccessStore, StoredSecret, StoredUser } from '../../central/storage/access/types.js';

export interface AccessFixture {
  store: AccessStore;
  close(): Promise<void>;
}

const user = (username: string, extra: Partial<StoredUser> = {}): StoredUser => ({
  username,
  role: 'operator',
  customer: undefined,
  passwordHash: `scrypt$16384$8$1$c2FsdA==$${username}`,
  createdAt: 10,
  updatedAt: 10,
  ...extra,
});
const secret = (id: string, username: string, extra: Partial<StoredSecret> = {}): StoredSecret => ({
  id,
  username,
  hash: `h-${id}`,
  label: undefined,
  createdAt: 20,
  expiresAt: undefined,
  revokedAt: undefined,
  ...extra,
});

export function accessContract(t: Test, fresh: () => Promise<AccessFixture>): void {
  const withStore = (name: string, fn: (t: Test, f: AccessFixture) => Promise<void>) =>
    t.test(name, async (t) => {
      const f = await fresh();
      t.teardown(() => f.close());
      await fn(t, f);
    });

  withStore('users: added, replaced (created kept), listed by name, removed with their sessions and tokens', async (t, { store }) => {
    await store.putUser(user('zoe'));
    await store.putUser(user('acme-ops', { role: 'customer', customer: 'acme' }));
    t.strictSame(await store.user('acme-ops'), user('acme-ops', { role: 'customer', customer: 'acme' }));
    await store.putUser(user('zoe', { role: 'read-only', passwordHash: 'scrypt$other', createdAt: 99, updatedAt: 50 }));
    t.match(
      await store.user('zoe'),
      { role: 'read-only', passwordHash: 'scrypt$other', createdAt: 10, updatedAt: 50 },
      'created kept, the rest replaced',
    );
    t.same(
      (await store.users()).map((u) => u.username),
      ['acme-ops', 'zoe'],
    );
    await t.rejects(store.putUser(user('bad', { role: 'customer' })), 'a customer user needs its customer');
    await t.rejects(store.putUser(user('bad2', { role: 'operator', customer: 'acme' })), 'and only a customer user has one');
    await store.addSecret('token', secret('t1', 'zoe'));
    await store.addSecret('session', secret('s1', 'zoe', { expiresAt: 1000 }));
    await store.addSecret('token', secret('t2', 'acme-ops'));
    t.equal(await store.removeUser('zoe', 77), true);
    t.equal(await store.removeUser('zoe', 78), false, 'gone already');
    t.equal(await store.user('zoe'), undefined);
    t.equal(await store.secret('session', 's1'), undefined, 'its sessions are gone');
    t.match(await store.secret('token', 't1'), { revokedAt: 77 }, 'its tokens revoked, kept for the record');
    t.match(await store.secret('token', 't2'), { revokedAt: undefined }, 'others untouched');
  });

  withStore('tokens and sessions: by kind and id, listed oldest first, revoked once', async (t, { store }) => {
    await store.addSecret('token', secret('b', 'ann', { createdAt: 30, label: 'script' }));
    await store.addSecret('token', secret('a', 'bob', { createdAt: 20 }));
    await store.addSecret('session', secret('a', 'ann', { expiresAt: 500 }));
    t.strictSame(await store.secret('token', 'b'), secret('b', 'ann', { createdAt: 30, label: 'script' }));
    t.strictSame(await store.secret('session', 'a'), secret('a', 'ann', { expiresAt: 500 }), 'ids are per kind');
    t.equal(await store.secret('session', 'b'), undefined);
    t.same(
      (await store.secrets('token')).map((s) => s.id),
      ['a', 'b'],
    );
    t.same(
      (await store.secrets('token', 'ann')).map((s) => s.id),
      ['b'],
    );
    await t.rejects(store.addSecret('token', secret('a', 'x')), 'an id is used once');
    t.equal(await store.revokeSecret('token', 'a', 40), true);
    t.equal(await store.revokeSecret('token', 'a', 41), false, 'revoked once');
    t.equal(await store.revokeSecret('token', 'zz', 41), false, 'unknown');
    t.match(await store.secret('token', 'a'), { revokedAt: 40 });
  });
}
