// The SQLite writer thread's own side: one connection of its own, one SqliteWriter, one plan at a time
// in the order they arrive. It answers each plan after its COMMIT, so a reply means durably stored.
import { parentPort, workerData } from 'node:worker_threads';
import type { WritePlan } from '../plan.js';
import { openSqliteFile } from '../../sqlite/open.js';
import { errorReply, type ThreadReply, type ThreadRequest } from './writer-thread-protocol.js';
import { SqliteWriter } from './writer.js';

const port = parentPort!;
const send = (r: ThreadReply) => port.postMessage(r);

try {
  const db = openSqliteFile((workerData as { file: string }).file, { readings: true });
  const writer = new SqliteWriter({ db });
  port.on('message', (m: ThreadRequest) => {
    if (m.type === 'close') {
      db.close();
      port.close();
      return;
    }
    try {
      send({ type: 'written', id: m.id, results: writer.write(m.plan as WritePlan) });
    } catch (err) {
      send({ type: 'refused', id: m.id, error: errorReply(err) });
    }
  });
  send({ type: 'ready' });
} catch (err) {
  send({ type: 'failed', error: errorReply(err) });
}
