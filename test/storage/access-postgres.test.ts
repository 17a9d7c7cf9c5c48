// The access and model edit storage contracts (API users, tokens, sessions; model edits) against a real
// PostgreSQL.
import pg from 'pg';
import t from 'tap';
import { needPeer, quietLog } from '../helpers/env.js';
import { accessContract, type AccessFixture } from './access-contract.js';
import { editsContract, type EditFixture } from './edits-contract.js';
import { openPostgresAccessStore, type PostgresAccessStore } from '../../central/storage/access/postgres.js';
import { migratePostgres } from '../../central/storage/postgres/migrate.js';
import { POSTGRES_MIGRATIONS } from '../../central/storage/postgres/migrations.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';

const schemas = pgSchemas('jb_access');

t.test('PostgreSQL access store', async (t) => {
  if (!needPeer(t, await pgReachable(), `PostgreSQL at ${PG_URL}`)) return;
  t.teardown(() => schemas.dropAll());

  t.test('contract', async (t) => {
    const fresh = async (): Promise<AccessFixture & EditFixture> => {
      const schema = schemas.next();
      const store = await openPostgresAccessStore({ connectionString: PG_URL, schema, log: quietLog });
      const raw = new pg.Pool({ connectionString: PG_URL, max: 1 });
      const peers: PostgresAccessStore[] = [];
      return {
        store,
        tamper: async (op, seq) => {
          await raw.query(
            op === 'update'
              ? `UPDATE "${schema}".model_edits SET by_user = 'x' WHERE seq = $1`
              : `DELETE FROM "${schema}".model_edits WHERE seq = $1`,
            [seq],
          );
        },
        peer: async () => {
          peers.push(await openPostgresAccessStore({ connectionString: PG_URL, schema, log: quietLog }));
          return peers[peers.length - 1]!;
        },
        close: async () => {
          for (const p of peers) await p.close();
          await store.close();
          await raw.end();
        },
      };
    };
    accessContract(t, fresh);
    editsContract(t, fresh);
  });

  t.test('migration 5 widens the kinds of edits and keeps every edit stored before it', async (t) => {
    const schema = schemas.next();
    const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
    t.teardown(() => pool.end());
    await migratePostgres({ pool, schema, log: quietLog, now: () => 1 }, POSTGRES_MIGRATIONS.slice(0, 4));
    const insert = (kind: string, at: number) =>
      pool.query(`INSERT INTO "${schema}".model_edits (kind, by_user, at, body) VALUES ($1, 'ops', $2, '{}')`, [kind, at]);
    await insert('assignment', 5);
    await insert('tariff', 6);
    await t.rejects(insert('contract', 7), /model_edits_kind_check/, 'before: two kinds only');
    const store = await openPostgresAccessStore({ connectionString: PG_URL, schema, log: quietLog });
    t.teardown(() => store.close());
    t.same(
      (await store.edits('assignment')).map((e) => [e.seq, e.at]),
      [[1, 5]],
    );
    const seq = await store.lastEditSeq();
    t.ok(seq >= 2, 'the tariff edit is there too');
    t.ok(await store.appendEdit('utility-price', { by: 'ops', at: 8, body: { site: 'ams1' } }, seq), 'a new kind is stored');
    await t.rejects(
      pool.query(`DELETE FROM "${schema}".model_edits WHERE kind = 'utility-price'`),
      /an edit is history/,
      'still append-only',
    );
  });

  t.test('an unreachable server is an error, not a crash', async (t) => {
    await t.rejects(openPostgresAccessStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', schema: 'x', log: quietLog }));
  });
});
