// The access storage contract: every AccessStore implementation runs this suite (sqlite/access.test.ts,
// test/storage/access-postgres.test.ts). Each subtest gets a fresh, empty schema of its own.
import type { Test } from 'tap';
import type { AccessStore, StoredSecret, StoredUser } from './access-types.js';

export interface AccessFixture {
  store: AccessStore;
  /** A raw UPDATE or DELETE of an edit row, bypassing the interface. */
  tamper(op: 'update' | 'delete', seq: number): Promise<void>;
  /** Another store on the same database, as a second central instance has (closed with the fixture). */
  peer(): Promise<AccessStore>;
  close(): Promise<void>;
}

const user = (username: string, extra: Partial<StoredUser> = {}): StoredUser => ({
  username, role: 'operator', customer: undefined, passwordHash: `scrypt$16384$8$1$c2FsdA==$${username}`, createdAt: 10, updatedAt: 10, ...extra,
});
const secret = (id: string, username: string, extra: Partial<StoredSecret> = {}): StoredSecret => ({
  id, username, hash: `h-${id}`, label: undefined, createdAt: 20, expiresAt: undefined, revokedAt: undefined, ...extra,
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
    t.match(await store.user('zoe'), { role: 'read-only', passwordHash: 'scrypt$other', createdAt: 10, updatedAt: 50 }, 'created kept, the rest replaced');
    t.same((await store.users()).map((u) => u.username), ['acme-ops', 'zoe']);
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
    t.same((await store.secrets('token')).map((s) => s.id), ['a', 'b']);
    t.same((await store.secrets('token', 'ann')).map((s) => s.id), ['b']);
    await t.rejects(store.addSecret('token', secret('a', 'x')), 'an id is used once');
    t.equal(await store.revokeSecret('token', 'a', 40), true);
    t.equal(await store.revokeSecret('token', 'a', 41), false, 'revoked once');
    t.equal(await store.revokeSecret('token', 'zz', 41), false, 'unknown');
    t.match(await store.secret('token', 'a'), { revokedAt: 40 });
  });

  withStore('edits: appended in order per kind, bodies as given, never changed or deleted', async (t, { store, tamper }) => {
    t.equal(await store.lastEditSeq(), 0, 'none yet');
    const a1 = (await store.appendEdit('assignment', { by: 'ops', at: 5, body: { id: 'a-1', customer: 'acme', rack: 'r1', from: '2026-10-01' } }, 0))!;
    const t1 = (await store.appendEdit('tariff', { by: 'ops', at: 6, body: { site: 'ams1', version: { version: 'v9', price: '0.21' } } }, a1))!;
    const a2 = (await store.appendEdit('assignment', { by: 'eve', at: 7, body: { id: 'a-1', version: 2, customer: 'beta', rack: 'r1', from: '2026-11-01' } }, t1))!;
    t.ok(0 < a1 && a1 < t1 && t1 < a2, 'one ascending sequence');
    t.equal(await store.lastEditSeq(), a2);
    t.same(await store.edits('assignment'), [
      { seq: a1, by: 'ops', at: 5, body: { id: 'a-1', customer: 'acme', rack: 'r1', from: '2026-10-01' } },
      { seq: a2, by: 'eve', at: 7, body: { id: 'a-1', version: 2, customer: 'beta', rack: 'r1', from: '2026-11-01' } },
    ]);
    t.same((await store.edits('tariff')).map((e) => e.body), [{ site: 'ams1', version: { version: 'v9', price: '0.21' } }]);
    await t.rejects(tamper('update', a1), 'an UPDATE is refused by the schema');
    await t.rejects(tamper('delete', a1), 'a DELETE too');
    t.equal((await store.edits('assignment')).length, 2, 'nothing changed');
  });

  withStore('edits: appended only on top of the newest one the writer saw, one winner among instances', async (t, { store, peer }) => {
    const other = await peer();
    const body = (customer: string) => ({ id: 'a-1', customer, rack: 'r1', from: '2026-10-01' });
    const first = await store.appendEdit('assignment', { by: 'ops', at: 5, body: body('acme') }, 0);
    t.ok(first, 'on an empty table, expecting none');
    t.equal(await other.appendEdit('assignment', { by: 'eve', at: 6, body: body('beta') }, 0), undefined, 'the other instance had not seen it: refused');
    t.equal(await other.lastEditSeq(), first, 'it sees it now');
    t.equal(await other.appendEdit('tariff', { by: 'eve', at: 7, body: { site: 'ams1' } }, first! - 1), undefined, 'an older seq is refused too');
    const [x, y] = await Promise.all([
      store.appendEdit('assignment', { by: 'ops', at: 8, body: body('gamma') }, first!),
      other.appendEdit('assignment', { by: 'eve', at: 8, body: body('delta') }, first!),
    ]);
    t.equal([x, y].filter((s) => s !== undefined).length, 1, 'two instances at once on the same seq: one wins');
    t.same((await other.edits('assignment')).map((e) => e.seq), [first, x ?? y], 'and only it is stored');
    t.equal(await store.lastEditSeq(), x ?? y);
  });
}
