// How every connection to the embedded store's file is set up: the readings store's, its writer
// thread's, and the access and billing stores' beside them.
import Database from 'better-sqlite3';

export interface OpenOptions {
  /** The connection writes readings in bursts (the store and its writer thread): a larger cache and WAL. */
  readings?: boolean;
}

/** Opens (creating if needed) the file in WAL mode with synchronous FULL: a commit survives a power loss. */
export function openSqliteFile(file: string, opts: OpenOptions = {}): Database.Database {
  const db = new Database(file);
  try {
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
    throw err;
  }
}
