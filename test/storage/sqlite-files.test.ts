// The embedded database file as an operator may leave it (issue 17): emptied, overwritten with random
// bytes, a truncated copy of a real database, another program's database, a database that lost tables.
// Every opener refuses it by name, says what to do, and writes nothing: the bytes stay as they were and no
// -wal or -shm appears. A new database is made 0600 in a 0700 folder, only where no file is or when asked.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import pino from 'pino';
import t, { type Test } from 'tap';
import { quietLog } from '../helpers/env.js';
import { reading, readingsBatch, T0 } from './readings-fixtures.js';
import { openSqliteAccessStore } from '../../central/storage/access/sqlite.js';
import { openSqliteBillingStore } from '../../central/storage/billing/sqlite.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import { DatabaseRefusedError, SchemaTablesMissingError } from '../../central/storage/errors.js';
import { SQLITE_MIGRATIONS } from '../../central/storage/sqlite/migrations.js';

const root = mkdtempSync(join(tmpdir(), 'jb-sqlite-files-'));
let n = 0;
const folder = () => {
  const d = join(root, `d${++n}`);
  mkdirSync(d);
  return d;
};
const modeOf = (f: string) => statSync(f).mode & 0o777;

/** A real database with readings and a user, closed cleanly (no -wal left): its bytes. */
async function realDatabase(t: Test): Promise<Buffer> {
  const file = join(folder(), 'real.db');
  const store = await openSqliteStore({ file, log: quietLog });
  const rows = Array.from({ length: 3000 }, (_, i) =>
    reading(`m${i % 30}`, 'total', T0 + i * 60_000, { energy_import_kwh: i, power_w: 5 }),
  );
  await store.store([readingsBatch(1, rows)]);
  const access = openSqliteAccessStore({ file, log: quietLog });
  await access.putUser({ username: 'ops', role: 'operator', customer: undefined, passwordHash: 'scrypt$x', createdAt: 1, updatedAt: 1 });
  await access.close();
  await store.close();
  t.notOk(existsSync(`${file}-wal`), 'a clean close leaves no WAL');
  return readFileSync(file);
}

const openers = {
  'readings store': (file: string) => openSqliteStore({ file, log: quietLog }),
  'readings store with its writer thread': (file: string) => openSqliteStore({ file, log: quietLog, writerThread: true }),
  'access store': async (file: string) => openSqliteAccessStore({ file, log: quietLog }),
  'billing store': async (file: string) => openSqliteBillingStore({ file, log: quietLog }),
};

t.test('an empty, random, truncated or foreign file is refused by every opener, by name, and left as it was', async (t) => {
  const real = await realDatabase(t);
  const foreign = (() => {
    const f = join(folder(), 'other.db');
    const db = new Database(f);
    db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('x')");
    db.close();
    return readFileSync(f);
  })();
  const blank = (() => {
    const f = join(folder(), 'blank.db');
    const db = new Database(f);
    db.exec('VACUUM');
    db.pragma('user_version = 1'); // writes the header: a database with no tables
    db.close();
    return readFileSync(f);
  })();
  t.ok(blank.length > 0, 'the blank database has a header');
  const cases: [string, Buffer, DatabaseRefusedError['problem'], RegExp][] = [
    [
      'zero-length',
      Buffer.alloc(0),
      'empty',
      /the database file is empty \(0 bytes\): its readings, users and invoice numbers are gone\. Restore it from a backup; .*--new-database/,
    ],
    ['64 KiB of random bytes', randomBytes(65_536), 'damaged', /not a SQLite database .*restore it from a backup, or move it away/],
    [
      'a real database cut in half',
      real.subarray(0, Math.floor(real.length / 8192) * 4096),
      'damaged',
      /a truncated database \(its header counts \d+ pages of 4096 bytes/,
    ],
    [
      'a real database cut inside a page',
      real.subarray(0, 4096 * 3 + 1000),
      'damaged',
      /a truncated database \(13288 bytes is not a whole number of 4096-byte pages\)/,
    ],
    [
      'a real database cut inside its header',
      real.subarray(0, 60),
      'damaged',
      /a truncated database \(60 bytes, less than its 100-byte header\)/,
    ],
    [
      "another program's database",
      foreign,
      'foreign',
      /a SQLite database, but not the central node's \(tables customers, no schema_migrations\): check storage\.sqlite\.file/,
    ],
    ['a database with no tables', blank, 'blank', /a SQLite database with no tables: .*--new-database/],
  ];
  for (const [what, bytes, problem, message] of cases) {
    for (const [name, open] of Object.entries(openers)) {
      const dir = folder();
      const file = join(dir, 'joulebook.db');
      writeFileSync(file, bytes);
      const err = await open(file).then(
        (s) => {
          void s.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      t.ok(err instanceof DatabaseRefusedError, `${what}, ${name}: refused`);
      t.match(err, { problem, where: file }, `${what}, ${name}: ${problem}`);
      t.ok((err as Error).message.startsWith(`${file}: `), `${what}, ${name}: the message starts with the file`);
      t.match((err as Error).message, message, `${what}, ${name}: says what is wrong and what to do`);
      t.ok(readFileSync(file).equals(bytes), `${what}, ${name}: the bytes are unchanged`);
      t.same(readdirSync(dir), ['joulebook.db'], `${what}, ${name}: no -wal, -shm or other file beside it`);
    }
  }
});

t.test('a directory at the path, or a path through a file, is refused by name', async (t) => {
  const file = join(folder(), 'joulebook.db');
  mkdirSync(file);
  await t.rejects(openSqliteStore({ file, log: quietLog }), {
    name: 'DatabaseRefusedError',
    problem: 'unreadable',
    message: `${file}: not a file (a directory)`,
  });
  const plain = join(folder(), 'plain');
  writeFileSync(plain, 'x');
  const through = join(plain, 'joulebook.db');
  await t.rejects(openSqliteStore({ file: through, log: quietLog }), {
    name: 'DatabaseRefusedError',
    problem: 'unreadable',
    message: `${through}: cannot look at it (ENOTDIR`,
  });
});

t.test('a database that lost tables its migrations made is refused; nothing is recreated over them', async (t) => {
  const file = join(folder(), 'joulebook.db');
  await (await openSqliteStore({ file, log: quietLog })).close();
  const db = new Database(file);
  db.exec('DROP TABLE document_counters; DROP TABLE api_users');
  db.close();
  for (const open of Object.values(openers)) {
    await t.rejects(open(file) as Promise<unknown>, SchemaTablesMissingError);
  }
  const err = await openSqliteStore({ file, log: quietLog }).catch((e: unknown) => e as Error);
  t.match(err, {
    message: `${file}: the schema records ${SQLITE_MIGRATIONS.length} migration(s), but table(s) document_counters, api_users are missing`,
  });
  t.match(err, { message: /Restore it from a backup; nothing was created in their place, so invoice numbers do not start again/ });
  const after = new Database(file, { readonly: true });
  t.same(after.prepare("SELECT name FROM sqlite_master WHERE name IN ('document_counters', 'api_users')").all(), [], 'still missing');
  after.close();
});

t.test('a new database: made 0600 in a 0700 folder where no file is, -wal and -shm too', async (t) => {
  const dir = join(folder(), 'made', 'here');
  const file = join(dir, 'joulebook.db');
  const store = await openSqliteStore({ file, log: quietLog, writerThread: true });
  await store.store([readingsBatch(1, [reading('m1', 'total', T0, { energy_import_kwh: 1 })])]);
  const modes = {
    dir: modeOf(dir),
    parent: modeOf(join(dir, '..')),
    file: modeOf(file),
    wal: modeOf(`${file}-wal`),
    shm: modeOf(`${file}-shm`),
  };
  await store.close();
  t.same(modes, { dir: 0o700, parent: 0o700, file: 0o600, wal: 0o600, shm: 0o600 }, 'folders 0700; database, WAL and shared memory 0600');
  t.same(readdirSync(dir), ['joulebook.db'], 'no temporary file left beside it');
  const again = await openSqliteStore({ file, log: quietLog });
  t.equal((await again.listSeries())[0]?.readingCount, 1, 'the next start opens it as it is');
  await again.close();
});

t.test('an existing file keeps the mode the operator gave it; one others may read is warned about', async (t) => {
  const file = join(folder(), 'joulebook.db');
  await (await openSqliteStore({ file, log: quietLog })).close();
  chmodSync(file, 0o640);
  const lines: string[] = [];
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _e, cb) {
        lines.push(chunk.toString());
        cb();
      },
    }),
  );
  const store = await openSqliteStore({ file, log });
  await store.close();
  t.equal(modeOf(file), 0o640, 'not changed');
  const warned = lines
    .map((l) => JSON.parse(l) as { level: number; file: string; mode: string; msg: string })
    .filter((l) => l.level === 40);
  t.match(warned, [
    { file, mode: '0640', msg: /other users may read this database file, which holds password and token hashes: chmod 600/ },
  ]);
  chmodSync(file, 0o600);
  lines.length = 0;
  await (await openSqliteStore({ file, log })).close();
  t.same(
    lines.filter((l) => l.includes('other users may read')),
    [],
    'a 0600 file: no warning',
  );
});

t.test('create: never refuses a missing file; a new database only when asked, and never over a database', async (t) => {
  const dir = folder();
  const file = join(dir, 'joulebook.db');
  await t.rejects(openSqliteStore({ file, log: quietLog, create: 'never' }), {
    name: 'DatabaseRefusedError',
    problem: 'missing',
    message: `${file}: no database file, and storage.sqlite.create is "never": restore it from a backup or mount its volume; to start a new, empty database there, start the central node once with --new-database`,
  });
  t.same(readdirSync(dir), [], 'nothing made');
  await (await openSqliteStore({ file, log: quietLog, create: 'never', newDatabase: true })).close();
  t.equal(modeOf(file), 0o600, 'made when asked');

  const emptied = join(folder(), 'joulebook.db');
  writeFileSync(emptied, '', { mode: 0o640 });
  const store = await openSqliteStore({ file: emptied, log: quietLog, newDatabase: true });
  await store.store([readingsBatch(1, [reading('m1', 'total', T0, { energy_import_kwh: 1 })])]);
  await store.close();
  t.equal(modeOf(emptied), 0o640, 'an empty file the operator made keeps its mode');
  const reopened = await openSqliteStore({ file: emptied, log: quietLog });
  t.equal((await reopened.listSeries()).length, 1, 'and is a database from then on');
  await reopened.close();

  const random = join(folder(), 'joulebook.db');
  const bytes = randomBytes(8192);
  writeFileSync(random, bytes);
  await t.rejects(
    openSqliteStore({ file: random, log: quietLog, newDatabase: true }),
    { name: 'DatabaseRefusedError', problem: 'damaged' },
    'a damaged file is not replaced even when asked',
  );
  t.ok(readFileSync(random).equals(bytes));
});
