// The machine's PostgreSQL for tests (127.0.0.1:5432, database `test`): reachability, and schemas named
// per run so parallel test files never meet, dropped at the end.
import pg from 'pg';

export const PG_URL = process.env.JB_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function pgReachable(url = PG_URL): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** A schema-name prefix unique to this process and run. */
export function runPrefix(area: string): string {
  return `jb_${area}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

export async function dropSchemas(prefix: string, url = PG_URL): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)', [prefix]);
    for (const r of rows) await c.query(`DROP SCHEMA "${r.nspname}" CASCADE`);
  } finally {
    await c.end();
  }
}
