// How every PostgreSQL store opens: its own pool (int8 read as numbers), a listener for idle clients that
// lose their server (without one the process would die), the schema's migrations applied, and the pool
// ended again when they fail, so a refused open leaves no connection behind.
import pg from 'pg';
import type { Logger } from 'pino';
import { migratePostgres } from './migrate.js';
import { pgTypes, schemaIdent } from './sql.js';

export interface PostgresOpenOptions {
  /** postgres://user@host:port/database */
  connectionString: string;
  /** Every table lives in this schema (created if missing). */
  schema: string;
  log: Logger;
  now?: () => number;
  /** Where the schema holds no tables of the central node: make them (default), or refuse (migrate.ts). */
  create?: 'if-missing' | 'never';
}

/** A migrated pool of at most maxConnections clients on the schema. */
export async function openMigratedPool(opts: PostgresOpenOptions, maxConnections: number): Promise<pg.Pool> {
  schemaIdent(opts.schema);
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: maxConnections, types: pgTypes });
  pool.on('error', (err) => opts.log.warn({ err }, 'idle PostgreSQL connection failed'));
  try {
    await migratePostgres({ pool, schema: opts.schema, log: opts.log, now: opts.now ?? Date.now, create: opts.create });
  } catch (err) {
    await pool.end();
    throw err;
  }
  return pool;
}
