// The API's users, tokens, sessions and model edits on PostgreSQL, shared by every central instance; a
// small pool of its own on the store's schema.
import type pg from 'pg';
import type { Logger } from 'pino';
import { editFromRow, type EditRow } from '../edits/rows.js';
import type { EditKind, EditStore, StoredEdit } from '../edits/types.js';
import { SECRET_COLS, secretFromRow, USER_COLS, userFromRow, type SecretRow, type UserRow } from './rows.js';
import type { AccessStore, SecretKind, StoredSecret, StoredUser } from './types.js';
import { openMigratedPool } from '../postgres/pool.js';
import { schemaIdent } from '../postgres/sql.js';

export async function openPostgresAccessStore(opts: {
  connectionString: string;
  schema: string;
  log: Logger;
  now?: () => number;
  maxConnections?: number;
  create?: 'if-missing' | 'never';
}): Promise<PostgresAccessStore> {
  const pool = await openMigratedPool(opts, opts.maxConnections ?? 3);
  return new PostgresAccessStore({ pool, schema: opts.schema });
}

/** Both interfaces on one connection: the edits' tables are migrated with the access tables. */
export class PostgresAccessStore implements AccessStore, EditStore {
  private readonly s: string;
  private readonly lastSeqSql: string;

  constructor(private readonly deps: { pool: pg.Pool; schema: string }) {
    this.s = schemaIdent(deps.schema);
    this.lastSeqSql = `SELECT coalesce(max(seq), 0)::int AS seq FROM ${this.s}.model_edits`;
  }

  private async rows<T>(text: string, values: unknown[]): Promise<T[]> {
    return (await this.deps.pool.query(text, values)).rows as T[];
  }

  async close(): Promise<void> {
    await this.deps.pool.end();
  }

  async putUser(u: StoredUser): Promise<void> {
    await this.rows(
      `INSERT INTO ${this.s}.api_users (${USER_COLS}) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (username) DO UPDATE SET role = excluded.role, customer = excluded.customer, password_hash = excluded.password_hash, updated_at = excluded.updated_at`,
      [u.username, u.role, u.customer ?? null, u.passwordHash, u.createdAt, u.updatedAt],
    );
  }

  async user(username: string): Promise<StoredUser | undefined> {
    const [r] = await this.rows<UserRow>(`SELECT ${USER_COLS} FROM ${this.s}.api_users WHERE username = $1`, [username]);
    return r && userFromRow(r);
  }

  async users(): Promise<StoredUser[]> {
    return (await this.rows<UserRow>(`SELECT ${USER_COLS} FROM ${this.s}.api_users ORDER BY username`, [])).map(userFromRow);
  }

  async removeUser(username: string, atMs: number): Promise<boolean> {
    const c = await this.deps.pool.connect();
    try {
      await c.query('BEGIN');
      const gone = ((await c.query(`DELETE FROM ${this.s}.api_users WHERE username = $1`, [username])).rowCount ?? 0) > 0;
      await c.query(`DELETE FROM ${this.s}.api_secrets WHERE kind = 'session' AND username = $1`, [username]);
      await c.query(`UPDATE ${this.s}.api_secrets SET revoked_at = $2 WHERE kind = 'token' AND username = $1 AND revoked_at IS NULL`, [
        username,
        atMs,
      ]);
      await c.query('COMMIT');
      return gone;
    } catch (err) {
      await c.query('ROLLBACK');
      throw err;
    } finally {
      c.release();
    }
  }

  async addSecret(kind: SecretKind, x: StoredSecret): Promise<void> {
    await this.rows(`INSERT INTO ${this.s}.api_secrets (kind, ${SECRET_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      kind,
      x.id,
      x.username,
      x.hash,
      x.label ?? null,
      x.createdAt,
      x.expiresAt ?? null,
      x.revokedAt ?? null,
    ]);
  }

  async secret(kind: SecretKind, id: string): Promise<StoredSecret | undefined> {
    const [r] = await this.rows<SecretRow>(`SELECT ${SECRET_COLS} FROM ${this.s}.api_secrets WHERE kind = $1 AND id = $2`, [kind, id]);
    return r && secretFromRow(r);
  }

  async secrets(kind: SecretKind, username?: string): Promise<StoredSecret[]> {
    return (
      await this.rows<SecretRow>(
        `SELECT ${SECRET_COLS} FROM ${this.s}.api_secrets WHERE kind = $1 AND ($2::text IS NULL OR username = $2)
      ORDER BY created_at, id`,
        [kind, username ?? null],
      )
    ).map(secretFromRow);
  }

  async revokeSecret(kind: SecretKind, id: string, atMs: number): Promise<boolean> {
    const r = await this.deps.pool.query(
      `UPDATE ${this.s}.api_secrets SET revoked_at = $3 WHERE kind = $1 AND id = $2 AND revoked_at IS NULL`,
      [kind, id, atMs],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async appendEdit<T>(kind: EditKind, e: { by: string; at: number; body: T }, ifLastSeq: number): Promise<number | undefined> {
    const client = await this.deps.pool.connect();
    let broken: Error | undefined;
    try {
      // The lock lets readers on and takes appends one at a time, so an edit's seq is given in commit
      // order and an instance that read up to a seq has seen every edit before it.
      await client.query(`BEGIN; LOCK TABLE ${this.s}.model_edits IN SHARE ROW EXCLUSIVE MODE`);
      try {
        const last = (await client.query<{ seq: number }>(this.lastSeqSql)).rows[0]!.seq;
        const seq =
          last !== ifLastSeq
            ? undefined
            : (
                await client.query<{ seq: number }>(
                  `INSERT INTO ${this.s}.model_edits (kind, by_user, at, body) VALUES ($1, $2, $3, $4) RETURNING seq`,
                  [kind, e.by, e.at, JSON.stringify(e.body)],
                )
              ).rows[0]!.seq;
        await client.query('COMMIT');
        return seq;
      } catch (err) {
        await client.query('ROLLBACK').catch((x: Error) => {
          broken = x;
        });
        throw err;
      }
    } finally {
      client.release(broken);
    }
  }

  async lastEditSeq(): Promise<number> {
    return (await this.rows<{ seq: number }>(this.lastSeqSql, []))[0]!.seq;
  }

  async edits<T>(kind: EditKind): Promise<StoredEdit<T>[]> {
    return (await this.rows<EditRow>(`SELECT seq, by_user, at, body FROM ${this.s}.model_edits WHERE kind = $1 ORDER BY seq`, [kind])).map(
      (r) => editFromRow<T>(r),
    );
  }
}
