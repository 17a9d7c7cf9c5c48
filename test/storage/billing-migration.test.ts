// Migration 4 ('invoices per billing account') over invoices issued before it, on SQLite and PostgreSQL. A
// store at schema 3 holds a final invoice and a debit note of the old shape (a draft with one `site`, no
// account, entity or sections), made by priceInvoice and noteFor of the code before issue 19
// (test/fixtures/billing/invoice-before-accounts.json), plus a held draft. Opened with every migration: the
// invoice is still there, final and immutable, its account its customer; draft and note read back in
// today's shape and render; the unique key is per account and currency, so two accounts of one customer
// share a run;
// numbers and late-data notes go on from where they were.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import t, { type Test } from 'tap';
import { noteFor } from '../../central/billing/notes.js';
import { priceInvoice } from '../../central/billing/price.js';
import { parseCsv, renderInvoiceCsv } from '../../central/billing/render/csv.js';
import type { InvoiceDocument } from '../../central/billing/render/document.js';
import { renderInvoiceJson } from '../../central/billing/render/json.js';
import { renderInvoicePdf } from '../../central/billing/render/pdf.js';
import { effectiveInvoice } from '../../central/billing/run/recheck.js';
import type { InvoiceDraft } from '../../central/billing/types.js';
import { heldPointsEnergy } from '../../central/energy/group.js';
import { TariffVersion } from '../../central/model/tariffs/tariff.js';
import { openPostgresBillingStore } from '../../central/storage/billing/postgres.js';
import { openSqliteBillingStore } from '../../central/storage/billing/sqlite.js';
import { InvoiceImmutableError, type BillingStore } from '../../central/storage/billing/types.js';
import { migratePostgres } from '../../central/storage/postgres/migrate.js';
import { POSTGRES_MIGRATIONS } from '../../central/storage/postgres/migrations.js';
import { migrateSqlite } from '../../central/storage/sqlite/migrate.js';
import { SQLITE_MIGRATIONS } from '../../central/storage/sqlite/migrations.js';
import { monthPeriod } from '../../common/local-time.js';
import { needPeer, quietLog } from '../helpers/env.js';
import { memorySeries } from '../helpers/memory-source.js';
import { pdfText } from '../helpers/pdf.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';
import { synthesize } from '../helpers/synthetic.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 1, 6);
const OLD = JSON.parse(readFileSync(new URL('../fixtures/billing/invoice-before-accounts.json', import.meta.url), 'utf8')) as {
  draft: Record<string, unknown>;
  note: Record<string, unknown>;
};

// What the fixture was priced from: 2 kW (the invoice), 2.1 kW (the recomputation its note is for) on one
// PDU of acme at ams1 in October 2026, 15-minute readings, this tariff.
const period = monthPeriod('2026-10', 'Europe/Amsterdam');
const VERSIONS = [
  TariffVersion.parse({
    version: 'v1',
    validFrom: '2026-01-01',
    currency: 'EUR',
    energyPricePerKwh: '0.21',
    overheadFactor: '1.3',
    touWindows: [{ name: 'peak', days: 'weekdays', fromHour: 8, toHour: 20, pricePerKwh: '0.27' }],
    fixedFees: [{ name: 'Rack space', amountPerMonth: '450.00' }],
    taxes: [{ name: 'BTW', ratePct: '21' }],
  }),
];
function todaysDraft(kW: number): InvoiceDraft {
  const s = synthesize({
    fromMs: period.fromMs - H,
    toMs: period.toMs + H,
    stepMs: 15 * 60_000,
    startKwh: 100,
    power: [{ fromMs: 0, powerW: kW * 1000 }],
  });
  const series = memorySeries({ seriesId: 'ams1/gw1/pdu-r12-a/total/energy_import_kwh', ...s });
  return priceInvoice({
    customer: 'acme',
    site: 'ams1',
    period,
    versions: VERSIONS,
    energy: heldPointsEnergy([{ pointId: 'r12-a', series, held: [{ fromMs: 0 }] }]),
  });
}

/** Plain statements with `?` placeholders, on either dialect. */
interface Sql {
  rows(sql: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

interface Kind {
  name: string;
  /** The database at schema version 3, as a node of that time left it. */
  atVersion3(): Promise<Sql>;
  /** The billing store, every migration applied. */
  open(): Promise<BillingStore & { close(): Promise<void> | void }>;
  /** A connection of its own to the migrated database. */
  raw(): Promise<Sql>;
}

function sqliteKind(): Kind {
  const file = join(mkdtempSync(join(tmpdir(), 'jb-billing-migration-')), 'central.db');
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
    name: 'sqlite',
    atVersion3: async () => {
      const db = new Database(file);
      migrateSqlite(db, { log: quietLog, now: () => T0 }, SQLITE_MIGRATIONS.slice(0, 3));
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
    name: 'postgres',
    atVersion3: async () => {
      const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
      try {
        await migratePostgres({ pool, schema, log: quietLog, now: () => T0 }, POSTGRES_MIGRATIONS.slice(0, 3));
      } finally {
        await pool.end();
      }
      return client();
    },
    open: () => openPostgresBillingStore({ connectionString: PG_URL, schema, log: quietLog, now: () => T0, maxConnections: 3 }),
    raw: client,
  };
}

/** What the billing store of schema 3 wrote: a complete run of ams1, acme's final invoice with its delivery and a debit note, globex's held draft. */
async function writeOldRows(db: Sql): Promise<void> {
  const [run] = await db.rows(
    `INSERT INTO invoice_runs (site, period, state, created_at, updated_at) VALUES ('ams1', '2026-10', 'complete', ?, ?) RETURNING id`,
    [T0, T0],
  );
  const insert = `INSERT INTO invoices (run_id, site, period, customer, status, number, currency, total, review, draft, created_at, finalized_at)
    VALUES (?, 'ams1', '2026-10', ?, ?, ?, 'EUR', ?, ?, ?, ?, ?) RETURNING id`;
  const [acme] = await db.rows(insert, [run!.id, 'acme', 'final', 'AMS1-2026-000001', '1086.53', '[]', JSON.stringify(OLD.draft), T0, T0]);
  const review = JSON.stringify(['measured share 97.00% is under 99.90%']);
  await db.rows(insert, [
    run!.id,
    'globex',
    'held',
    null,
    '1086.53',
    review,
    JSON.stringify({ ...OLD.draft, customer: 'globex' }),
    T0,
    null,
  ]);
  await db.rows('INSERT INTO invoice_delivery (invoice_id, rendered_at, delivered_at, attempts) VALUES (?, ?, ?, 1)', [
    acme!.id,
    T0,
    T0 + 1,
  ]);
  await db.rows(
    `INSERT INTO invoice_notes (number, invoice_number, kind, currency, total_delta, fingerprint, body, created_at)
     VALUES ('AMS1-DN-2026-000001', 'AMS1-2026-000001', 'debit', 'EUR', '27.11', 'f-old', ?, ?)`,
    [JSON.stringify(OLD.note), T0 + 2],
  );
  await db.rows(`INSERT INTO document_counters (site, series, year, last) VALUES ('ams1', 'INV', 2026, 1), ('ams1', 'DN', 2026, 1)`);
}

async function migrated(t: Test, kind: Kind): Promise<void> {
  const old = await kind.atVersion3();
  await writeOldRows(old);
  await t.rejects(
    old.rows(
      `INSERT INTO invoices (run_id, site, period, customer, status, currency, total, review, draft, created_at)
       SELECT run_id, site, period, customer, 'draft', currency, total, review, draft, created_at FROM invoices WHERE customer = 'globex'`,
    ),
    /UNIQUE|unique/,
    'at schema 3 a run holds one invoice per customer',
  );
  await old.close();
  const store = await kind.open();
  t.teardown(() => store.close());

  const [acme, globex] = await store.invoices();
  t.match(acme, {
    entity: 'ams1',
    period: '2026-10',
    customer: 'acme',
    account: 'acme',
    status: 'final',
    number: 'AMS1-2026-000001',
    total: '1086.53',
    finalizedAt: T0,
    renderedAt: T0,
    deliveredAt: T0 + 1,
    deliveryAttempts: 1,
  });
  t.match(globex, {
    customer: 'globex',
    account: 'globex',
    status: 'held',
    number: undefined,
    review: ['measured share 97.00% is under 99.90%'],
  });

  const d = acme!.draft;
  t.notOk('site' in d, 'the draft reads back in today’s shape');
  t.match(d, {
    customer: 'acme',
    account: 'acme',
    entity: 'ams1',
    currency: 'EUR',
    subtotal: '897.96',
    taxTotal: '188.57',
    total: '1086.53',
  });
  t.same(
    d.sections.map((s) => [s.site, s.period, s.versions, s.subtotal]),
    [['ams1', OLD.draft.period, ['v1'], '897.96']],
    'its site is its only section',
  );
  t.same(
    d.lines.map((l) => [l.site, l.key, l.amount]),
    [
      ['ams1', 'energy:v1:standard', '202.02'],
      ['ams1', 'overhead:v1:standard', '60.61'],
      ['ams1', 'energy:v1:peak', '142.56'],
      ['ams1', 'overhead:v1:peak', '42.77'],
      ['ams1', 'fixed_fee:v1:Rack space', '450.00'],
      [undefined, 'tax:BTW:21', '188.57'],
    ],
  );
  t.same(
    d.trace.map((v) => v.site),
    ['ams1'],
  );
  const notes = await store.notes('AMS1-2026-000001');
  t.equal(notes.length, 1);
  t.notOk('site' in notes[0]!.note);
  t.match(notes[0], { number: 'AMS1-DN-2026-000001', kind: 'debit', totalDelta: '27.11', note: { account: 'acme', entity: 'ams1' } });
  t.same(
    notes[0]!.note.lines.map((l) => [l.site, l.key, l.amountDelta]),
    [
      ['ams1', 'energy:v1:standard', '10.10'],
      ['ams1', 'overhead:v1:standard', '3.03'],
      ['ams1', 'energy:v1:peak', '7.13'],
      ['ams1', 'overhead:v1:peak', '2.14'],
      [undefined, 'tax:BTW:21', '4.71'],
    ],
  );

  t.test('it renders as JSON, CSV and PDF', async (t) => {
    const doc: InvoiceDocument = {
      draft: d,
      final: { number: acme!.number!, issuedOn: '2026-11-01' },
      customerName: 'Acme',
      siteNames: { ams1: 'Amsterdam 1' },
    };
    t.match(JSON.parse(renderInvoiceJson(doc)), {
      status: 'final',
      number: 'AMS1-2026-000001',
      total: '1086.53',
      localPeriod: { first: '2026-10-01', last: '2026-10-31' },
    });
    const rows = parseCsv(renderInvoiceCsv(doc));
    t.same(
      rows.map((r) => [r.invoice, r.account, r.entity, r.site, r.line, r.amount]),
      d.lines.map((l) => ['AMS1-2026-000001', 'acme', 'ams1', l.site ?? '', l.key, l.amount]),
    );
    const text = pdfText(await renderInvoicePdf(doc));
    for (const s of ['AMS1-2026-000001', 'Amsterdam 1', '1086.53', 'Rack space']) t.ok(text.includes(s), `the PDF shows ${s}`);
  });

  t.test('still final and immutable, refused by the database itself', async (t) => {
    const raw = await kind.raw();
    t.teardown(() => raw.close());
    await t.rejects(raw.rows(`UPDATE invoices SET total = '0.00' WHERE number = 'AMS1-2026-000001'`), /immutable/);
    await t.rejects(raw.rows(`DELETE FROM invoices WHERE number = 'AMS1-2026-000001'`), /immutable/);
    await t.rejects(raw.rows(`UPDATE invoice_notes SET total_delta = '0.00'`), /immutable/);
    await t.rejects(raw.rows(`DELETE FROM invoice_notes`), /immutable/);
    t.same((await raw.rows(`SELECT total, account FROM invoices WHERE number = 'AMS1-2026-000001'`))[0], {
      total: '1086.53',
      account: 'acme',
    });
    await t.rejects(store.replaceDraft(acme!.id, { draft: todaysDraft(2), review: [] }), InvoiceImmutableError);
  });

  t.test('late data after the migration: a note against the old invoice as its note left it', async (t) => {
    // Today's code over the 2.1 kW its note was made for: the old invoice with its note is exactly that.
    const effective = effectiveInvoice(acme!, notes);
    t.equal(effective.total, '1113.64', '1086.53 + 27.11');
    t.equal(noteFor(effective, todaysDraft(2.1)), undefined, 'no note for what the old note settled');
    const more = noteFor(effective, todaysDraft(2.2))!;
    t.same(
      more.lines.map((l) => [l.site, l.key]),
      notes[0]!.note.lines.map((l) => [l.site, l.key]),
      'the lines match by site and key',
    );
    const made = await store.addNote(more, { fingerprint: 'f-new', atMs: T0, year: 2026 });
    t.equal(made.note.number, 'AMS1-DN-2026-000002', 'the series goes on from its counter');
  });

  t.test('the unique key is per account and currency: two accounts of one customer in one run', async (t) => {
    const as = (customer: string, account: string, entity = 'ams1', currency = 'EUR'): InvoiceDraft => ({
      ...todaysDraft(2),
      customer,
      account,
      entity,
      currency,
    });
    t.equal(
      await store.addDrafts(acme!.runId, [{ draft: as('globex', 'globex'), review: [] }], T0),
      0,
      'the account has its invoice in the run',
    );
    t.equal(
      await store.addDrafts(acme!.runId, [{ draft: as('globex', 'globex-ie'), review: [] }], T0),
      1,
      'another account of globex is added',
    );
    const ie = (await store.invoices({ runId: acme!.runId, customer: 'globex' })).find((i) => i.account === 'globex-ie')!;
    t.equal(
      (await store.finalize(ie.id, { atMs: T0, year: 2026 })).number,
      'AMS1-2026-000002',
      'numbered after the invoice issued before the migration',
    );

    const run = await store.ensureRun('nl-bv', '2026-11', 'partial', T0);
    const both = [as('globex', 'globex-nl', 'nl-bv'), as('globex', 'globex-ie', 'nl-bv')].map((draft) => ({ draft, review: [] }));
    t.equal(await store.addDrafts(run.id, both, T0), 2);
    t.equal(await store.addDrafts(run.id, both, T0), 0, 'once');
    t.equal(
      await store.addDrafts(run.id, [{ draft: as('globex', 'globex-nl', 'nl-bv', 'GBP'), review: [] }], T0),
      1,
      'an account invoiced in a second currency by the entity has a second invoice',
    );
    const numbered = [];
    for (const inv of await store.invoices({ runId: run.id })) numbered.push(await store.finalize(inv.id, { atMs: T0, year: 2026 }));
    t.same(numbered.map((i) => [i.account, i.currency]).sort(), [
      ['globex-ie', 'EUR'],
      ['globex-nl', 'EUR'],
      ['globex-nl', 'GBP'],
    ]);
    t.same(
      numbered.map((i) => i.number),
      ['NL-BV-2026-000001', 'NL-BV-2026-000002', 'NL-BV-2026-000003'],
      'numbered in the entity series',
    );
  });
}

t.test('SQLite at schema 3, then every migration', async (t) => {
  await migrated(t, sqliteKind());
});

t.test('PostgreSQL at schema 3, then every migration', async (t) => {
  if (!needPeer(t, await pgReachable(), `PostgreSQL at ${PG_URL}`)) return;
  const schemas = pgSchemas('jb_bill_migration');
  t.teardown(() => schemas.dropAll());
  await migrated(t, postgresKind(schemas.next()));
});
