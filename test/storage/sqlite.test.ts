// The readings storage contract against the embedded SQLite store, inline and on its writer thread, and
// what only SQLite does: WAL and synchronous FULL, a file that is no database refused, migrations.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { quietLog } from '../helpers/env.js';
import { storeContract } from './readings-contract.js';
import { reading, readingsBatch, T0 } from './readings-fixtures.js';
import { SchemaMismatchError, SchemaTooNewError } from '../../central/storage/errors.js';
import { migrateSqlite } from '../../central/storage/sqlite/migrate.js';
import { SQLITE_MIGRATIONS } from '../../central/storage/sqlite/migrations.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-store-'));
let n = 0;
const file = () => join(dir, `central-${++n}.db`);

t.test('contract', async (t) => {
  storeContract(t, { fresh: () => openSqliteStore({ file: file(), log: quietLog }), migrations: SQLITE_MIGRATIONS.length });
});

t.test('contract, writing on the writer thread', async (t) => {
  storeContract(t, {
    fresh: () => openSqliteStore({ file: file(), log: quietLog, writerThread: true }),
    migrations: SQLITE_MIGRATIONS.length,
  });
});

t.test('WAL and synchronous FULL; a reopened file keeps its data and applies nothing', async (t) => {
  const f = file();
  const store = await openSqliteStore({ file: f, log: quietLog, now: () => 42 });
  await store.store([readingsBatch(1, [reading('m1', 'total', T0, { energy_import_kwh: 1 })])]);
  await store.close();
  const db = new Database(f);
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  t.same(
    db.prepare('SELECT id, name, applied_at FROM schema_migrations').all(),
    SQLITE_MIGRATIONS.map((m) => ({ id: m.id, name: m.name, applied_at: 42 })),
  );
  t.same(migrateSqlite(db, { log: quietLog, now: () => 43 }), { applied: [], current: SQLITE_MIGRATIONS.length });
  db.close();
  const again = await openSqliteStore({ file: f, log: quietLog });
  t.equal((await again.listSeries())[0]?.readingCount, 1);
  await again.close();
});

t.test('a file that is not a database is refused with an error', async (t) => {
  const f = file();
  writeFileSync(f, 'not a database at all, but long enough to have a header of some sort'.repeat(100));
  await t.rejects(openSqliteStore({ file: f, log: quietLog }), {
    name: 'DatabaseRefusedError',
    problem: 'damaged',
    message: `${f}: not a SQLite database`,
  });
});

t.test('a later migration is applied once, in order, inside the transaction', async (t) => {
  const db = new Database(':memory:');
  const extra = [
    ...SQLITE_MIGRATIONS,
    { id: SQLITE_MIGRATIONS.length + 1, name: 'tariffs', sql: 'CREATE TABLE tariffs (id INTEGER PRIMARY KEY) STRICT' },
  ];
  const deps = { log: quietLog, now: () => 1 };
  t.same(migrateSqlite(db, deps), { applied: SQLITE_MIGRATIONS.map((m) => m.id), current: SQLITE_MIGRATIONS.length });
  t.same(migrateSqlite(db, deps, extra), { applied: [extra.length], current: extra.length });
  t.same(migrateSqlite(db, deps, extra), { applied: [], current: extra.length });
  t.throws(() => migrateSqlite(db, deps), SchemaTooNewError, 'older code refuses a newer schema');
  const renamed = extra.map((m) => (m.id === extra.length ? { ...m, name: 'other' } : m));
  t.throws(() => migrateSqlite(db, deps, renamed), SchemaMismatchError);
  const broken = [...extra, { id: extra.length + 1, name: 'broken', sql: 'CREATE TABLE ok_part (x INTEGER); CREATE TABLE nope (' }];
  t.throws(() => migrateSqlite(db, deps, broken));
  t.same(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ok_part'").all(), [], 'a failing migration leaves nothing');
  t.same(migrateSqlite(db, deps, extra), { applied: [], current: extra.length }, 'and is not recorded');
  db.close();
});
