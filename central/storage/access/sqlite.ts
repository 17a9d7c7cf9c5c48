// The API's users, tokens, sessions and model edits on the embedded SQLite file, on a connection of its
// own beside the readings store's (WAL lets them share the file).
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { editFromRow, type EditRow } from '../edits/rows.js';
import type { EditKind, EditStore, StoredEdit } from '../edits/types.js';
import { SECRET_COLS, secretFromRow, USER_COLS, userFromRow, type SecretRow, type UserRow } from './rows.js';
import type { AccessStore, SecretKind, StoredSecret, StoredUser } from './types.js';
import { openSqliteDatabase, type SqliteCreate } from '../sqlite/database.js';

/** Its own connection; the file is checked, made where none is, and migrated as for the readings store. */
export function openSqliteAccessStore(opts: { file: string; log: Logger; now?: () => number; create?: SqliteCreate }): SqliteAccessStore {
  const db = openSqliteDatabase({
    file: opts.file,
    log: opts.log,
    now: opts.now ?? Date.now,
    ...(opts.create ? { create: opts.create } : {}),
  });
  return new SqliteAccessStore({ db });
}

/** Both interfaces on one connection: the edits' tables are migrated with the access tables. */
export class SqliteAccessStore implements AccessStore, EditStore {
  private readonly db: Database.Database;

  constructor(deps: { db: Database.Database }) {
    this.db = deps.db;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  async putUser(u: StoredUser): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO api_users (${USER_COLS}) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (username) DO UPDATE SET role = excluded.role, customer = excluded.customer, password_hash = excluded.password_hash, updated_at = excluded.updated_at`,
      )
      .run(u.username, u.role, u.customer ?? null, u.passwordHash, u.createdAt, u.updatedAt);
  }

  async user(username: string): Promise<StoredUser | undefined> {
    const r = this.db.prepare(`SELECT ${USER_COLS} FROM api_users WHERE username = ?`).get(username) as UserRow | undefined;
    return r && userFromRow(r);
  }

  async users(): Promise<StoredUser[]> {
    return (this.db.prepare(`SELECT ${USER_COLS} FROM api_users ORDER BY username`).all() as UserRow[]).map(userFromRow);
  }

  async removeUser(username: string, atMs: number): Promise<boolean> {
    return this.db.transaction(() => {
      const gone = this.db.prepare('DELETE FROM api_users WHERE username = ?').run(username).changes > 0;
      this.db.prepare("DELETE FROM api_secrets WHERE kind = 'session' AND username = ?").run(username);
      this.db
        .prepare("UPDATE api_secrets SET revoked_at = ? WHERE kind = 'token' AND username = ? AND revoked_at IS NULL")
        .run(atMs, username);
      return gone;
    })();
  }

  async addSecret(kind: SecretKind, s: StoredSecret): Promise<void> {
    this.db
      .prepare(`INSERT INTO api_secrets (kind, ${SECRET_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(kind, s.id, s.username, s.hash, s.label ?? null, s.createdAt, s.expiresAt ?? null, s.revokedAt ?? null);
  }

  async secret(kind: SecretKind, id: string): Promise<StoredSecret | undefined> {
    const r = this.db.prepare(`SELECT ${SECRET_COLS} FROM api_secrets WHERE kind = ? AND id = ?`).get(kind, id) as SecretRow | undefined;
    return r && secretFromRow(r);
  }

  async secrets(kind: SecretKind, username?: string): Promise<StoredSecret[]> {
    const rows = this.db
      .prepare(`SELECT ${SECRET_COLS} FROM api_secrets WHERE kind = ? AND (? IS NULL OR username = ?) ORDER BY created_at, id`)
      .all(kind, username ?? null, username ?? null) as SecretRow[];
    return rows.map(secretFromRow);
  }

  async revokeSecret(kind: SecretKind, id: string, atMs: number): Promise<boolean> {
    return (
      this.db.prepare('UPDATE api_secrets SET revoked_at = ? WHERE kind = ? AND id = ? AND revoked_at IS NULL').run(atMs, kind, id)
        .changes > 0
    );
  }

  async appendEdit<T>(kind: EditKind, e: { by: string; at: number; body: T }, ifLastSeq: number): Promise<number | undefined> {
    // IMMEDIATE: the check and the insert hold the file's write lock together, against other processes.
    return this.db
      .transaction(() => {
        if (this.lastSeq() !== ifLastSeq) return undefined;
        return Number(
          this.db
            .prepare('INSERT INTO model_edits (kind, by_user, at, body) VALUES (?, ?, ?, ?)')
            .run(kind, e.by, e.at, JSON.stringify(e.body)).lastInsertRowid,
        );
      })
      .immediate();
  }

  async lastEditSeq(): Promise<number> {
    return this.lastSeq();
  }

  private lastSeq(): number {
    return (this.db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM model_edits').get() as { seq: number }).seq;
  }

  async edits<T>(kind: EditKind): Promise<StoredEdit<T>[]> {
    return (this.db.prepare('SELECT seq, by_user, at, body FROM model_edits WHERE kind = ? ORDER BY seq').all(kind) as EditRow[]).map((r) =>
      editFromRow<T>(r),
    );
  }
}
