// Migration 6 ('note outputs and deliveries') over notes issued before it, on SQLite and PostgreSQL. A store
// at schema 5 holds final invoices of two customers, a held draft, and a credit and a debit note written
// as the store of that time wrote them (no delivery rows). Opened with every migration: each note reads
// back unchanged with the entity, month, customer and account of its invoice, waiting to be written and
// delivered (the next tick does both); the filters and the delivery records work on it; its row is still
// immutable; notes issued after the migration are numbered on from the counters.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import t, { type Test } from 'tap';
import { openPostgresBillingStore } from '../../central/storage/billing/postgres.js';
import { openSqliteBillingStore } from '../../central/storage/billing/sqlite.js';
import type { BillingStore } from '../../central/storage/billing/types.js';
import { migratePostgres } from '../../central/storage/postgres/migrate.js';
import { POSTGRES_MIGRATIONS } from '../../central/storage/postgres/migrations.js';
import { migrateSqlite } from '../../central/storage/sqlite/migrate.js';
import { SQLITE_MIGRATIONS } from '../../central/storage/sqlite/migrations.js';
import { draftOf } from '../../scripts/benches/invoice-drafts.js';
import { needPeer, quietLog } from '../helpers/env.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';
import { noteOf } from './billing-contract.js';

const T0 = Date.UTC(2026, 10, 1, 6);
const BEFORE = 5;

interface Sql {
  rows(sql: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

interface Kind {
  /** The database at schema version 5, as a node of that time left it. */
  atVersion5(): Promise<Sql>;
  open(): Promise<BillingStore & { close(): Promise<void> | void }>;
  raw(): Promise<Sql>;
}

function sqliteKind(): Kind {
  const file = join(mkdtempSync(join(tmpdir(), 'jb-note-migration-')), 'central.db');
  const sql = (db: Database.Database): Sql => ({
    rows: async (q, values = []) => {
      const st = db.prepare(q);
      return st.reader ? (st.all(...values) as Record<string, unknown>[]) : (st.run(...values), []);
    },
    close: async () => {
      db.close();
    },
  });
  return {
    atVersion5: async () => {
      const db = new Database(file);
      migrateSqlite(db, { log: quietLog, now: () => T0 }, SQLITE_MIGRATIONS.slice(0, BEFORE));
      return sql(db);
    },
    open: async () => openSqliteBillingStore({ file, log: quietLog, now: () => T0 }),
    raw: async () => sql(new Database(file)),
  };
}

function postgresKind(schema: string): Kind {
  const client = async (): Promise<Sql> => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`SET search_path TO "${schema}"`);
    return {
      rows: async (q, values = []) => {
        let i = 0;
        return (
          await c.query(
            q.replace(/\?/g, () => `$${++i}`),
            values,
          )
        ).rows as Record<string, unknown>[];
      },
      close: () => c.end(),
    };
  };
  return {
    atVersion5: async () => {
      const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
      try {
        await migratePostgres({ pool, schema, log: quietLog, now: () => T0 }, POSTGRES_MIGRATIONS.slice(0, BEFORE));
      } finally {
        await pool.end();
      }
      return client();
    },
    open: () => openPostgresBillingStore({ connectionString: PG_URL, schema, log: quietLog, now: () => T0, maxConnections: 3 }),
    raw: client,
  };
}

/** What the billing store of schema 5 wrote: a run of ams1, two final invoices and a held draft, a note on each final one. */
async function writeOldRows(db: Sql): Promise<void> {
  const [run] = await db.rows(
    `INSERT INTO invoice_runs (site, period, state, created_at, updated_at) VALUES ('ams1', '2026-10', 'complete', ?, ?) RETURNING id`,
    [T0, T0],
  );
  const insert = `INSERT INTO invoices (run_id, site, period, customer, account, status, number, currency, total, review, draft, created_at, finalized_at)
    VALUES (?, 'ams1', '2026-10', ?, ?, ?, ?, 'EUR', '10.00', '[]', ?, ?, ?)`;
  await db.rows(insert, [run!.id, 'acme', 'acme-labs', 'final', 'AMS1-2026-000001', JSON.stringify(draftOf('acme')), T0, T0]);
  await db.rows(insert, [run!.id, 'globex', 'globex', 'final', 'AMS1-2026-000002', JSON.stringify(draftOf('globex')), T0, T0]);
  await db.rows(insert, [run!.id, 'initech', 'initech', 'held', null, JSON.stringify(draftOf('initech')), T0, null]);
  const note = `INSERT INTO invoice_notes (number, invoice_number, kind, currency, total_delta, fingerprint, body, created_at)
    VALUES (?, ?, ?, 'EUR', ?, 'f-old', ?, ?)`;
  const cn = { ...noteOf('AMS1-2026-000001', 'credit', '-2.00'), account: 'acme-labs' };
  await db.rows(note, ['AMS1-CN-2026-000001', 'AMS1-2026-000001', 'credit', '-2.00', JSON.stringify(cn), T0 + 1]);
  const dn = { ...noteOf('AMS1-2026-000002', 'debit', '1.50'), customer: 'globex', account: 'globex' };
  await db.rows(note, ['AMS1-DN-2026-000001', 'AMS1-2026-000002', 'debit', '1.50', JSON.stringify(dn), T0 + 2]);
  await db.rows(
    `INSERT INTO document_counters (site, series, year, last) VALUES ('ams1', 'INV', 2026, 2), ('ams1', 'CN', 2026, 1), ('ams1', 'DN', 2026, 1)`,
  );
}

async function migrated(t: Test, kind: Kind): Promise<void> {
  const old = await kind.atVersion5();
  await writeOldRows(old);
  await old.close();
  const store = await kind.open();
  t.teardown(() => store.close());

  const all = await store.notes({});
  t.same(
    all.map((n) => [n.number, n.invoiceNumber, n.entity, n.period, n.customer, n.account, n.kind, n.totalDelta, n.createdAt]),
    [
      ['AMS1-CN-2026-000001', 'AMS1-2026-000001', 'ams1', '2026-10', 'acme', 'acme-labs', 'credit', '-2.00', T0 + 1],
      ['AMS1-DN-2026-000001', 'AMS1-2026-000002', 'ams1', '2026-10', 'globex', 'globex', 'debit', '1.50', T0 + 2],
    ],
    'the notes are there, with the entity, month, customer and account of their invoices',
  );
  t.same(all[0]!.note, { ...noteOf('AMS1-2026-000001', 'credit', '-2.00'), account: 'acme-labs' }, 'the note reads back as written');
  t.ok(
    all.every((n) => n.renderedAt === undefined && n.deliveredAt === undefined && n.deliveryAttempts === 0),
    'never written nor delivered before: both wait for the next tick',
  );
  t.same(
    (await store.notes({ delivered: false })).map((n) => n.number),
    ['AMS1-CN-2026-000001', 'AMS1-DN-2026-000001'],
  );
  t.same(
    (await store.notes({ customer: 'acme', account: 'acme-labs', kind: 'credit' })).map((n) => n.number),
    ['AMS1-CN-2026-000001'],
  );

  await store.markNoteRendered(all[0]!.id, T0 + 10);
  await store.recordNoteDelivery(all[0]!.id, { atMs: T0 + 11, ok: true });
  t.match(await store.note(all[0]!.id), { renderedAt: T0 + 10, deliveredAt: T0 + 11, deliveryAttempts: 1 });
  t.same(
    (await store.notes({ delivered: false })).map((n) => n.number),
    ['AMS1-DN-2026-000001'],
  );

  const made = await store.addNote(noteOf('AMS1-2026-000001', 'credit', '-1.00'), { fingerprint: 'f-new', atMs: T0 + 20, year: 2026 });
  t.match(made.note, { number: 'AMS1-CN-2026-000002', renderedAt: undefined, deliveryAttempts: 0 }, 'numbered on from the counter');

  const raw = await kind.raw();
  t.teardown(() => raw.close());
  await t.rejects(raw.rows(`UPDATE invoice_notes SET total_delta = '0.00'`), /immutable/, 'a note row is still immutable');
  await t.rejects(raw.rows(`DELETE FROM invoice_notes`), /immutable/);
  t.same(
    (await raw.rows('SELECT count(*) AS n FROM note_delivery')).map((r) => Number(r.n)),
    [3],
    'a delivery row per note',
  );
}

t.test('SQLite at schema 5, then every migration', async (t) => {
  await migrated(t, sqliteKind());
});

t.test('PostgreSQL at schema 5, then every migration', async (t) => {
  if (!needPeer(t, await pgReachable(), `PostgreSQL at ${PG_URL}`)) return;
  const schemas = pgSchemas('jb_note_migration');
  t.teardown(() => schemas.dropAll());
  await migrated(t, postgresKind(schemas.next()));
});
