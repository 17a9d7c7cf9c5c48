// PostgreSQL for tests: the server of this machine (or JB_TEST_PG_URL), a fresh schema per use, every
// schema of the run dropped at the end so parallel test files never collide.
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

/** Schema names unique to this process and call; dropAll() drops every one that was created. */
export function pgSchemas(prefix: string, url = PG_URL): { next(): string; dropAll(): Promise<void> } {
  const run = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let n = 0;
  return {
    next: () => `${run}_${++n}`,
    async dropAll() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const { rows } = await c.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)', [run]);
      for (const r of rows) await c.query(`DROP SCHEMA "${r.nspname}" CASCADE`);
      await c.end();
    },
  };
}
