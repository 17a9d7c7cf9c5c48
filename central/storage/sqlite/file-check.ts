// What is at the central database's path before SQLite touches it. An empty, truncated or foreign file
// is refused by name with what to do instead, never migrated into a new database: an emptied file would
// otherwise start again as a fresh store, readings, users and invoice counters gone and numbering back
// at 000001. The header checks follow the file format (sqlite.org/fileformat2.html, "The Database Header").
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { DatabaseRefusedError, type DatabaseProblem } from '../errors.js';

export type FileState = { kind: 'missing' } | { kind: 'empty'; mode: number } | { kind: 'database'; mode: number };

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_BYTES = 100;

const WHAT_TO_DO: Record<DatabaseProblem, string> = {
  missing:
    'restore it from a backup or mount its volume; to start a new, empty database there, start the central node once with --new-database',
  empty:
    'its readings, users and invoice numbers are gone. Restore it from a backup; to start a new, empty database there instead, ' +
    'delete the file or start the central node once with --new-database',
  blank:
    'it holds no tables, so no readings, users or invoice numbers. Restore it from a backup; to start a new, empty database there, ' +
    'start the central node once with --new-database',
  damaged: 'restore it from a backup, or move it away to start a new database there; nothing was written to it',
  unreadable: 'check the path, and the owner and mode of the file and its folder (the central node must read and write both)',
  foreign: 'check storage.sqlite.file in central.yaml; nothing was written to it',
};

/** The error for a file: its path, what is wrong, what to do. */
export function refused(file: string, problem: DatabaseProblem, what: string): DatabaseRefusedError {
  return new DatabaseRefusedError(file, problem, `${file}: ${what}: ${WHAT_TO_DO[problem]}`);
}

/** Why a file's first bytes and size are not an intact SQLite database; undefined when they are. */
export function headerProblem(header: Buffer, sizeBytes: number, walBytes: number): string | undefined {
  if (header.length < MAGIC.length || !header.subarray(0, MAGIC.length).equals(MAGIC))
    return 'not a SQLite database (its first bytes are not "SQLite format 3")';
  if (header.length < HEADER_BYTES) return `a truncated database (${sizeBytes} bytes, less than its 100-byte header)`;
  const raw = header.readUInt16BE(16);
  const pageBytes = raw === 1 ? 65_536 : raw;
  if (pageBytes < 512 || (pageBytes & (pageBytes - 1)) !== 0) return `a damaged database (its header gives a page size of ${raw})`;
  // Frames in a WAL the last checkpoint has not written back may make the main file shorter for now.
  if (walBytes > 0) return undefined;
  if (sizeBytes % pageBytes !== 0) return `a truncated database (${sizeBytes} bytes is not a whole number of ${pageBytes}-byte pages)`;
  const pages = header.readUInt32BE(28);
  // The header's page count is valid when its change counter equals its version-valid-for number.
  const countValid = header.readUInt32BE(24) === header.readUInt32BE(92);
  if (countValid && pages * pageBytes > sizeBytes) {
    return `a truncated database (its header counts ${pages} pages of ${pageBytes} bytes, ${pages * pageBytes} bytes; the file has ${sizeBytes})`;
  }
  return undefined;
}

const sizeOf = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

/** Looks at the path: nothing there, an empty file, or an intact-looking database; throws for anything else. */
export function inspectSqliteFile(file: string): FileState {
  let size: number;
  let mode: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw refused(file, 'unreadable', `not a file (${st.isDirectory() ? 'a directory' : 'a special file'})`);
    size = st.size;
    mode = st.mode & 0o777;
  } catch (err) {
    if (err instanceof DatabaseRefusedError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw refused(file, 'unreadable', `cannot look at it (${(err as Error).message})`);
  }
  if (size === 0) return { kind: 'empty', mode };
  const header = Buffer.alloc(HEADER_BYTES);
  let got: number;
  try {
    const fd = openSync(file, 'r');
    try {
      got = readSync(fd, header, 0, HEADER_BYTES, 0);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw refused(file, 'unreadable', `cannot read it (${(err as Error).message})`);
  }
  const problem = headerProblem(header.subarray(0, got), size, sizeOf(`${file}-wal`));
  if (problem) throw refused(file, 'damaged', problem);
  return { kind: 'database', mode };
}

const DAMAGED_CODES = new Set([
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_CORRUPT_INDEX',
  'SQLITE_CORRUPT_SEQUENCE',
  'SQLITE_CORRUPT_VTAB',
]);

/** SQLite's own word that the file is damaged, as the refusal naming it; other errors as they are. */
export function asRefusal(file: string, err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && DAMAGED_CODES.has(code))
    return refused(file, 'damaged', `a damaged database (SQLite: ${(err as Error).message})`);
  if (
    typeof code === 'string' &&
    (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_PERM' || code === 'SQLITE_READONLY')
  ) {
    return refused(file, 'unreadable', `cannot open it (SQLite: ${(err as Error).message})`);
  }
  return err;
}
