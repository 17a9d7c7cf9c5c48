// How every connection to the embedded store's file is set up: the readings store's, its writer
// thread's, and the access and billing stores' beside them. A connection opens an existing file only;
// database.ts decides whether a new one may be made, and makes it whole before it is at its path.
import Database from 'better-sqlite3';
import { asRefusal } from './file-check.js';

export interface OpenOptions {
  /** The connection writes readings in bursts (the store and its writer thread): a larger cache and WAL. */
  readings?: boolean;
  /** Runs on the new connection before any pragma: a check that must not change the file (database.ts). */
  check?: (db: Database.Database) => void;
}

/** Opens the existing file in WAL mode with synchronous FULL: a commit survives a power loss. */
export function openSqliteFile(file: string, opts: OpenOptions = {}): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (err) {
    throw asRefusal(file, err);
  }
  try {
    opts.check?.(db);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    if (opts.readings) {
      // Readings are written in bursts across many series; a larger page cache keeps their index leaves
      // hot, and a longer WAL between checkpoints copies a leaf rewritten by many commits back once, not
      // each time (64 MB of WAL: 1.6x the ingest rate of the 4 MB default, measured).
      db.pragma('cache_size = -65536');
      db.pragma('wal_autocheckpoint = 16384');
    }
    return db;
  } catch (err) {
    db.close();
    throw asRefusal(file, err);
  }
}
