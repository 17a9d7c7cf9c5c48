// Bytes per reading at rest in PostgreSQL (issue 21): readings of `series` channels at 1-minute with
// energy and power, stored through the store's own ingest path, then pg_total_relation_size / rows.
import pg from 'pg';
import { pino } from 'pino';
import { SCHEMA_VERSION } from '../../protocol/wire.js';
import type { Reading } from '../../protocol/reading.js';
import { openPostgresStore } from '../../central/storage/readings/postgres/store.js';
import type { IngestBatch } from '../../central/storage/readings/types.js';
import { ReadingPartitions } from '../../central/storage/readings/postgres/partitions.js';

export interface RowSizeSpec {
  url: string;
  schema: string;
  series: number;
  minutes: number;
  startMs: number;
  /** Readings per store() call. */
  perCall?: number;
}

/** Loads the readings and returns the relation sizes of `readings` (all partitions) and the row count. */
export async function loadReadings(s: RowSizeSpec): Promise<{ rows: number; seconds: number }> {
  const store = await openPostgresStore({ connectionString: s.url, schema: s.schema, log: pino({ level: 'warn' }) });
  const perCall = s.perCall ?? 10_000;
  let seq = 1;
  let pending: IngestBatch[] = [];
  let inCall = 0;
  let rows = 0;
  const t0 = performance.now();
  const flush = async () => {
    if (pending.length === 0) return;
    for (const r of await store.store(pending)) rows += r.inserted;
    pending = [];
    inCall = 0;
  };
  try {
    for (let m = 0; m < s.minutes; m++) {
      const ts = s.startMs + m * 60_000;
      // One message per 200 channels, as a gateway polls them.
      for (let first = 0; first < s.series; first += 200) {
        const readings: Reading[] = [];
        for (let i = first; i < Math.min(s.series, first + 200); i++) {
          readings.push({
            device: `pdu-${Math.floor(i / 12)}`,
            channel: `outlet-${i % 12}`,
            ts,
            quality: 'good',
            values: { energy_import_kwh: 100 + i + m * 0.005, power_w: 200 + ((i * 7 + m) % 50) },
          });
        }
        const gateway = `gw-${first / 200}`;
        pending.push({
          kind: 'readings',
          site: 'size',
          gateway,
          receivedAt: ts + 50,
          message: { v: SCHEMA_VERSION, gateway, boot: 'b', seq, seqEnd: seq, sentAt: ts, historical: false, readings },
        });
        seq++;
        inCall += readings.length;
        if (inCall >= perCall) await flush();
      }
    }
    await flush();
  } finally {
    await store.close();
  }
  return { rows, seconds: (performance.now() - t0) / 1000 };
}

export async function readingsBytes(url: string, schema: string): Promise<{ heap: number; index: number; total: number; rows: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ heap: string; idx: string; total: string; rows: string }>(
      `SELECT sum(pg_table_size(c.oid)) AS heap, sum(pg_indexes_size(c.oid)) AS idx, sum(pg_total_relation_size(c.oid)) AS total,
        (SELECT count(*) FROM ${JSON.stringify(schema)}.readings) AS rows
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind = 'r' AND (c.relname = 'readings' OR c.relname LIKE 'readings\\_%')`,
      [schema],
    );
    const x = r.rows[0]!;
    return { heap: Number(x.heap), index: Number(x.idx), total: Number(x.total), rows: Number(x.rows) };
  } finally {
    await c.end();
  }
}

const main = async () => {
  const url = process.env.JB_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = process.env.JB_SCHEMA ?? `jb_rowsize_${process.pid}`;
  const l = await loadReadings({
    url,
    schema,
    series: Number(process.env.JB_SERIES ?? 2000),
    minutes: Number(process.env.JB_MINUTES ?? 1000),
    startMs: Date.UTC(2026, 0, 5),
  });
  const b = await readingsBytes(url, schema);
  const per = (x: typeof b) => ({ perReading: x.total / x.rows, heapPer: x.heap / x.rows, indexPer: x.index / x.rows });
  process.stdout.write(JSON.stringify({ ...l, ...b, ...per(b), schema }) + '\n');
  // The closed weeks' key indexes rebuilt packed (what the lifecycle pass does with packClosed).
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const packed = await new ReadingPartitions({ pool, schema }).packClosed(Number.MAX_SAFE_INTEGER);
    const a = await readingsBytes(url, schema);
    process.stdout.write(JSON.stringify({ packed, ...a, ...per(a) }) + '\n');
  } finally {
    await pool.end();
  }
};
if (process.argv[1]?.endsWith('pg-row-size.js')) void main();
