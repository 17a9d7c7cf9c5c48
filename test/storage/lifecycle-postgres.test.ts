// The lifecycle contract (issue 21) against a real PostgreSQL (127.0.0.1:5432, database `test`), each store
// in a fresh schema of this run, all dropped at the end.
import t from 'tap';
import { needPeer, quietLog } from '../helpers/env.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';
import { lifecycleContract } from './lifecycle-contract.js';
import { openPostgresStore } from '../../central/storage/readings/postgres/store.js';

const schemas = pgSchemas('jb_lifecycle');

/**
 * The contract's raw removal is row-exact in bounded batches (SQLite's); PostgreSQL drops whole weekly
 * partitions instead, so a cutoff inside a week removes nothing of it: readings-partitions.test.ts shows that.
 */
const NOT_ON_POSTGRES = {
  rawRemoval: 'PostgreSQL removes whole weekly partitions, not rows before the cutoff (test/storage/readings-partitions.test.ts)',
};

t.test('PostgreSQL lifecycle', async (t) => {
  if (!needPeer(t, await pgReachable(), `PostgreSQL at ${PG_URL}`)) return;
  t.teardown(() => schemas.dropAll());
  lifecycleContract(t, {
    fresh: () => openPostgresStore({ connectionString: PG_URL, schema: schemas.next(), log: quietLog, maxConnections: 3 }),
    rollupRetention: 'years',
    pending: NOT_ON_POSTGRES,
  });
});
