// Applies pending PostgreSQL migrations in one transaction under an advisory lock, so central instances
// starting together take turns: the first applies, the others find the schema current. A schema whose
// recorded migrations made tables it no longer has is refused (nothing is recreated, so invoice numbers
// never start again over lost rows); with create 'never', so is a schema that is not there at all.
import type pg from 'pg';
import type { Logger } from 'pino';
import { missingTables, pendingMigrations, type Migration, type MigrationReport, type RecordedMigration } from '../migration.js';
import { DatabaseRefusedError, SchemaTablesMissingError } from '../errors.js';
import { POSTGRES_MIGRATIONS, POSTGRES_PREPARE } from './migrations.js';
import { lockKey, schemaIdent } from './sql.js';

export interface PostgresMigrateDeps {
  pool: pg.Pool;
  schema: string;
  log: Logger;
  now: () => number;
  /** Where the schema holds no migrations table: make it (default), or refuse (a dropped schema, a wrong database). */
  create?: 'if-missing' | 'never';
}

/** Where the store lives, for messages: schema and database, never the password. */
export function whereOf(pool: pg.Pool, schema: string): string {
  const o = pool.options;
  let { database, host, port } = o;
  try {
    if (o.connectionString) {
      const u = new URL(o.connectionString);
      database = decodeURIComponent(u.pathname.slice(1)) || database;
      host = u.hostname || host;
      port = Number(u.port) || port;
    }
  } catch {
    // Not a URL (a libpq key=value string): the parts pg was given separately, if any.
  }
  return `PostgreSQL schema "${schema}" of database "${database ?? '?'}" at ${host ?? 'localhost'}:${port ?? 5432}`;
}

export async function migratePostgres(
  deps: PostgresMigrateDeps,
  list: readonly Migration[] = POSTGRES_MIGRATIONS,
): Promise<MigrationReport> {
  const ident = schemaIdent(deps.schema);
  const client = await deps.pool.connect();
  let broken: Error | undefined;
  try {
    await prepare(client, deps, list);
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [lockKey(deps.schema, 'migrate')]);
      if (deps.create === 'never') await mustExist(client, deps);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident}`);
      await client.query(`SET LOCAL search_path TO ${ident}`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)',
      );
      const recorded = (await client.query<RecordedMigration>('SELECT id, name FROM schema_migrations ORDER BY id')).rows;
      const pending = pendingMigrations(list, recorded);
      const present = (
        await client.query<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1', [
          deps.schema,
        ])
      ).rows;
      const missing = missingTables(
        list,
        recorded,
        present.map((r) => r.name),
      );
      if (missing.length > 0) throw new SchemaTablesMissingError(whereOf(deps.pool, deps.schema), missing, recorded.length);
      for (const m of pending) {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [m.id, m.name, deps.now()]);
        deps.log.info({ migration: m.id, name: m.name, schema: deps.schema }, 'schema migration applied');
      }
      await client.query('COMMIT');
      const top = Math.max(0, ...recorded.map((r) => r.id), ...pending.map((m) => m.id));
      return { applied: pending.map((m) => m.id), current: top };
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
      throw err;
    }
  } finally {
    client.release(broken);
  }
}

/**
 * POSTGRES_PREPARE's statements of the pending migrations of the list, each in a transaction of its own
 * under the migration lock: long work that must not hold the locks the migration takes (see there).
 */
async function prepare(client: pg.PoolClient, deps: PostgresMigrateDeps, list: readonly Migration[]): Promise<void> {
  const ident = schemaIdent(deps.schema);
  for (const m of list) {
    for (const sql of POSTGRES_PREPARE.get(m.id) ?? []) {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1)', [lockKey(deps.schema, 'migrate')]);
        await client.query(`SET LOCAL search_path TO ${ident}`);
        const recorded = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`${ident}.schema_migrations`]);
        const done = recorded.rows[0]?.t && (await client.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id])).rowCount;
        if (!done) await client.query(sql);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    }
  }
}

async function mustExist(client: pg.PoolClient, deps: PostgresMigrateDeps): Promise<void> {
  const found = (await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`${schemaIdent(deps.schema)}.schema_migrations`]))
    .rows[0]?.t;
  if (found) return;
  const where = whereOf(deps.pool, deps.schema);
  throw new DatabaseRefusedError(
    where,
    'missing',
    `${where}: no central node tables there, and storage.postgres.create is "never": ` +
      'restore the schema from a backup or check storage.postgres.url and schema; ' +
      'to start a new, empty store there, start the central node once with --new-database',
  );
}
