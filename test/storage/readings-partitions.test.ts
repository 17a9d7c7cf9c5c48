// PostgreSQL readings by week (issue 21): migration 8 moves an unpartitioned store with data in place
// (and resumes when stopped half way), partitions are made on demand (also far in the past and future,
// and by two instances at once), retention drops whole partitions and keeps series counts true, and the
// COPY write path counts duplicates as the unnest insert did.
import pg from 'pg';
import t from 'tap';
import { needPeer, quietLog } from '../helpers/env.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';
import { reading, readingsBatch, T0 } from './readings-fixtures.js';
import { migratePostgres } from '../../central/storage/postgres/migrate.js';
import { POSTGRES_MIGRATIONS } from '../../central/storage/postgres/migrations.js';
import { pgTypes } from '../../central/storage/postgres/sql.js';
import { openPostgresStore, type PostgresStore } from '../../central/storage/readings/postgres/store.js';
import { ReadingPartitions } from '../../central/storage/readings/postgres/partitions.js';
import { WEEK_MS, weekStartMs } from '../../central/storage/readings/postgres/weeks.js';

const schemas = pgSchemas('jb_part');
const SERIES = 20;
const PER_SERIES = 500;
/** Legacy data: 20 series, 500 readings each at 1-minute, from T0. */
const LEGACY_SQL = (s: string) => `
  INSERT INTO "${s}".series (site, gateway, device, channel, first_ts, last_ts, reading_count)
    SELECT 'ams1', 'gw-1', 'm' || g, 'total', ${T0}, ${T0 + (PER_SERIES - 1) * 60_000}, ${PER_SERIES} FROM generate_series(1, ${SERIES}) g;
  INSERT INTO "${s}".readings (series_id, ts, energy_import_kwh, power_w, vals, flags, quality)
    SELECT s.id, ${T0} + k * 60000, 100 + k * 0.01, 200 + k % 7, CASE WHEN k % 3 = 0 THEN '{"v":230}' END, NULL,
      CASE WHEN k % 50 = 0 THEN 'estimated' ELSE 'good' END
    FROM "${s}".series s, generate_series(0, ${PER_SERIES - 1}) k;`;

t.test('PostgreSQL readings by week', async (t) => {
  if (!needPeer(t, await pgReachable(), `PostgreSQL at ${PG_URL}`)) return;
  t.teardown(() => schemas.dropAll());
  const raw = new pg.Pool({ connectionString: PG_URL, max: 2, types: pgTypes });
  t.teardown(() => raw.end());
  const open = async (schema: string) => {
    const s = await openPostgresStore({ connectionString: PG_URL, schema, log: quietLog, maxConnections: 3 });
    t.teardown(() => s.close());
    return s;
  };
  const before7 = async () => {
    const schema = schemas.next();
    const pool = new pg.Pool({ connectionString: PG_URL, max: 1, types: pgTypes });
    await migratePostgres({ pool, schema, log: quietLog, now: () => 1 }, POSTGRES_MIGRATIONS.slice(0, 7));
    await pool.end();
    await raw.query(LEGACY_SQL(schema));
    return schema;
  };
  const allRows = async (schema: string) =>
    (
      await raw.query(
        `SELECT series_id, ts, energy_import_kwh, power_w, vals, flags, quality FROM "${schema}".readings ORDER BY series_id, ts`,
      )
    ).rows;
  const shape = async (schema: string) =>
    (
      await raw.query<{ name: string; kind: string; bound: string | null }>(
        `SELECT c.relname AS name, c.relkind AS kind, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname LIKE 'readings%'
         ORDER BY 1`,
        [schema],
      )
    ).rows;
  const seriesTruth = async (schema: string) =>
    (
      await raw.query(
        `SELECT s.id, s.reading_count, s.first_ts, s.last_ts, count(r.ts)::int AS n, min(r.ts) AS lo, max(r.ts) AS hi
         FROM "${schema}".series s LEFT JOIN "${schema}".readings r ON r.series_id = s.id GROUP BY s.id ORDER BY s.id`,
      )
    ).rows as {
      id: number;
      reading_count: number;
      first_ts: number | null;
      last_ts: number | null;
      n: number;
      lo: number | null;
      hi: number | null;
    }[];

  t.test('an unpartitioned store with data is moved in place: every reading there once, reads unchanged', async (t) => {
    const schema = await before7();
    const rows = await allRows(schema);
    t.equal(rows.length, SERIES * PER_SERIES);
    const store = await open(schema);
    const parts = await shape(schema);
    t.equal(parts.find((p) => p.name === 'readings')?.kind, 'p', 'readings is partitioned');
    const legacy = parts.find((p) => p.name === 'readings_legacy');
    t.match(legacy?.bound, /^FOR VALUES FROM \(MINVALUE\) TO \('\d+'\)$/, 'the old table is the partition up to the cutover');
    const cut = Number(/TO \('(\d+)'\)/.exec(legacy!.bound!)![1]);
    t.equal(weekStartMs(cut), cut, 'the cutover is a Monday 00:00 UTC');
    t.ok(cut > T0 + PER_SERIES * 60_000, 'after every reading');
    t.ok(
      parts.some((p) => p.name.startsWith('readings_p')),
      'weekly partitions after it',
    );
    t.same(await allRows(schema), rows, 'the same rows, none lost or doubled');
    const series = (await store.listSeries()).find((s) => s.device === 'm3')!;
    const got = await store.readings(series.id, T0, T0 + 10 * 60_000);
    t.equal(got.length, 10);
    t.match(got[0], { ts: T0, values: { energy_import_kwh: 100, power_w: 200 }, quality: 'estimated' }, 'a row read as before');
    t.match(got[1], { ts: T0 + 60_000, quality: 'good' }, "'good' as stored before reads the same");
    // New readings after the cutover land in a weekly partition; late ones before it in the legacy table.
    const late = T0 + PER_SERIES * 60_000;
    const res = await store.store([
      readingsBatch(1, [
        reading('m3', 'total', late, { energy_import_kwh: 200 }),
        reading('m3', 'total', cut + 1000, { energy_import_kwh: 300 }),
      ]),
    ]);
    t.same(
      res.map((r) => [r.inserted, r.duplicates]),
      [[2, 0]],
    );
    t.equal((await raw.query(`SELECT count(*)::int AS n FROM "${schema}".readings_legacy`)).rows[0].n, SERIES * PER_SERIES + 1);
    t.same(
      (await seriesTruth(schema)).filter((s) => s.reading_count !== s.n || s.first_ts !== s.lo || s.last_ts !== s.hi),
      [],
      'series counts true',
    );
    // Retention up to the cutover drops the old table whole.
    t.equal(await store.rawRemovable(cut), SERIES * PER_SERIES + 1, 'what it would remove');
    const gone = await store.removeRawBefore(cut);
    t.same(gone, { removed: SERIES * PER_SERIES + 1, done: true, rawFromMs: cut });
    t.notOk(
      (await shape(schema)).some((p) => p.name.includes('legacy')),
      'no legacy table left',
    );
    const after = await seriesTruth(schema);
    t.same(
      after.filter((s) => s.reading_count !== s.n || s.first_ts !== s.lo || (s.n > 0 && s.last_ts !== s.hi)),
      [],
      'series counts true after',
    );
    t.equal(after.find((s) => s.id === series.id)?.reading_count, 1);
  });

  t.test('a migration stopped half way resumes', async (t) => {
    const schema = await before7();
    const rows = await allRows(schema);
    // Stopped after the prepared check and the first steps of migration 8 (rename, parent made), before ATTACH.
    await raw.query(
      `SET search_path TO "${schema}"; ALTER TABLE readings ADD CONSTRAINT readings_before_cutover CHECK (ts < ${weekStartMs(T0) + 4 * WEEK_MS}) NOT VALID`,
    );
    await raw.query(`ALTER TABLE "${schema}".readings RENAME TO readings_legacy`);
    await raw.query(`ALTER INDEX "${schema}".readings_pkey RENAME TO readings_legacy_pkey`);
    await raw.query(`CREATE TABLE "${schema}".readings (ts bigint NOT NULL, energy_import_kwh double precision, power_w double precision,
      series_id integer NOT NULL, quality text NOT NULL, vals text, flags text, PRIMARY KEY (series_id, ts)) PARTITION BY RANGE (ts)`);
    await raw.query('RESET search_path');
    const store = await open(schema);
    t.same(await allRows(schema), rows, 'every reading once');
    const legacy = (await shape(schema)).find((p) => p.name === 'readings_legacy');
    t.equal(legacy?.bound, `FOR VALUES FROM (MINVALUE) TO ('${weekStartMs(T0) + 4 * WEEK_MS}')`, 'the cutover of the first attempt kept');
    t.equal((await store.listSeries()).length, SERIES);
  });

  t.test('partitions on demand, far in the past and the future', async (t) => {
    const schema = schemas.next();
    const store = await open(schema);
    const past = Date.UTC(1995, 2, 1, 12);
    const future = Date.UTC(2091, 10, 30, 23);
    const res = await store.store([
      readingsBatch(1, [reading('m', 'total', past, { energy_import_kwh: 1 }), reading('m', 'total', future, { energy_import_kwh: 2 })]),
    ]);
    t.same(
      res.map((r) => r.inserted),
      [2],
    );
    const names = (await shape(schema)).map((p) => p.name);
    t.ok(names.includes('readings_p19950227'), 'the week of 1995-03-01 (Monday 27 February)');
    t.ok(names.includes('readings_p20911126'), 'the week of 2091-11-30');
    t.notOk(names.includes('readings_legacy'), 'a new store has no legacy partition');
    const id = (await store.listSeries())[0]!.id;
    t.same(
      (await store.readings(id, 0, Date.UTC(2100, 0, 1))).map((r) => r.ts),
      [past, future],
    );
  });

  t.test('two instances making the same partitions at once', async (t) => {
    const schema = schemas.next();
    await (await openPostgresStore({ connectionString: PG_URL, schema, log: quietLog, maxConnections: 1 })).close();
    const pools = [0, 1].map(() => new pg.Pool({ connectionString: PG_URL, max: 2, types: pgTypes }));
    t.teardown(() => Promise.all(pools.map((p) => p.end())));
    const parts = pools.map((pool) => new ReadingPartitions({ pool, schema }));
    for (let k = 0; k < 5; k++) {
      const from = Date.UTC(2030, 0, 1) + k * 10 * WEEK_MS;
      await Promise.all(parts.map((p) => p.ensure(from, from + 3 * WEEK_MS)));
    }
    const weeks = (await parts[0]!.list()).filter((p) => p.fromMs >= Date.UTC(2029, 11, 30));
    t.equal(weeks.length, 5 * 4, 'every week once');
  });

  t.test('retention drops exactly the whole partitions before the cutoff; counts stay true; a stopped drop resumes', async (t) => {
    const schema = schemas.next();
    const store = await open(schema);
    const w0 = weekStartMs(Date.UTC(2031, 0, 1));
    const batch = (seq: number, week: number, dev: string, n: number) =>
      readingsBatch(
        seq,
        Array.from({ length: n }, (_x, i) => reading(dev, 'total', w0 + week * WEEK_MS + i * 3_600_000, { energy_import_kwh: i })),
      );
    await store.store([batch(1, 0, 'a', 10), batch(2, 1, 'a', 10), batch(3, 2, 'a', 10), batch(4, 0, 'b', 5), batch(5, 2, 'c', 3)]);
    const cutoff = w0 + WEEK_MS + 86_400_000; // inside week 1: only week 0 goes
    const before = await store.rawRemovable(cutoff);
    t.ok(before >= 15 || before === 0, `rawRemovable estimate ${before}`);
    await raw.query(`ANALYZE "${schema}".readings`);
    t.equal(await store.rawRemovable(cutoff), 15, 'exact once analyzed');
    // A drop stopped after its DETACH: the next call finishes it first.
    const parts = new ReadingPartitions({ pool: raw, schema });
    const name = (await parts.list()).find((p) => p.fromMs === w0)!.name;
    await raw.query(`ALTER TABLE "${schema}".readings DETACH PARTITION "${schema}".${name}`);
    await raw.query(`ALTER TABLE "${schema}".${name} RENAME TO readings_x_${name}`);
    const r = await store.removeRawBefore(cutoff);
    t.same(r, { removed: 15, done: true, rawFromMs: w0 + WEEK_MS });
    const truth = await seriesTruth(schema);
    t.same(
      truth.filter((s) => s.reading_count !== s.n || s.first_ts !== s.lo || (s.n > 0 && s.last_ts !== s.hi)),
      [],
      'counts true',
    );
    t.same(
      truth.map((s) => s.n),
      [20, 0, 3],
    );
    t.same(truth[1], { ...truth[1], first_ts: null, last_ts: null, reading_count: 0 }, 'a series with nothing left');
    t.same(await store.removeRawBefore(cutoff), { removed: 0, done: true, rawFromMs: w0 + WEEK_MS }, 'nothing more');
    // A late reading for the dropped week gets a new partition (another instance's cache is stale too).
    const other = await open(schema);
    const late = await other.store([batch(6, 0, 'b', 1)]);
    t.same(
      late.map((x) => x.inserted),
      [1],
    );
  });

  t.test('COPY writes: the same batch twice is stored once; counts and dirty marks right', async (t) => {
    const schema = schemas.next();
    const store: PostgresStore = await open(schema);
    const b1 = readingsBatch(1, [
      reading('m', 'total', T0, { energy_import_kwh: 1 }),
      reading('m', 'total', T0 + 60_000, { energy_import_kwh: 2 }),
    ]);
    const b2 = readingsBatch(3, [reading('m', 'total', T0 + 120_000, { energy_import_kwh: 3 })]);
    t.same(
      (await store.store([b1])).map((r) => [r.inserted, r.duplicates]),
      [[2, 0]],
    );
    t.same(
      (await store.store([b1, b2, b1])).map((r) => [r.inserted, r.duplicates]),
      [
        [0, 2],
        [1, 0],
        [0, 2],
      ],
    );
    t.same(
      (await store.store([b1])).map((r) => [r.inserted, r.duplicates]),
      [[0, 2]],
      'one batch alone',
    );
    const s = (await store.listSeries())[0]!;
    t.match(s, { readingCount: 3, firstTs: T0, lastTs: T0 + 120_000 });
    await raw.query(`UPDATE "${schema}".series SET rolled_to_ms = $1`, [T0 + 600_000]);
    await store.store([
      readingsBatch(4, [
        reading('m', 'total', T0 + 300_000, { energy_import_kwh: 4 }),
        reading('m', 'total', T0 + 900_000, { energy_import_kwh: 5 }),
      ]),
    ]);
    t.same(
      (await raw.query(`SELECT dirty_from_ms AS d FROM "${schema}".series`)).rows,
      [{ d: T0 + 300_000 }],
      'dirty from the earliest new reading before the watermark',
    );
    await store.store([readingsBatch(6, [reading('m', 'total', T0 + 900_000, { energy_import_kwh: 5 })])]);
    await store.store([readingsBatch(7, [reading('m', 'total', T0 + 60_000, { energy_import_kwh: 2 })])]);
    t.same((await raw.query(`SELECT dirty_from_ms AS d FROM "${schema}".series`)).rows, [{ d: T0 + 300_000 }], 'duplicates mark nothing');
    await store.store([readingsBatch(8, [reading('m', 'total', T0 + 500_000, { energy_import_kwh: 4.7 })])]);
    t.same(
      (await raw.query(`SELECT dirty_from_ms AS d FROM "${schema}".series`)).rows,
      [{ d: T0 + 300_000 - 1 }],
      'a later one moves the mark 1 ms',
    );
  });
});
