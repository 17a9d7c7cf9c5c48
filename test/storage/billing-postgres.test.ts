// The billing storage contract against a real PostgreSQL (127.0.0.1:5432, database `test`), each fixture
// in a fresh schema of this run, all dropped at the end.
import pg from 'pg';
import t from 'tap';
import { needPeer, quietLog } from '../helpers/env.js';
import { billingContract, type BillingTarget } from './billing-contract.js';
import { noteContract } from './note-contract.js';
import { openPostgresBillingStore, type PostgresBillingStore } from '../../central/storage/billing/postgres.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';

const schemas = pgSchemas('jb_bill');

t.test('PostgreSQL billing store', async (t) => {
  if (!needPeer(t, await pgReachable(), `PostgreSQL at ${PG_URL}`)) return;
  t.teardown(() => schemas.dropAll());

  t.test('a pool of one connection is refused: the run lock would starve the run', async (t) => {
    await t.rejects(
      openPostgresBillingStore({ connectionString: PG_URL, schema: schemas.next(), log: quietLog, maxConnections: 1 }),
      RangeError,
    );
  });

  const target: BillingTarget = {
    fresh: async (now) => {
      const schema = schemas.next();
      const open = () => openPostgresBillingStore({ connectionString: PG_URL, schema, log: quietLog, now, maxConnections: 4 });
      const store = await open();
      const stores: PostgresBillingStore[] = [store];
      const raw = new pg.Pool({ connectionString: PG_URL, max: 1 });
      return {
        store,
        peer: async () => {
          const p = await open();
          stores.push(p);
          return p;
        },
        tamper: async (table, op, id) => {
          if (op === 'update') await raw.query(`UPDATE "${schema}".${table} SET currency = 'USD' WHERE id = $1`, [id]);
          else await raw.query(`DELETE FROM "${schema}".${table} WHERE id = $1`, [id]);
        },
        raw: async (sql) => {
          await raw.query(`SET search_path TO "${schema}"; ${sql}`);
        },
        close: async () => {
          await Promise.all(stores.map((s) => s.close()));
          await raw.end();
        },
      };
    },
  };

  t.test('contract', async (t) => {
    billingContract(t, target);
  });

  t.test('notes contract', async (t) => {
    noteContract(t, target);
  });
});
