// The storage contract against a real PostgreSQL (127.0.0.1:5432, database `test`), each store in a
// fresh schema of this run, all dropped at the end; plus what only a shared server can show: central
// instances migrating and writing the same gateway at the same time.
import pg from 'pg';
import t from 'tap';
import { needPeer, quietLog } from '../helpers/env.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';
import { storeContract } from './readings-contract.js';
import { reading, readingsBatch, SITE, GW, T0 } from './readings-fixtures.js';
import { migratePostgres } from '../../central/storage/postgres/migrate.js';
import { POSTGRES_MIGRATIONS } from '../../central/storage/postgres/migrations.js';
import { BadSchemaNameError, pgTypes } from '../../central/storage/postgres/sql.js';
import { openPostgresStore } from '../../central/storage/readings/postgres/store.js';

const URL = PG_URL;
const schemas = pgSchemas('jb_test');
const schema = () => schemas.next();

t.test('PostgreSQL store', async (t) => {
  if (!needPeer(t, await pgReachable(), `PostgreSQL at ${URL}`)) return;
  t.teardown(() => schemas.dropAll());

  t.test('contract', async (t) => {
    storeContract(t, {
      fresh: () => openPostgresStore({ connectionString: URL, schema: schema(), log: quietLog, maxConnections: 2 }),
      migrations: POSTGRES_MIGRATIONS.length,
    });
  });

  t.test('two central instances migrating one schema at once: one applies, the other waits and finds it current', async (t) => {
    const s = schema();
    const pools = [0, 1, 2, 3].map(() => new pg.Pool({ connectionString: URL, max: 1, types: pgTypes }));
    t.teardown(() => Promise.all(pools.map((p) => p.end())));
    const reports = await Promise.all(pools.map((pool) => migratePostgres({ pool, schema: s, log: quietLog, now: () => 7 })));
    const applied = reports.map((r) => r.applied.length).sort();
    t.same(applied, [0, 0, 0, POSTGRES_MIGRATIONS.length], 'the migrations were applied exactly once');
    t.ok(reports.every((r) => r.current === POSTGRES_MIGRATIONS.length));
    const { rows } = await pools[0]!.query(`SELECT id, name, applied_at FROM "${s}".schema_migrations ORDER BY id`);
    t.same(
      rows,
      POSTGRES_MIGRATIONS.map((m) => ({ id: m.id, name: m.name, applied_at: 7 })),
    );
  });

  t.test('two instances storing the same gateway at once: no deadlock, ranges merged, every reading once', async (t) => {
    const s = schema();
    const a = await openPostgresStore({ connectionString: URL, schema: s, log: quietLog });
    const b = await openPostgresStore({ connectionString: URL, schema: s, log: quietLog });
    t.teardown(async () => {
      await a.close();
      await b.close();
    });
    // Messages 1..40, each holding the same 20 channels at its own instant; both instances get every
    // other message plus a redelivery of the other's, in opposite orders.
    const msg = (seq: number) =>
      readingsBatch(
        seq,
        Array.from({ length: 20 }, (_, i) => reading(`m${i}`, 'total', T0 + seq * 1000, { energy_import_kwh: seq })),
      );
    const seqs = Array.from({ length: 40 }, (_, i) => i + 1);
    const work = (store: typeof a, mine: number[]) => Promise.all(mine.map((seq) => store.store([msg(seq), msg(41 - seq)])));
    const [ra, rb] = await Promise.all([
      work(
        a,
        seqs.filter((x) => x % 2 === 0),
      ),
      work(b, seqs.filter((x) => x % 2 === 1).reverse()),
    ]);
    const inserted = [...ra, ...rb].flat().reduce((sum, r) => sum + r.inserted, 0);
    const dups = [...ra, ...rb].flat().reduce((sum, r) => sum + r.duplicates, 0);
    t.equal(inserted, 800, 'each of the 800 readings inserted once');
    t.equal(dups, 800, 'and every other copy counted as a duplicate');
    t.same(await a.sequenceRanges(SITE, GW), [{ fromSeq: 1, toSeq: 40 }]);
    const series = await b.listSeries();
    t.equal(series.length, 20);
    t.ok(
      series.every((x) => x.readingCount === 40 && x.firstTs === T0 + 1000 && x.lastTs === T0 + 40_000),
      'series statistics exact',
    );
  });

  t.test('a failing migration rolls back whole and is not recorded; an unreachable server is an error, not a crash', async (t) => {
    const s = schema();
    const pool = new pg.Pool({ connectionString: URL, max: 1, types: pgTypes });
    t.teardown(() => pool.end());
    const deps = { pool, schema: s, log: quietLog, now: () => 1 };
    await migratePostgres(deps);
    const broken = [
      ...POSTGRES_MIGRATIONS,
      { id: POSTGRES_MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE ok_part (x int); CREATE TABLE nope (' },
    ];
    await t.rejects(migratePostgres(deps, broken));
    const { rows } = await pool.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [
      s,
      'ok_part',
    ]);
    t.same(rows, [], 'the part before the error is gone');
    t.same(await migratePostgres(deps), { applied: [], current: POSTGRES_MIGRATIONS.length }, 'nothing recorded');
    await t.rejects(openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', schema: schema(), log: quietLog }));
  });

  t.test('a schema name that would need quoting is refused before any connection', async (t) => {
    await t.rejects(openPostgresStore({ connectionString: URL, schema: 'Bad"; DROP', log: quietLog }), BadSchemaNameError);
  });
});
