// Numbered schema migrations, the same rules for both databases: applied in id order inside one
// transaction, each recorded in schema_migrations. Adding one is appending an entry to the dialect's list.
import { SchemaMismatchError, SchemaTooNewError } from './errors.js';

export interface MigrationReport {
  /** Ids applied by this run, in order; empty when the schema was current. */
  applied: number[];
  /** The highest id now recorded. */
  current: number;
}

export interface Migration {
  /** 1, 2, 3, ... with no holes: the order they are applied in. */
  id: number;
  /** Short and stable; a recorded name that differs means the schema came from another branch. */
  name: string;
  /** One or more statements; run as they are. */
  sql: string;
  /**
   * SQLite only: a statement SQLite refuses inside a transaction (VACUUM). The migrations before it are
   * committed first; it runs alone and is recorded after it succeeded, so it must be safe to run again.
   */
  outsideTransaction?: boolean;
}

export interface RecordedMigration {
  id: number;
  name: string;
}

/** Throws for a list that is not numbered 1..n in order. */
export function checkMigrationList(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.id !== i + 1) throw new Error(`migration list: entry ${i} has id ${m.id}, expected ${i + 1}`);
  });
}

/** The migrations still to apply, after checking that what is recorded is a prefix of what this code knows. */
export function pendingMigrations(known: readonly Migration[], recorded: readonly RecordedMigration[]): Migration[] {
  checkMigrationList(known);
  const byId = new Map(known.map((m) => [m.id, m]));
  for (const r of recorded) {
    const m = byId.get(r.id);
    if (!m) throw new SchemaTooNewError(known.length, Math.max(...recorded.map((x) => x.id)));
    if (m.name !== r.name) throw new SchemaMismatchError(r.id, r.name, m.name);
  }
  const done = new Set(recorded.map((r) => r.id));
  return known.filter((m) => !done.has(m.id));
}

const NAME = '"?([A-Za-z_][A-Za-z0-9_]*)"?';
const TABLE_DDL = new RegExp(
  `\\b(CREATE|DROP|ALTER)\\s+TABLE\\s+(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?${NAME}(?:\\s+RENAME\\s+TO\\s+${NAME})?`,
  'gi',
);

/** The tables the recorded migrations leave behind, read in order from their CREATE, DROP and ALTER TABLE … RENAME TO statements. */
export function tablesOf(known: readonly Migration[], recorded: readonly RecordedMigration[]): string[] {
  const done = new Set(recorded.map((r) => r.id));
  const tables = new Set<string>();
  for (const m of known.filter((k) => done.has(k.id))) {
    for (const [, verb, name, renamed] of m.sql.matchAll(TABLE_DDL)) {
      const v = verb!.toUpperCase();
      if (v === 'CREATE') tables.add(name!.toLowerCase());
      else if (v === 'DROP') tables.delete(name!.toLowerCase());
      else if (renamed !== undefined) {
        tables.delete(name!.toLowerCase());
        tables.add(renamed.toLowerCase());
      }
    }
  }
  return [...tables];
}

/**
 * Tables the recorded migrations made that the database lacks: it lost them (dropped, a partial restore).
 * Nothing would recreate them (their migrations count as applied), so the store refuses to open.
 */
export function missingTables(known: readonly Migration[], recorded: readonly RecordedMigration[], present: readonly string[]): string[] {
  const have = new Set(present.map((p) => p.toLowerCase()));
  return tablesOf(known, recorded).filter((t) => !have.has(t));
}
