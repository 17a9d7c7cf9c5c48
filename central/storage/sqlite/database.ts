// The central SQLite database as its stores open it: an intact database of the central node at the path,
// or a new one made where no file is (or where the operator asked for one). A new database is made whole
// beside its path (schema applied, mode 0600, its folder made 0700 when missing) and linked into place,
// so a crash while making it never leaves an empty file that the next start would refuse. The file holds
// password and token hashes, hence the mode, as for the broker's credentials file; SQLite gives the -wal
// and -shm files the database file's mode. An existing file's mode is the operator's: it is never changed,
// but a file other users may read is warned about.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { asRefusal, inspectSqliteFile, refused } from './file-check.js';
import { migrateSqlite } from './migrate.js';
import { openSqliteFile } from './open.js';

/** Where no file is: make a new database there (default), or refuse (a volume not mounted, a file deleted). */
export type SqliteCreate = 'if-missing' | 'never';

export interface SqliteDatabaseOptions {
  file: string;
  log: Logger;
  now: () => number;
  create?: SqliteCreate;
  /** The operator asked for a new database: made where no file is, or on an empty file; never over a database. */
  newDatabase?: boolean;
  /** Open options of the returned connection. */
  readings?: boolean;
  /** Warn when other users may read the file (the readings store does, once per start). */
  checkMode?: boolean;
}

const DATABASE_FILE_MODE = 0o600;
const DATABASE_DIR_MODE = 0o700;

/** Opens the database with its schema current, refusing an empty, damaged or foreign file by name. */
export function openSqliteDatabase(o: SqliteDatabaseOptions): Database.Database {
  const state = inspectSqliteFile(o.file);
  if (state.kind === 'missing') {
    if ((o.create ?? 'if-missing') === 'never' && !o.newDatabase)
      throw refused(o.file, 'missing', 'no database file, and storage.sqlite.create is "never"');
    createSqliteDatabase(o);
  } else if (state.kind === 'empty' && !o.newDatabase) {
    throw refused(o.file, 'empty', 'the database file is empty (0 bytes)');
  }
  if (o.checkMode) warnIfShared(o.file, o.log);
  const db = openSqliteFile(o.file, { readings: o.readings ?? false, check: (c) => checkTables(c, o) });
  try {
    migrateSqlite(db, o);
    return db;
  } catch (err) {
    db.close();
    throw asRefusal(o.file, err);
  }
}

/** Before anything is written: the central node's schema, or no table at all where a new database was asked for. */
function checkTables(db: Database.Database, o: SqliteDatabaseOptions): void {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
    .pluck()
    .all() as string[];
  if (tables.includes('schema_migrations')) return;
  if (tables.length > 0) {
    const some = `${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''}`;
    throw refused(o.file, 'foreign', `a SQLite database, but not the central node's (tables ${some}, no schema_migrations)`);
  }
  if (!o.newDatabase) throw refused(o.file, 'blank', 'a SQLite database with no tables');
  o.log.warn({ file: o.file }, 'a new, empty database starts in the empty file, as asked (--new-database)');
}

/** Makes the database beside its path and links it into place; another process's database made meanwhile wins. */
function createSqliteDatabase(o: SqliteDatabaseOptions): void {
  const dir = dirname(o.file);
  mkdirSync(dir, { recursive: true, mode: DATABASE_DIR_MODE });
  const tmp = join(dir, `.${basename(o.file)}.${process.pid}-${randomBytes(3).toString('hex')}.new`);
  closeSync(openSync(tmp, 'wx', DATABASE_FILE_MODE));
  try {
    const db = openSqliteFile(tmp);
    try {
      migrateSqlite(db, o);
    } finally {
      db.close(); // the last connection: checkpoints (synced) and removes the -wal and -shm
    }
    if (place(tmp, o.file)) o.log.info({ file: o.file, mode: '0600' }, 'new database created');
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  }
  syncDir(dir);
}

/** true: linked into place; false: a database was there already (another process made it first). */
function place(tmp: string, file: string): boolean {
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A filesystem without hard links: a rename, which could replace a file made in the same instant.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      renameSync(tmp, file);
      return true;
    }
    throw err;
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse to sync a folder; the link is then as durable as they make it.
  }
}

function warnIfShared(file: string, log: Logger): void {
  for (const f of [file, `${file}-wal`]) {
    let mode: number;
    try {
      mode = statSync(f).mode & 0o777;
    } catch {
      continue;
    }
    if ((mode & 0o077) !== 0) {
      log.warn(
        { file: f, mode: `0${mode.toString(8)}` },
        'other users may read this database file, which holds password and token hashes: chmod 600 it (and its -wal) unless they must',
      );
    }
  }
}
