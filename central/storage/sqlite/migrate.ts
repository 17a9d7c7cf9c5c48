// Applies pending SQLite migrations in one IMMEDIATE transaction (the write lock is taken first, so a
// second process opening the same file waits instead of racing). Tables the recorded migrations made
// must still be there: a database that lost some is refused, not half recreated.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { missingTables, pendingMigrations, type Migration, type MigrationReport, type RecordedMigration } from '../migration.js';
import { SchemaTablesMissingError } from '../errors.js';
import { SQLITE_MIGRATIONS } from './migrations.js';

export function migrateSqlite(
  db: Database.Database,
  deps: { log: Logger; now: () => number },
  list: readonly Migration[] = SQLITE_MIGRATIONS,
): MigrationReport {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
  const run = db.transaction((): MigrationReport => {
    const recorded = db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all() as RecordedMigration[];
    const pending = pendingMigrations(list, recorded);
    const present = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    const missing = missingTables(list, recorded, present);
    if (missing.length > 0) throw new SchemaTablesMissingError(db.name, missing, recorded.length);
    const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');
    for (const m of pending) {
      db.exec(m.sql);
      record.run(m.id, m.name, deps.now());
      deps.log.info({ migration: m.id, name: m.name }, 'schema migration applied');
    }
    const top = Math.max(0, ...recorded.map((r) => r.id), ...pending.map((m) => m.id));
    return { applied: pending.map((m) => m.id), current: top };
  });
  return run.immediate();
}
