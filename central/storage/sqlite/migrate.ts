// Applies pending SQLite migrations in one IMMEDIATE transaction (the write lock is taken first, so a
// second process opening the same file waits instead of racing). Tables the recorded migrations made
// must still be there: a database that lost some is refused, not half recreated. A migration SQLite
// cannot run in a transaction (VACUUM) ends the transaction before it: it runs alone, is recorded in a
// transaction of its own, and the rest goes on in a new one.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { missingTables, pendingMigrations, type Migration, type MigrationReport, type RecordedMigration } from '../migration.js';
import { SchemaTablesMissingError } from '../errors.js';
import { SQLITE_MIGRATIONS } from './migrations.js';

interface Step {
  applied: number[];
  current: number;
  /** The next pending migration, which must run outside a transaction. */
  alone: Migration | undefined;
}

export function migrateSqlite(
  db: Database.Database,
  deps: { log: Logger; now: () => number },
  list: readonly Migration[] = SQLITE_MIGRATIONS,
): MigrationReport {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
  const applied: number[] = [];
  for (;;) {
    const step = migrateStep(db, deps, list);
    applied.push(...step.applied);
    if (!step.alone) return { applied, current: step.current };
    const m = step.alone;
    deps.log.info(
      { migration: m.id, name: m.name },
      'schema migration running outside a transaction (it may take a while on a large database)',
    );
    db.exec(m.sql);
    // Another process may have run and recorded it meanwhile: it is safe to run twice, and recorded once.
    const recorded = db
      .prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
      .run(m.id, m.name, deps.now()).changes;
    if (recorded) {
      applied.push(m.id);
      deps.log.info({ migration: m.id, name: m.name }, 'schema migration applied');
    }
  }
}

/** Applies the pending migrations up to the first that must run alone, in one IMMEDIATE transaction. */
function migrateStep(db: Database.Database, deps: { log: Logger; now: () => number }, list: readonly Migration[]): Step {
  const run = db.transaction((): Step => {
    const recorded = db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all() as RecordedMigration[];
    const pending = pendingMigrations(list, recorded);
    const present = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    const missing = missingTables(list, recorded, present);
    if (missing.length > 0) throw new SchemaTablesMissingError(db.name, missing, recorded.length);
    const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');
    const done: number[] = [];
    for (const m of pending) {
      if (m.outsideTransaction) return { applied: done, current: m.id - 1, alone: m };
      db.exec(m.sql);
      record.run(m.id, m.name, deps.now());
      done.push(m.id);
      deps.log.info({ migration: m.id, name: m.name }, 'schema migration applied');
    }
    const top = Math.max(0, ...recorded.map((r) => r.id), ...done);
    return { applied: done, current: top, alone: undefined };
  });
  return run.immediate();
}
