// The model edits' storage contract: every EditStore implementation runs this suite (access-sqlite.test.ts,
// access-postgres.test.ts: the access stores keep the edits). Each subtest gets a fresh, empty schema of its own.
import type { Test } from 'tap';
import { EDIT_KINDS, type EditStore } from '../../central/storage/edits/types.js';

export interface EditFixture {
  store: EditStore;
  /** A raw UPDATE or DELETE of an edit row, bypassing the interface. */
  tamper(op: 'update' | 'delete', seq: number): Promise<void>;
  /** Another store on the same database, as a second central instance has (closed with the fixture). */
  peer(): Promise<EditStore>;
  close(): Promise<void>;
}

export function editsContract(t: Test, fresh: () => Promise<EditFixture>): void {
  const withStore = (name: string, fn: (t: Test, f: EditFixture) => Promise<void>) =>
    t.test(name, async (t) => {
      const f = await fresh();
      t.teardown(() => f.close());
      await fn(t, f);
    });

  withStore('edits: appended in order per kind, bodies as given, never changed or deleted', async (t, { store, tamper }) => {
    t.equal(await store.lastEditSeq(), 0, 'none yet');
    const a1 = (await store.appendEdit(
      'assignment',
      { by: 'ops', at: 5, body: { id: 'a-1', customer: 'acme', rack: 'r1', from: '2026-10-01' } },
      0,
    ))!;
    const t1 = (await store.appendEdit(
      'tariff',
      { by: 'ops', at: 6, body: { site: 'ams1', version: { version: 'v9', price: '0.21' } } },
      a1,
    ))!;
    const a2 = (await store.appendEdit(
      'assignment',
      { by: 'eve', at: 7, body: { id: 'a-1', version: 2, customer: 'beta', rack: 'r1', from: '2026-11-01' } },
      t1,
    ))!;
    t.ok(0 < a1 && a1 < t1 && t1 < a2, 'one ascending sequence');
    t.equal(await store.lastEditSeq(), a2);
    t.same(await store.edits('assignment'), [
      { seq: a1, by: 'ops', at: 5, body: { id: 'a-1', customer: 'acme', rack: 'r1', from: '2026-10-01' } },
      { seq: a2, by: 'eve', at: 7, body: { id: 'a-1', version: 2, customer: 'beta', rack: 'r1', from: '2026-11-01' } },
    ]);
    t.same(
      (await store.edits('tariff')).map((e) => e.body),
      [{ site: 'ams1', version: { version: 'v9', price: '0.21' } }],
    );
    await t.rejects(tamper('update', a1), 'an UPDATE is refused by the schema');
    await t.rejects(tamper('delete', a1), 'a DELETE too');
    t.equal((await store.edits('assignment')).length, 2, 'nothing changed');
  });

  withStore('edits: every kind the model knows is stored, each read back on its own', async (t, { store }) => {
    let seq = 0;
    for (const kind of EDIT_KINDS) seq = (await store.appendEdit(kind, { by: 'ops', at: seq, body: { kind, n: seq } }, seq))!;
    t.equal(seq, await store.lastEditSeq());
    for (const kind of EDIT_KINDS)
      t.same(
        (await store.edits<{ kind: string }>(kind)).map((e) => e.body.kind),
        [kind],
        kind,
      );
    await t.rejects(store.appendEdit('rename' as never, { by: 'ops', at: 9, body: {} }, seq), 'a kind the model does not know is refused');
  });

  withStore('edits: appended only on top of the newest one the writer saw, one winner among instances', async (t, { store, peer }) => {
    const other = await peer();
    const body = (customer: string) => ({ id: 'a-1', customer, rack: 'r1', from: '2026-10-01' });
    const first = await store.appendEdit('assignment', { by: 'ops', at: 5, body: body('acme') }, 0);
    t.ok(first, 'on an empty table, expecting none');
    t.equal(
      await other.appendEdit('assignment', { by: 'eve', at: 6, body: body('beta') }, 0),
      undefined,
      'the other instance had not seen it: refused',
    );
    t.equal(await other.lastEditSeq(), first, 'it sees it now');
    t.equal(
      await other.appendEdit('tariff', { by: 'eve', at: 7, body: { site: 'ams1' } }, first! - 1),
      undefined,
      'an older seq is refused too',
    );
    const [x, y] = await Promise.all([
      store.appendEdit('assignment', { by: 'ops', at: 8, body: body('gamma') }, first!),
      other.appendEdit('assignment', { by: 'eve', at: 8, body: body('delta') }, first!),
    ]);
    t.equal([x, y].filter((s) => s !== undefined).length, 1, 'two instances at once on the same seq: one wins');
    t.same(
      (await other.edits('assignment')).map((e) => e.seq),
      [first, x ?? y],
      'and only it is stored',
    );
    t.equal(await store.lastEditSeq(), x ?? y);
  });
}
