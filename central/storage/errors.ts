// What is wrong with the database a store opens, the same for every store and both dialects: a schema
// newer than this program, from another branch, with tables gone; a SQLite file refused. Thrown while
// opening and migrating (sqlite/, postgres/); the message says what to do.

/** The database holds migrations this code does not know: it was written by a newer version. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly known: number,
    readonly found: number,
  ) {
    super(`database schema is at migration ${found}, this program knows up to ${known}; upgrade the program`);
    this.name = 'SchemaTooNewError';
  }
}

/** A recorded migration's name differs from this code's: the schema came from another branch. */
export class SchemaMismatchError extends Error {
  constructor(
    readonly id: number,
    readonly recorded: string,
    readonly expected: string,
  ) {
    super(`migration ${id} is recorded as "${recorded}", this program calls it "${expected}"`);
    this.name = 'SchemaMismatchError';
  }
}

/** Tables the recorded migrations made are gone (dropped, a partial restore); nothing is recreated over them. */
export class SchemaTablesMissingError extends Error {
  constructor(
    readonly where: string,
    readonly missing: readonly string[],
    readonly recorded: number,
  ) {
    super(
      `${where}: the schema records ${recorded} migration(s), but table(s) ${missing.join(', ')} are missing: the database lost tables ` +
        '(dropped, or a partial restore). Restore it from a backup; nothing was created in their place, so invoice numbers do not start again',
    );
    this.name = 'SchemaTablesMissingError';
  }
}

/**
 * What is wrong with the configured database: an empty, damaged, unreadable or foreign SQLite file, a
 * missing one where it must exist. The message names the file (or schema), the problem and what to do.
 */
export type DatabaseProblem = 'missing' | 'empty' | 'blank' | 'damaged' | 'unreadable' | 'foreign';

export class DatabaseRefusedError extends Error {
  constructor(
    readonly where: string,
    readonly problem: DatabaseProblem,
    message: string,
  ) {
    super(message);
    this.name = 'DatabaseRefusedError';
  }
}
