// The lifecycle contract (issue 21) against a real PostgreSQL (127.0.0.1:5432, database `test`), each store
// in a fresh schema of this run, all dropped at the end.
import t from 'tap';
import { needPeer, quietLog } from '../helpers/env.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';
import { lifecycleContract } from './lifecycle-contract.js';
import { openPostgresStore } from '../../central/storage/readings/postgres/store.js';

const schemas = pgSchemas('jb_lifecycle');

/** Parts of issue 21 the pg helper delivers (weekly raw partitions, the writer's dirty marks): skipped until then. */
const PENDING_PG_HELPER = {
  rawRemoval: 'removeRawBefore on PostgreSQL comes with the weekly readings partitions (pg helper)',
  ingestMarksDirty: 'the PostgreSQL writer marks late readings dirty (pg helper)',
};

t.test('PostgreSQL lifecycle', async (t) => {
  if (!needPeer(t, await pgReachable(), `PostgreSQL at ${PG_URL}`)) return;
  t.teardown(() => schemas.dropAll());
  lifecycleContract(t, {
    fresh: () => openPostgresStore({ connectionString: PG_URL, schema: schemas.next(), log: quietLog, maxConnections: 3 }),
    rollupRetention: 'years',
    pending: PENDING_PG_HELPER,
  });
});
