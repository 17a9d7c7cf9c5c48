// The store throughput harness (scripts/benches/store-throughput.ts) still measures: a small run on SQLite.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { quietLog } from '../helpers/env.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import { measureStoreThroughput, trafficBatches } from '../../scripts/benches/store-throughput.js';

t.test('traffic: each message one poll of 200 channels with every measurement, sequences per gateway', async (t) => {
  const calls = trafficBatches({ calls: 2, gateways: 3 });
  t.equal(calls.length, 2);
  t.equal(calls[0]!.length, 10);
  const first = calls[0]![0]!;
  t.equal(first.kind, 'readings');
  if (first.kind !== 'readings') return;
  t.equal(first.message.readings.length, 200);
  t.equal(Object.keys(first.message.readings[0]!.values).length, 9);
  t.same(
    calls
      .flat()
      .filter((b) => b.gateway === 'gw-bench-1')
      .map((b) => b.kind === 'readings' && b.message.seq),
    [1, 2, 3, 4, 5, 6, 7],
  );
});

t.test('measures what it stored: every reading once, then only duplicates', async (t) => {
  const store = await openSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'jb-tp-')), 'c.db'), log: quietLog });
  t.teardown(() => store.close());
  let clock = 0;
  const opts = { calls: 3, readingsPerMessage: 20, gateways: 2, monotonicMs: () => (clock += 5) };
  const r = await measureStoreThroughput(store, opts);
  t.match(r, { readings: 600, inserted: 600, storeCalls: 3, callMsP50: 5, callMsMax: 5 });
  t.equal(r.readingsPerS, Math.round(600 / r.seconds));
  t.equal((await measureStoreThroughput(store, opts)).inserted, 0, 'the same traffic again: nothing new');
  t.same(await store.sequenceGaps('bench', 'gw-bench-0'), []);
  t.equal((await store.listSeries({ gateway: 'gw-bench-1' })).length, 20);
});
