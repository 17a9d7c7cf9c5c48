// One PostgreSQL transaction on a pooled client, for the rollup and retention statements.
import type pg from 'pg';

/** BEGIN, fn, COMMIT; ROLLBACK on an error (a client whose ROLLBACK failed is not given back to the pool). */
export async function withTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let broken: Error | undefined;
  try {
    await c.query('BEGIN');
    try {
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
      throw err;
    }
  } finally {
    c.release(broken);
  }
}
