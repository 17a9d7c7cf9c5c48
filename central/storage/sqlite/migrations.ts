// SQLite schema, as numbered migrations (see ../migration.ts). Append new entries; never edit applied ones.
// STRICT tables: a value of the wrong type fails the transaction instead of being stored as text.
import type { Migration } from '../migration.js';

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'readings, events, alerts, gateways',
    sql: `
      CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        site TEXT NOT NULL, gateway TEXT NOT NULL, device TEXT NOT NULL, channel TEXT NOT NULL,
        first_ts INTEGER, last_ts INTEGER, reading_count INTEGER NOT NULL DEFAULT 0,
        UNIQUE (site, gateway, device, channel)
      ) STRICT;
      -- Rows are appended in arrival order (rowid); the unique key (series, ts) is the identity (a second
      -- copy of a reading is ignored) and the path for range reads and boundary lookups. Clustering the
      -- rows themselves by series measured at half the ingest rate: each commit rewrote a page per series.
      -- energy_import_kwh and power_w are promoted out of vals (the other values, as JSON with short keys:
      -- ../encode.ts). No index per measurement: every gateway poll carries the energy counters, so the seek
      -- lands on an energy boundary at once; power comes with full polls, so its lookup steps over the
      -- energy-only polls in between.
      CREATE TABLE readings (
        id INTEGER PRIMARY KEY,
        series_id INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        energy_import_kwh REAL,
        power_w REAL,
        vals TEXT,
        flags TEXT,
        quality TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX readings_key ON readings (series_id, ts);

      CREATE TABLE events (
        site TEXT NOT NULL, gateway TEXT NOT NULL, ident TEXT NOT NULL,
        type TEXT NOT NULL, ts INTEGER NOT NULL, device TEXT, channel TEXT,
        body TEXT NOT NULL, received_at INTEGER NOT NULL,
        PRIMARY KEY (site, gateway, ident)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX events_by_type ON events (site, gateway, type, ts);

      CREATE TABLE alerts (
        site TEXT NOT NULL, gateway TEXT NOT NULL, alert_id TEXT NOT NULL, ts INTEGER NOT NULL, state TEXT NOT NULL,
        type TEXT NOT NULL, severity TEXT NOT NULL, device TEXT, channel TEXT, message TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (site, gateway, alert_id, ts, state)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX alerts_by_ts ON alerts (ts);
      -- The latest transition of each alert; the active set is state = 'raised'.
      CREATE TABLE alerts_current (
        site TEXT NOT NULL, gateway TEXT NOT NULL, alert_id TEXT NOT NULL, ts INTEGER NOT NULL, state TEXT NOT NULL,
        type TEXT NOT NULL, severity TEXT NOT NULL, device TEXT, channel TEXT, message TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (site, gateway, alert_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE gateway_status (
        site TEXT NOT NULL, gateway TEXT NOT NULL, ts INTEGER NOT NULL, received_at INTEGER NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (site, gateway)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE gateway_meta (
        site TEXT NOT NULL, gateway TEXT NOT NULL, ts INTEGER NOT NULL, received_at INTEGER NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (site, gateway)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE device_serials (
        site TEXT NOT NULL, gateway TEXT NOT NULL, device TEXT NOT NULL, serial TEXT NOT NULL,
        first_seen_ts INTEGER NOT NULL, last_seen_ts INTEGER NOT NULL,
        PRIMARY KEY (site, gateway, device, serial)
      ) STRICT, WITHOUT ROWID;
      -- Received outbox sequences per gateway, merged (../ranges.ts): the holes are the data gaps.
      CREATE TABLE seq_ranges (
        site TEXT NOT NULL, gateway TEXT NOT NULL, from_seq INTEGER NOT NULL, to_seq INTEGER NOT NULL,
        PRIMARY KEY (site, gateway, from_seq)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    id: 2,
    name: 'invoice runs, invoices, notes, counters, locks',
    sql: `
      CREATE TABLE invoice_runs (
        id INTEGER PRIMARY KEY,
        site TEXT NOT NULL, period TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('partial', 'drafted', 'finalized', 'complete')),
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        UNIQUE (site, period)
      ) STRICT;
      -- One invoice per customer and run; a number exactly when final (numbers: document_counters).
      CREATE TABLE invoices (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES invoice_runs (id),
        site TEXT NOT NULL, period TEXT NOT NULL, customer TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'held', 'final')),
        number TEXT UNIQUE,
        currency TEXT NOT NULL, total TEXT NOT NULL, review TEXT NOT NULL, draft TEXT NOT NULL,
        created_at INTEGER NOT NULL, finalized_at INTEGER, released_by TEXT, release_reason TEXT,
        UNIQUE (run_id, customer),
        CHECK ((status = 'final') = (number IS NOT NULL))
      ) STRICT;
      CREATE INDEX invoices_by_site ON invoices (site, period, customer);
      -- A final invoice is never edited (issue 7): corrections are notes.
      CREATE TRIGGER invoices_final_no_update BEFORE UPDATE ON invoices WHEN OLD.status = 'final'
        BEGIN SELECT RAISE(ABORT, 'a final invoice is immutable'); END;
      CREATE TRIGGER invoices_final_no_delete BEFORE DELETE ON invoices WHEN OLD.status = 'final'
        BEGIN SELECT RAISE(ABORT, 'a final invoice is immutable'); END;
      -- What happened to an invoice after it was final: outputs written, webhook deliveries.
      CREATE TABLE invoice_delivery (
        invoice_id INTEGER PRIMARY KEY REFERENCES invoices (id),
        rendered_at INTEGER, delivered_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT
      ) STRICT;
      CREATE TABLE invoice_notes (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        invoice_number TEXT NOT NULL REFERENCES invoices (number),
        kind TEXT NOT NULL, currency TEXT NOT NULL, total_delta TEXT NOT NULL,
        fingerprint TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,
        UNIQUE (invoice_number, fingerprint)
      ) STRICT;
      CREATE TRIGGER invoice_notes_no_update BEFORE UPDATE ON invoice_notes
        BEGIN SELECT RAISE(ABORT, 'a note is immutable'); END;
      CREATE TRIGGER invoice_notes_no_delete BEFORE DELETE ON invoice_notes
        BEGIN SELECT RAISE(ABORT, 'a note is immutable'); END;
      -- The last number drawn per site, series (INV, CN, DN, AN) and year; drawn in the finalizing transaction.
      CREATE TABLE document_counters (
        site TEXT NOT NULL, series TEXT NOT NULL, year INTEGER NOT NULL, last INTEGER NOT NULL,
        PRIMARY KEY (site, series, year)
      ) STRICT, WITHOUT ROWID;
      -- Leases: a central instance holds a run's lock until it lets go or the lease expires (it died).
      CREATE TABLE billing_locks (
        name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    id: 3,
    name: 'api users, tokens, sessions, model edits',
    sql: `
      CREATE TABLE api_users (
        username TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('operator', 'read-only', 'customer')),
        customer TEXT, password_hash TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        CHECK ((role = 'customer') = (customer IS NOT NULL))
      ) STRICT, WITHOUT ROWID;
      -- API tokens and sign-in sessions: only the SHA-256 of the secret is kept.
      CREATE TABLE api_secrets (
        kind TEXT NOT NULL CHECK (kind IN ('token', 'session')), id TEXT NOT NULL, username TEXT NOT NULL,
        hash TEXT NOT NULL, label TEXT, created_at INTEGER NOT NULL, expires_at INTEGER, revoked_at INTEGER,
        PRIMARY KEY (kind, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX api_secrets_by_user ON api_secrets (username);
      -- Operators' edits of assignments and tariffs, applied over the inventory and tariff files in seq order.
      CREATE TABLE model_edits (
        seq INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('assignment', 'tariff')),
        by_user TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER model_edits_no_update BEFORE UPDATE ON model_edits
        BEGIN SELECT RAISE(ABORT, 'an edit is history: append a new version instead'); END;
      CREATE TRIGGER model_edits_no_delete BEFORE DELETE ON model_edits
        BEGIN SELECT RAISE(ABORT, 'an edit is history: append a new version instead'); END;
    `,
  },
  {
    id: 4,
    name: 'invoices per billing account',
    // One invoice per billing account and currency in a run (a customer may have several accounts, and an
    // entity may invoice sites in two currencies): the unique key moves from (run, customer) to (run,
    // account, currency). SQLite cannot drop a table constraint, so invoices and the two
    // tables that reference them are rebuilt in this transaction; the children are made first against the
    // new table, so no reference ever points at nothing. The column `site` of runs, invoices and counters
    // holds the issuing entity (a site that invoices alone is one, under its own id).
    sql: `
      CREATE TABLE invoices_next (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES invoice_runs (id),
        site TEXT NOT NULL, period TEXT NOT NULL, customer TEXT NOT NULL, account TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'held', 'final')),
        number TEXT UNIQUE,
        currency TEXT NOT NULL, total TEXT NOT NULL, review TEXT NOT NULL, draft TEXT NOT NULL,
        created_at INTEGER NOT NULL, finalized_at INTEGER, released_by TEXT, release_reason TEXT,
        UNIQUE (run_id, account, currency),
        CHECK ((status = 'final') = (number IS NOT NULL))
      ) STRICT;
      INSERT INTO invoices_next
        SELECT id, run_id, site, period, customer, customer, status, number, currency, total, review, draft,
               created_at, finalized_at, released_by, release_reason FROM invoices;
      CREATE TABLE invoice_delivery_next (
        invoice_id INTEGER PRIMARY KEY REFERENCES invoices_next (id),
        rendered_at INTEGER, delivered_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT
      ) STRICT;
      INSERT INTO invoice_delivery_next SELECT * FROM invoice_delivery;
      CREATE TABLE invoice_notes_next (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        invoice_number TEXT NOT NULL REFERENCES invoices_next (number),
        kind TEXT NOT NULL, currency TEXT NOT NULL, total_delta TEXT NOT NULL,
        fingerprint TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,
        UNIQUE (invoice_number, fingerprint)
      ) STRICT;
      INSERT INTO invoice_notes_next SELECT * FROM invoice_notes;
      DROP TABLE invoice_notes;
      DROP TABLE invoice_delivery;
      DROP TABLE invoices;
      ALTER TABLE invoices_next RENAME TO invoices;
      ALTER TABLE invoice_delivery_next RENAME TO invoice_delivery;
      ALTER TABLE invoice_notes_next RENAME TO invoice_notes;
      CREATE INDEX invoices_by_site ON invoices (site, period, customer);
      CREATE TRIGGER invoices_final_no_update BEFORE UPDATE ON invoices WHEN OLD.status = 'final'
        BEGIN SELECT RAISE(ABORT, 'a final invoice is immutable'); END;
      CREATE TRIGGER invoices_final_no_delete BEFORE DELETE ON invoices WHEN OLD.status = 'final'
        BEGIN SELECT RAISE(ABORT, 'a final invoice is immutable'); END;
      CREATE TRIGGER invoice_notes_no_update BEFORE UPDATE ON invoice_notes
        BEGIN SELECT RAISE(ABORT, 'a note is immutable'); END;
      CREATE TRIGGER invoice_notes_no_delete BEFORE DELETE ON invoice_notes
        BEGIN SELECT RAISE(ABORT, 'a note is immutable'); END;
    `,
  },
  {
    id: 5,
    name: 'model edits of accounts, contracts and utility prices',
    // SQLite cannot change a CHECK in place: the table is rebuilt under its name with every edit and seq
    // kept. The append-only triggers leave with the old table (dropping a table fires none of its
    // triggers) and are made again on the new one.
    sql: `
      ALTER TABLE model_edits RENAME TO model_edits_before_5;
      CREATE TABLE model_edits (
        seq INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('assignment', 'tariff', 'account', 'contract', 'utility-price')),
        by_user TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL
      ) STRICT;
      INSERT INTO model_edits (seq, kind, by_user, at, body) SELECT seq, kind, by_user, at, body FROM model_edits_before_5;
      DROP TABLE model_edits_before_5;
      CREATE TRIGGER model_edits_no_update BEFORE UPDATE ON model_edits
        BEGIN SELECT RAISE(ABORT, 'an edit is history: append a new version instead'); END;
      CREATE TRIGGER model_edits_no_delete BEFORE DELETE ON model_edits
        BEGIN SELECT RAISE(ABORT, 'an edit is history: append a new version instead'); END;
    `,
  },
  {
    id: 6,
    name: 'note outputs and deliveries',
    // What happened to a note after it was issued (its files written, its webhook deliveries), kept beside
    // the note as invoice_delivery is beside the invoice: the note row stays immutable. Notes issued before
    // this were neither written nor delivered; their empty rows make the next tick do both.
    sql: `
      CREATE TABLE note_delivery (
        note_id INTEGER PRIMARY KEY REFERENCES invoice_notes (id),
        rendered_at INTEGER, delivered_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT
      ) STRICT;
      INSERT INTO note_delivery (note_id) SELECT id FROM invoice_notes;
    `,
  },
  {
    id: 7,
    name: 'rollups and lifecycle',
    // Issue 21. A series' rollup watermarks beside its first/last ts (the writer marks it dirty in the same
    // statement). Rollup rows are one compressed day each (~2.5 KB): a rowid table with a unique key
    // measured 4x faster to write a pass, 22x faster to rebuild a day and 2.7x faster to read boundary windows
    // than WITHOUT ROWID, whose b-tree keeps rows over ~1/20 of a page in overflow pages (300 series x 365
    // days of 2.5 KB bodies: 8.4 ms per day pass vs 32.6 ms, 4.1 KB vs 4.7 KB per row on disk). The body is the
    // last column, so the totals a year chart reads (energy_kwh, readings) sit in the row's first bytes. No
    // index by day: retention and the oldest day go through the key, one seek per series.
    sql: `
      ALTER TABLE series ADD COLUMN rolled_to_ms INTEGER;
      ALTER TABLE series ADD COLUMN dirty_from_ms INTEGER;
      CREATE TABLE rollups (
        id INTEGER PRIMARY KEY,
        series_id INTEGER NOT NULL, day_ms INTEGER NOT NULL, interval_min INTEGER NOT NULL,
        energy_kwh REAL NOT NULL, readings INTEGER NOT NULL, built_at INTEGER NOT NULL,
        body BLOB NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX rollups_key ON rollups (series_id, day_ms);
      CREATE TABLE lifecycle_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT, WITHOUT ROWID;
    `,
  },
  {
    id: 8,
    name: 'incremental vacuum',
    // Retention deletes raw readings in batches; with auto_vacuum INCREMENTAL the freed pages go back to the
    // file system a few at a time (PRAGMA incremental_vacuum after each batch) instead of by a VACUUM that
    // locks the store for minutes. Changing the mode of a database that has tables takes one VACUUM, which
    // SQLite refuses inside a transaction: migrate.ts runs this one on its own, then records it.
    outsideTransaction: true,
    sql: 'PRAGMA auto_vacuum = INCREMENTAL; VACUUM;',
  },
  {
    id: 9,
    name: 'events by arrival',
    // Issue 21: the rollup builder reads the counter_epoch events that arrived since its last pass
    // (epochs-received.ts) once a pass. Without this index that query scans every event: with 1,000,000
    // events it measured 160 ms on SQLite (the event loop blocked: better-sqlite3 is synchronous) and 89 ms
    // on PostgreSQL per pass, growing with the history; with it 1.6 ms and 0.5 ms.
    sql: 'CREATE INDEX IF NOT EXISTS events_by_arrival ON events (type, received_at);',
  },
  {
    id: 10,
    name: 'rollup estimated energy',
    // Issue 21: a history over rolled-up days sums the day totals instead of decoding every row
    // (portal/data/day-totals.ts); the estimated part of a day's energy must come with its total. NULL on rows
    // built before: those days are unknown and go through the energy core until they are built again.
    sql: 'ALTER TABLE rollups ADD COLUMN estimated_kwh REAL;',
  },
];
