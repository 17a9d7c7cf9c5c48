// The SQLite writer thread: writes on a connection of its own, errors and shutdown carried back.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import t from 'tap';
import { quietLog } from '../helpers/env.js';
import { reading, readingsBatch, T0 } from './readings-fixtures.js';
import { planWrite } from '../../central/storage/readings/plan.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import { SqliteWriterThread } from '../../central/storage/readings/sqlite/writer-thread.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-writer-thread-'));
let n = 0;
const file = () => join(dir, `central-${++n}.db`);
const plan = (seq: number, ts = T0 + seq) =>
  planWrite([readingsBatch(seq, [reading('m1', 'total', ts, { energy_import_kwh: seq, power_w: 5 })])]);

t.test('a write the database refuses fails with its code; the thread goes on with the next', async (t) => {
  const f = file();
  const migrated = await openSqliteStore({ file: f, log: quietLog });
  const thread = new SqliteWriterThread({ file: f, log: quietLog });
  t.teardown(async () => {
    await thread.close();
    await migrated.close();
  });
  const bad = plan(1);
  bad.readings.quality[0] = null as unknown as string;
  await t.rejects(thread.write(bad), { code: 'SQLITE_CONSTRAINT_NOTNULL' });
  t.same(await thread.write(plan(2)), [{ inserted: 1, duplicates: 0 }]);
  t.same(await thread.write(plan(2)), [{ inserted: 0, duplicates: 1 }], 'a replay is a duplicate');
  const s = await migrated.findSeries({ site: 'ams1', gateway: 'gw-1', device: 'm1', channel: 'total' });
  t.same(
    (await migrated.readings(s!.id, T0, T0 + 10)).map((r) => r.values),
    [{ energy_import_kwh: 2, power_w: 5 }],
    'the main connection reads what the thread committed',
  );
});

t.test('a thread that dies fails what it held; the next write starts another', async (t) => {
  const f = file();
  const store = await openSqliteStore({ file: f, log: quietLog });
  const workers: Worker[] = [];
  const thread = new SqliteWriterThread({
    file: f,
    log: quietLog,
    spawn: (entry, workerData) => {
      const w = new Worker(entry, { workerData });
      workers.push(w);
      return w;
    },
  });
  t.teardown(async () => {
    await thread.close();
    await store.close();
  });
  await thread.start();
  const held = thread.write(plan(1));
  await workers[0]!.terminate();
  await t.rejects(held, /exited/);
  t.same(await thread.write(plan(2)), [{ inserted: 1, duplicates: 0 }]);
  t.equal(workers.length, 2, 'a second thread');
});

t.test('a file the thread cannot open fails its start; a closed thread takes no writes', async (t) => {
  const nowhere = new SqliteWriterThread({ file: join(dir, 'missing', 'dir', 'c.db'), log: quietLog });
  await t.rejects(nowhere.start(), { name: 'TypeError', message: /directory does not exist/ });
  await nowhere.close();
  await t.rejects(nowhere.write(plan(1)), /closed/);
  const f = file();
  const store = await openSqliteStore({ file: f, log: quietLog, writerThread: true });
  await store.store([readingsBatch(1, [reading('m1', 'total', T0, { energy_import_kwh: 1 })])]);
  await store.close();
  await t.rejects(store.store([readingsBatch(2, [reading('m1', 'total', T0 + 1, { energy_import_kwh: 1 })])]), /closed/);
});
