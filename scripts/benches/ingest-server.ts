// The PostgreSQL server's own insert rate, for the ingest benchmark (issue 21): the readings the store
// just wrote are set aside in a temporary table, the readings table (same partitions, same key, same
// column order) is emptied, and the same rows go in again by INSERT ... SELECT ... ON CONFLICT DO NOTHING
// in statements of the store's group size, one after another, only the statements timed. No client
// encoding, no network, no series bookkeeping: what the store's rate is read against.
import pg from 'pg';

export interface ServerInsertResult {
  rows: number;
  rowsPerS: number;
  seconds: number;
}

export async function serverInsertRate(pgUrl: string, schema: string, rowsPerStatement: number): Promise<ServerInsertResult> {
  const db = new pg.Client({ connectionString: pgUrl });
  await db.connect();
  try {
    const s = `"${schema}"`;
    await db.query(
      `CREATE TEMP TABLE server_rows AS SELECT ((row_number() OVER (ORDER BY ts, series_id)) - 1) / ${rowsPerStatement} AS k, *
       FROM ${s}.readings`,
    );
    await db.query('CREATE INDEX ON server_rows (k)');
    await db.query('ANALYZE server_rows');
    const rows = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM server_rows')).rows[0]!.n);
    await db.query(`TRUNCATE ${s}.readings`);
    await db.query('CHECKPOINT').catch(() => undefined);
    const statements = Math.ceil(rows / rowsPerStatement);
    let ms = 0;
    for (let k = 0; k < statements; k++) {
      const t0 = performance.now();
      await db.query(
        `INSERT INTO ${s}.readings (ts, energy_import_kwh, power_w, series_id, quality, vals, flags)
         SELECT ts, energy_import_kwh, power_w, series_id, quality, vals, flags FROM server_rows WHERE k = $1 ON CONFLICT DO NOTHING`,
        [k],
      );
      ms += performance.now() - t0;
    }
    return { rows, rowsPerS: rows / (ms / 1000), seconds: ms / 1000 };
  } finally {
    await db.end();
  }
}
