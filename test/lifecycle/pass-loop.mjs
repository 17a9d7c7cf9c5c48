// A central node's lifecycle passes, in a loop, for kill.test.ts to end with SIGKILL at random points: the
// rollup builder then retention, over and over, on the store the environment names. It runs the compiled
// code (dist/, `npm run build`) as the node does, and says on stdout which part it enters, so the test
// knows where each kill landed. Small chunks and batches make many writes, so a kill finds one under way.
import { pino } from 'pino';
import { RollupBuilder } from '../../dist/central/lifecycle/builder.js';
import { runRetentionPass } from '../../dist/central/lifecycle/retention.js';
import { openPostgresStore } from '../../dist/central/storage/readings/postgres/store.js';
import { openSqliteStore } from '../../dist/central/storage/readings/sqlite/store.js';

const env = process.env;
const log = pino({ level: 'silent' });
const nowMs = Number(env.JB_PROOF_NOW);
const clock = { now: () => nowMs };
const store = env.JB_PROOF_SQLITE
  ? await openSqliteStore({ file: env.JB_PROOF_SQLITE, log, now: clock.now })
  : await openPostgresStore({
      connectionString: env.JB_PROOF_PG_URL,
      schema: env.JB_PROOF_PG_SCHEMA,
      log,
      now: clock.now,
      maxConnections: 2,
    });
const builder = new RollupBuilder({
  store,
  timeZoneOf: () => env.JB_PROOF_ZONE,
  clock,
  log,
  intervalMin: 15,
  limits: { series: 2, days: 1 },
});
const retention = { store, entities: () => [], clock, settings: { rawDays: Number(env.JB_PROOF_RAW_DAYS), rollupYears: 10 } };
const say = (line) => new Promise((resolve) => process.stdout.write(`${line}\n`, resolve));

for (let pass = 1; ; pass++) {
  await say(`rollups ${pass}`);
  const r = await builder.pass();
  await say(`retention ${pass} built=${r.days}`);
  const k = await runRetentionPass(retention, { batchRows: 200, maxBatches: 3 });
  await say(`idle ${pass} removed=${k.rawRemoved}`);
}
