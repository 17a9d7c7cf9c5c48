// The access and model edit storage contracts against the embedded SQLite file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { quietLog } from '../helpers/env.js';
import { accessContract, type AccessFixture } from './access-contract.js';
import { editsContract, type EditFixture } from './edits-contract.js';
import { openSqliteAccessStore, type SqliteAccessStore } from '../../central/storage/access/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-access-'));
let n = 0;

t.test('contract', async (t) => {
  const fresh = async (): Promise<AccessFixture & EditFixture> => {
    const file = join(dir, `central-${++n}.db`);
    const store = openSqliteAccessStore({ file, log: quietLog });
    const peers: SqliteAccessStore[] = [];
    return {
      store,
      tamper: async (op, seq) => {
        const db = new Database(file);
        try {
          db.prepare(op === 'update' ? "UPDATE model_edits SET by_user = 'x' WHERE seq = ?" : 'DELETE FROM model_edits WHERE seq = ?').run(
            seq,
          );
        } finally {
          db.close();
        }
      },
      peer: async () => {
        peers.push(openSqliteAccessStore({ file, log: quietLog }));
        return peers[peers.length - 1]!;
      },
      close: async () => {
        for (const p of peers) await p.close();
        await store.close();
      },
    };
  };
  accessContract(t, fresh);
  editsContract(t, fresh);
});

t.test('a file that is not a database is refused', async (t) => {
  const file = join(dir, 'broken.db');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, 'not a database at all, but long enough to have a header of some sort'.repeat(100));
  t.throws(() => openSqliteAccessStore({ file, log: quietLog }), {
    name: 'DatabaseRefusedError',
    problem: 'damaged',
    message: `${file}: not a SQLite database`,
  });
});
