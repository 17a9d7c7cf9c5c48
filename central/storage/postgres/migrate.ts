// Applies pending PostgreSQL migrations in one transaction under an advisory lock, so central instances
// starting together take turns: the first applies, the others find the schema current.
import type pg from 'pg';
import type { Logger } from 'pino';
import { pendingMigrations, type Migration, type RecordedMigration } from '../migration.js';
import type { MigrationReport } from '../types.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import { lockKey, schemaIdent } from './sql.js';

export interface PostgresMigrateDeps {
  pool: pg.Pool;
  schema: string;
  log: Logger;
  now: () => number;
}

export async function migratePostgres(deps: PostgresMigrateDeps, list: readonly Migration[] = POSTGRES_MIGRATIONS): Promise<MigrationReport> {
  const ident = schemaIdent(deps.schema);
  const client = await deps.pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [lockKey(deps.schema, 'migrate')]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident}`);
      await client.query(`SET LOCAL search_path TO ${ident}`);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)');
      const recorded = (await client.query<RecordedMigration>('SELECT id, name FROM schema_migrations ORDER BY id')).rows;
      const pending = pendingMigrations(list, recorded);
      for (const m of pending) {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [m.id, m.name, deps.now()]);
        deps.log.info({ migration: m.id, name: m.name, schema: deps.schema }, 'schema migration applied');
      }
      await client.query('COMMIT');
      const top = Math.max(0, ...recorded.map((r) => r.id), ...pending.map((m) => m.id));
      return { applied: pending.map((m) => m.id), current: top };
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => { broken = e; });
      throw err;
    }
  } finally {
    client.release(broken);
  }
}
