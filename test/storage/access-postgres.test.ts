// The access and model edit storage contracts (API users, tokens, sessions; model edits) against a real
// PostgreSQL.
import pg from 'pg';
import t from 'tap';
import { needPeer, quietLog } from '../helpers/env.js';
import { accessContract, type AccessFixture } from './access-contract.js';
import { editsContract, type EditFixture } from './edits-contract.js';
import { openPostgresAccessStore, type PostgresAccessStore } from '../../central/storage/access/postgres.js';
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

  t.test('an unreachable server is an error, not a crash', async (t) => {
    await t.rejects(openPostgresAccessStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', schema: 'x', log: quietLog }));
  });
});
