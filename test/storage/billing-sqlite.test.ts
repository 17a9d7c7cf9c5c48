// The billing storage contract against the embedded SQLite file, and its document numbers.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { quietLog } from '../helpers/env.js';
import { billingContract, type BillingTarget } from './billing-contract.js';
import { noteContract } from './note-contract.js';
import { documentNumber } from '../../central/storage/billing/types.js';
import { openSqliteBillingStore } from '../../central/storage/billing/sqlite.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-billing-'));
let n = 0;
const LEASE_MS = 60_000;

const target: BillingTarget = {
  leaseMs: LEASE_MS,
  fresh: async (now) => {
    const file = join(dir, `central-${++n}.db`);
    // The central store made the file and its schema; billing opens its own connections beside it.
    await (await openSqliteStore({ file, log: quietLog })).close();
    const open = () => openSqliteBillingStore({ file, log: quietLog, now, leaseMs: LEASE_MS });
    const store = open();
    const peers = [store];
    return {
      store,
      peer: async () => {
        const p = open();
        peers.push(p);
        return p;
      },
      tamper: async (table, op, id) => {
        const db = new Database(file);
        try {
          if (op === 'update') db.prepare(`UPDATE ${table} SET currency = 'USD' WHERE id = ?`).run(id);
          else db.prepare(`DELETE FROM ${table} WHERE id = ?`).run(id);
        } finally {
          db.close();
        }
      },
      raw: async (sql) => {
        const db = new Database(file);
        try {
          db.exec(sql);
        } finally {
          db.close();
        }
      },
      close: async () => {
        for (const p of peers) p.close();
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

t.test('document numbers', async (t) => {
  t.equal(documentNumber('ams1', 2026, 123), 'AMS1-2026-000123');
  t.equal(documentNumber('sin-2', 2027, 4, 'CN'), 'SIN-2-CN-2027-000004');
  t.equal(documentNumber('x', 2026, 1_234_567), 'X-2026-1234567', 'past a million the number grows a digit');
});
