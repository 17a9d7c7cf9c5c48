// The access and model edit storage contracts against the embedded SQLite file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { quietLog } from '../helpers/env.js';
import { accessContract, type AccessFixture } from './access-contract.js';
import { editsContract, type EditFixture } from './edits-contract.js';
import { openSqliteAccessStore, type SqliteAccessStore } from '../../central/storage/access/sqlite.js';
import { migrateSqlite } from '../../central/storage/sqlite/migrate.js';
import { SQLITE_MIGRATIONS } from '../../central/storage/sqlite/migrations.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-access-'));
let n = 0;

t.test('contract', async (t) => {
  const fresh = async (): Promise<AccessFixture & EditFixture> => {
    const file = join(dir, `central-${++n}.db`);
    const store = openSqliteAccessStore({ file, log: quietLog });
    const peers: SqliteAccessStore[] = [];
    return {
      store,
      tamper: async (op, seq) => {
        const db = new Database(file);
        try {
          db.prepare(op === 'update' ? "UPDATE model_edits SET by_user = 'x' WHERE seq = ?" : 'DELETE FROM model_edits WHERE seq = ?').run(
            seq,
          );
        } finally {
          db.close();
        }
      },
      peer: async () => {
        peers.push(openSqliteAccessStore({ file, log: quietLog }));
        return peers[peers.length - 1]!;
      },
      close: async () => {
        for (const p of peers) await p.close();
        await store.close();
      },
    };
  };
  accessContract(t, fresh);
  editsContract(t, fresh);
});

t.test('migration 5 rebuilds the edit log: every edit and seq kept, still append-only, the new kinds accepted', async (t) => {
  const file = join(dir, 'before-5.db');
  const db = new Database(file);
  migrateSqlite(db, { log: quietLog, now: () => 1 }, SQLITE_MIGRATIONS.slice(0, 4));
  const insert = db.prepare('INSERT INTO model_edits (kind, by_user, at, body) VALUES (?, ?, ?, ?)');
  insert.run('assignment', 'ops', 5, '{"id":"a-1"}');
  insert.run('tariff', 'eve', 6, '{"site":"ams1"}');
  insert.run('assignment', 'ops', 7, '{"id":"a-2"}');
  t.throws(() => insert.run('contract', 'ops', 8, '{}'), /CHECK constraint failed/, 'before: two kinds only');
  db.close();
  const store = openSqliteAccessStore({ file, log: quietLog });
  t.same(await store.edits('assignment'), [
    { seq: 1, by: 'ops', at: 5, body: { id: 'a-1' } },
    { seq: 3, by: 'ops', at: 7, body: { id: 'a-2' } },
  ]);
  t.same(await store.edits('tariff'), [{ seq: 2, by: 'eve', at: 6, body: { site: 'ams1' } }]);
  t.equal(await store.appendEdit('contract', { by: 'ops', at: 8, body: { contract: 'c-1' } }, 3), 4, 'the seqs go on');
  await store.close();
  const raw = new Database(file);
  t.throws(() => raw.prepare("UPDATE model_edits SET by_user = 'x' WHERE seq = 1").run(), /an edit is history/);
  t.throws(() => raw.prepare('DELETE FROM model_edits WHERE seq = 4').run(), /an edit is history/);
  t.same(
    raw.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'model_edits%' ORDER BY name").all(),
    [{ name: 'model_edits' }, { name: 'model_edits_no_delete' }, { name: 'model_edits_no_update' }],
    'the old table is gone, the triggers are on the new one',
  );
  raw.close();
});

t.test('a file that is not a database is refused', async (t) => {
  const file = join(dir, 'broken.db');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, 'not a database at all, but long enough to have a header of some sort'.repeat(100));
  t.throws(() => openSqliteAccessStore({ file, log: quietLog }), {
    name: 'DatabaseRefusedError',
    problem: 'damaged',
    message: `${file}: not a SQLite database`,
  });
});
