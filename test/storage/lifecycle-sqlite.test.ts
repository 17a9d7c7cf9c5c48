// The lifecycle contract (issue 21) against the embedded SQLite store, inline and with its writer thread
// (ingest marks series dirty there), and what only SQLite does: migration 8 makes an old file auto_vacuum
// INCREMENTAL outside a transaction, and removal gives pages back.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { quietLog } from '../helpers/env.js';
import { lifecycleContract, storeMinutes } from './lifecycle-contract.js';
import { T0 } from './readings-fixtures.js';
import { migrateSqlite } from '../../central/storage/sqlite/migrate.js';
import { SQLITE_MIGRATIONS } from '../../central/storage/sqlite/migrations.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-lifecycle-'));
let n = 0;
const file = () => join(dir, `central-${++n}.db`);

t.test('contract', async (t) => {
  lifecycleContract(t, { fresh: () => openSqliteStore({ file: file(), log: quietLog }), rollupRetention: 'days' });
});

t.test('contract, writing on the writer thread', async (t) => {
  lifecycleContract(t, { fresh: () => openSqliteStore({ file: file(), log: quietLog, writerThread: true }), rollupRetention: 'days' });
});

t.test('migration 8: an old file with data becomes auto_vacuum INCREMENTAL, its data kept; a new file is made so', async (t) => {
  const f = file();
  const old = new Database(f);
  old.pragma('journal_mode = WAL');
  const deps = { log: quietLog, now: () => 5 };
  migrateSqlite(old, deps, SQLITE_MIGRATIONS.slice(0, 6));
  old.prepare("INSERT INTO series (site, gateway, device, channel) VALUES ('s', 'g', 'd', 'c')").run();
  t.equal(old.pragma('auto_vacuum', { simple: true }), 0);
  t.same(migrateSqlite(old, deps), { applied: [7, 8, 9, 10], current: 10 });
  t.equal(old.pragma('auto_vacuum', { simple: true }), 2, 'INCREMENTAL');
  t.equal(old.prepare('SELECT count(*) FROM series').pluck().get(), 1);
  t.same(migrateSqlite(old, deps), { applied: [], current: 10 }, 'recorded once');
  t.same(old.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  old.close();

  const store = await openSqliteStore({ file: file(), log: quietLog });
  t.teardown(() => store.close());
  await storeMinutes(store, 'm1', T0 - 20_000 * 60_000, 20_000);
  const db = new Database(join(dir, `central-${n}.db`), { readonly: true });
  t.teardown(() => db.close());
  t.equal(db.pragma('auto_vacuum', { simple: true }), 2);
  const pages = () => db.pragma('page_count', { simple: true }) as number;
  await store.setLifecycleValue('x', 1);
  const before = pages();
  let r;
  do r = await store.removeRawBefore(T0, { batchRows: 5000 });
  while (!r.done);
  t.ok(pages() < before, `the file gives pages back (${before} -> ${pages()} pages)`);
});
