// PostgreSQL schema, as numbered migrations (see ../migration.ts). Append new entries; never edit applied
// ones. They run with search_path set to the store's schema, so names here are unqualified.
import type { Migration } from '../migration.js';
import { MONDAY0_MS, WEEK_MS } from '../readings/postgres/weeks.js';

/**
 * A plpgsql fragment (needs week, mon0, now_ms and cut declared): adds CHECK (ts < cutover) NOT VALID to the
 * table unless it has it. The cutover is the Monday 00:00 UTC after the newest reading or now (whichever is
 * later) plus a day, so readings still arriving while the check is validated stay below it.
 */
function addCutoverCheck(table: string): string {
  return `IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('${table}') AND conname = 'readings_before_cutover') THEN
              SELECT ((greatest(coalesce(max(last_ts), 0), now_ms) + 86400000 - mon0) / week + 1) * week + mon0 INTO cut FROM series;
              EXECUTE format('ALTER TABLE %I ADD CONSTRAINT readings_before_cutover CHECK (ts < %s) NOT VALID', '${table}', cut);
            END IF;`;
}

/** The declarations addCutoverCheck needs. */
const CUTOVER_DECLARE = `week constant bigint := ${WEEK_MS};
        mon0 constant bigint := ${MONDAY0_MS};
        now_ms constant bigint := floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint;
        cut bigint;`;

/**
 * Statements run before a pending migration, each in a transaction of its own (under the migration lock,
 * search_path set, skipped once the migration is recorded), for work that must not hold the migration's
 * locks: 8 validates the cutover check of the old readings table with SHARE UPDATE EXCLUSIVE only (a scan
 * of every reading, while ingest and reads go on), so that migration 8 itself, which renames the table
 * under ACCESS EXCLUSIVE, takes no time. Each must be idempotent; on a new store there is nothing to do.
 */
export const POSTGRES_PREPARE: ReadonlyMap<number, readonly string[]> = new Map([
  [
    8,
    [
      `DO $p8$ DECLARE ${CUTOVER_DECLARE}
      BEGIN
        IF (SELECT relkind FROM pg_class WHERE oid = to_regclass('readings')) = 'r' THEN
          IF EXISTS (SELECT 1 FROM readings) THEN
            ${addCutoverCheck('readings')}
          END IF;
        END IF;
      END $p8$`,
      `DO $p8$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('readings') AND conname = 'readings_before_cutover'
            AND NOT convalidated) THEN
          ALTER TABLE readings VALIDATE CONSTRAINT readings_before_cutover;
        END IF;
      END $p8$`,
    ],
  ],
]);

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'readings, events, alerts, gateways',
    sql: `
      CREATE TABLE series (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        site text NOT NULL, gateway text NOT NULL, device text NOT NULL, channel text NOT NULL,
        first_ts bigint, last_ts bigint, reading_count bigint NOT NULL DEFAULT 0,
        UNIQUE (site, gateway, device, channel)
      );
      -- Identity (series, ts): a second copy of a reading is ignored; the key also serves range reads and
      -- boundary lookups (as in ../sqlite/migrations.ts: every poll carries the energy counters, power
      -- comes with full polls). vals: the other values as JSON with short keys (../encode.ts).
      CREATE TABLE readings (
        series_id integer NOT NULL,
        ts bigint NOT NULL,
        energy_import_kwh double precision,
        power_w double precision,
        vals text,
        flags text,
        quality text NOT NULL,
        PRIMARY KEY (series_id, ts)
      );

      CREATE TABLE events (
        site text NOT NULL, gateway text NOT NULL, ident text NOT NULL,
        type text NOT NULL, ts bigint NOT NULL, device text, channel text,
        body text NOT NULL, received_at bigint NOT NULL,
        PRIMARY KEY (site, gateway, ident)
      );
      CREATE INDEX events_by_type ON events (site, gateway, type, ts);

      CREATE TABLE alerts (
        site text NOT NULL, gateway text NOT NULL, alert_id text NOT NULL, ts bigint NOT NULL, state text NOT NULL,
        type text NOT NULL, severity text NOT NULL, device text, channel text, message text NOT NULL,
        received_at bigint NOT NULL,
        PRIMARY KEY (site, gateway, alert_id, ts, state)
      );
      CREATE INDEX alerts_by_ts ON alerts (ts);
      -- The latest transition of each alert; the active set is state = 'raised'.
      CREATE TABLE alerts_current (
        site text NOT NULL, gateway text NOT NULL, alert_id text NOT NULL, ts bigint NOT NULL, state text NOT NULL,
        type text NOT NULL, severity text NOT NULL, device text, channel text, message text NOT NULL,
        received_at bigint NOT NULL,
        PRIMARY KEY (site, gateway, alert_id)
      );

      CREATE TABLE gateway_status (
        site text NOT NULL, gateway text NOT NULL, ts bigint NOT NULL, received_at bigint NOT NULL, body text NOT NULL,
        PRIMARY KEY (site, gateway)
      );
      CREATE TABLE gateway_meta (
        site text NOT NULL, gateway text NOT NULL, ts bigint NOT NULL, received_at bigint NOT NULL, body text NOT NULL,
        PRIMARY KEY (site, gateway)
      );
      CREATE TABLE device_serials (
        site text NOT NULL, gateway text NOT NULL, device text NOT NULL, serial text NOT NULL,
        first_seen_ts bigint NOT NULL, last_seen_ts bigint NOT NULL,
        PRIMARY KEY (site, gateway, device, serial)
      );
      -- Received outbox sequences per gateway, merged (../ranges.ts): the holes are the data gaps.
      CREATE TABLE seq_ranges (
        site text NOT NULL, gateway text NOT NULL, from_seq bigint NOT NULL, to_seq bigint NOT NULL,
        PRIMARY KEY (site, gateway, from_seq)
      );
    `,
  },
  {
    id: 2,
    name: 'invoice runs, invoices, notes, counters, locks',
    sql: `
      CREATE TABLE invoice_runs (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        site text NOT NULL, period text NOT NULL,
        state text NOT NULL CHECK (state IN ('partial', 'drafted', 'finalized', 'complete')),
        created_at bigint NOT NULL, updated_at bigint NOT NULL,
        UNIQUE (site, period)
      );
      -- One invoice per customer and run; a number exactly when final (numbers: document_counters).
      CREATE TABLE invoices (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id integer NOT NULL REFERENCES invoice_runs (id),
        site text NOT NULL, period text NOT NULL, customer text NOT NULL,
        status text NOT NULL CHECK (status IN ('draft', 'held', 'final')),
        number text UNIQUE,
        currency text NOT NULL, total text NOT NULL, review text NOT NULL, draft text NOT NULL,
        created_at bigint NOT NULL, finalized_at bigint, released_by text, release_reason text,
        UNIQUE (run_id, customer),
        CHECK ((status = 'final') = (number IS NOT NULL))
      );
      CREATE INDEX invoices_by_site ON invoices (site, period, customer);
      -- A final invoice is never edited (issue 7): corrections are notes. Refused here too, not only by the code.
      CREATE FUNCTION refuse_immutable_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          RAISE EXCEPTION '% % is immutable', TG_TABLE_NAME, OLD.number USING ERRCODE = 'integrity_constraint_violation';
        END
      $fn$;
      CREATE TRIGGER invoices_final_immutable BEFORE UPDATE OR DELETE ON invoices
        FOR EACH ROW WHEN (OLD.status = 'final') EXECUTE FUNCTION refuse_immutable_change();
      CREATE TABLE invoice_delivery (
        invoice_id integer PRIMARY KEY REFERENCES invoices (id),
        rendered_at bigint, delivered_at bigint, attempts integer NOT NULL DEFAULT 0, last_error text
      );
      CREATE TABLE invoice_notes (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        number text NOT NULL UNIQUE,
        invoice_number text NOT NULL REFERENCES invoices (number),
        kind text NOT NULL, currency text NOT NULL, total_delta text NOT NULL,
        fingerprint text NOT NULL, body text NOT NULL, created_at bigint NOT NULL,
        UNIQUE (invoice_number, fingerprint)
      );
      CREATE TRIGGER invoice_notes_immutable BEFORE UPDATE OR DELETE ON invoice_notes
        FOR EACH ROW EXECUTE FUNCTION refuse_immutable_change();
      -- The last number drawn per site, series (INV, CN, DN, AN) and year; drawn in the finalizing
      -- transaction, whose row lock makes concurrent finalizers take turns: gap-free and unique.
      CREATE TABLE document_counters (
        site text NOT NULL, series text NOT NULL, year integer NOT NULL, last integer NOT NULL,
        PRIMARY KEY (site, series, year)
      );
    `,
  },
  {
    id: 3,
    name: 'api users, tokens, sessions, model edits',
    sql: `
      CREATE TABLE api_users (
        username text PRIMARY KEY, role text NOT NULL CHECK (role IN ('operator', 'read-only', 'customer')),
        customer text, password_hash text NOT NULL, created_at bigint NOT NULL, updated_at bigint NOT NULL,
        CHECK ((role = 'customer') = (customer IS NOT NULL))
      );
      -- API tokens and sign-in sessions: only the SHA-256 of the secret is kept.
      CREATE TABLE api_secrets (
        kind text NOT NULL CHECK (kind IN ('token', 'session')), id text NOT NULL, username text NOT NULL,
        hash text NOT NULL, label text, created_at bigint NOT NULL, expires_at bigint, revoked_at bigint,
        PRIMARY KEY (kind, id)
      );
      CREATE INDEX api_secrets_by_user ON api_secrets (username);
      -- Operators' edits of assignments and tariffs, applied over the inventory and tariff files in seq order.
      CREATE TABLE model_edits (
        seq integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, kind text NOT NULL CHECK (kind IN ('assignment', 'tariff')),
        by_user text NOT NULL, at bigint NOT NULL, body text NOT NULL
      );
      CREATE FUNCTION refuse_edit_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          RAISE EXCEPTION 'an edit is history: append a new version instead' USING ERRCODE = 'integrity_constraint_violation';
        END
      $fn$;
      CREATE TRIGGER model_edits_append_only BEFORE UPDATE OR DELETE ON model_edits
        FOR EACH ROW EXECUTE FUNCTION refuse_edit_change();
    `,
  },
  {
    id: 4,
    name: 'invoices per billing account',
    // One invoice per billing account and currency in a run (a customer may have several accounts, and an
    // entity may invoice sites in two currencies). Existing invoices
    // were each the customer's own account. The column `site` of runs, invoices and counters holds the
    // issuing entity (a site that invoices alone is one, under its own id).
    sql: `
      ALTER TABLE invoices ADD COLUMN account text;
      ALTER TABLE invoices DISABLE TRIGGER invoices_final_immutable;
      UPDATE invoices SET account = customer;
      ALTER TABLE invoices ENABLE TRIGGER invoices_final_immutable;
      ALTER TABLE invoices ALTER COLUMN account SET NOT NULL;
      ALTER TABLE invoices DROP CONSTRAINT invoices_run_id_customer_key;
      ALTER TABLE invoices ADD CONSTRAINT invoices_run_account_currency_key UNIQUE (run_id, account, currency);
    `,
  },
  {
    id: 5,
    name: 'model edits of accounts, contracts and utility prices',
    sql: `
      ALTER TABLE model_edits DROP CONSTRAINT model_edits_kind_check;
      ALTER TABLE model_edits ADD CONSTRAINT model_edits_kind_check
        CHECK (kind IN ('assignment', 'tariff', 'account', 'contract', 'utility-price'));
    `,
  },
  {
    id: 6,
    name: 'note outputs and deliveries',
    // As SQLite's: a note's files and webhook deliveries beside the immutable note row; notes issued
    // before this get an empty row, so the next tick writes and delivers them.
    sql: `
      CREATE TABLE note_delivery (
        note_id integer PRIMARY KEY REFERENCES invoice_notes (id),
        rendered_at bigint, delivered_at bigint, attempts integer NOT NULL DEFAULT 0, last_error text
      );
      INSERT INTO note_delivery (note_id) SELECT id FROM invoice_notes;
    `,
  },
  {
    id: 7,
    name: 'rollups and lifecycle',
    // Issue 21, as SQLite's. Rollups are partitioned by calendar year (UTC) of day_ms: retention drops whole
    // years. The partitions are made on demand by the rollup writer (../rollups/postgres.ts), each with
    // toast_tuple_target 8160, so a ~2.5 KB compressed body stays in its row, neither compressed again nor
    // moved to the TOAST table (a partitioned parent takes no storage parameters).
    sql: `
      ALTER TABLE series ADD COLUMN rolled_to_ms bigint, ADD COLUMN dirty_from_ms bigint;
      CREATE TABLE rollups (
        series_id integer NOT NULL, day_ms bigint NOT NULL, interval_min smallint NOT NULL,
        energy_kwh double precision NOT NULL, readings integer NOT NULL, built_at bigint NOT NULL,
        body bytea NOT NULL,
        PRIMARY KEY (series_id, day_ms)
      ) PARTITION BY RANGE (day_ms);
      CREATE TABLE lifecycle_state (key text PRIMARY KEY, value bigint NOT NULL);
    `,
  },
  {
    id: 8,
    name: 'readings partitioned by week',
    // Issue 21: readings PARTITION BY RANGE (ts), one partition per week from Monday 00:00 UTC
    // (readings_pYYYYMMDD, made on demand by ../readings/postgres/partitions.ts), so retention drops whole
    // weeks. The existing table is kept in place as the partition readings_legacy for [MINVALUE, cutover):
    // nothing is copied, so no reading is lost or doubled. Its CHECK (ts < cutover) was made and validated by
    // POSTGRES_PREPARE[8] in transactions of their own (reads and writes go on meanwhile); here it only
    // lets ATTACH skip its scan. An empty table (a new store) is dropped instead: weekly partitions only.
    // Every step looks first whether it is done, so a migration stopped half way resumes. Table DDL is
    // written through format() so that ../migration.ts tablesOf() does not count readings_legacy as a table
    // the schema must keep: retention drops it. The parent's columns are ordered for alignment: three
    // 8-byte values first, then series_id and the (mostly empty) quality: 56 bytes a row, 64 in the old order.
    sql: `
      DO $m8$
      DECLARE
        ${CUTOVER_DECLARE}
        kind "char";
        legacy_pk text;
        part text;
        t bigint;
        stop bigint;
      BEGIN
        SELECT relkind INTO kind FROM pg_class WHERE oid = to_regclass('readings');
        IF kind = 'r' THEN
          EXECUTE format('ALTER TABLE %I RENAME TO %I', 'readings', 'readings_legacy');
        END IF;
        IF to_regclass('readings_legacy') IS NOT NULL THEN
          SELECT i.relname INTO legacy_pk FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = to_regclass('readings_legacy') AND x.indisprimary;
          IF legacy_pk <> 'readings_legacy_pkey' THEN
            EXECUTE format('ALTER INDEX %I RENAME TO %I', legacy_pk, 'readings_legacy_pkey');
          END IF;
        END IF;
        IF to_regclass('readings') IS NULL THEN
          CREATE TABLE readings (
            ts bigint NOT NULL,
            energy_import_kwh double precision,
            power_w double precision,
            series_id integer NOT NULL,
            quality text NOT NULL,
            vals text,
            flags text,
            PRIMARY KEY (series_id, ts)
          ) PARTITION BY RANGE (ts);
        END IF;
        cut := ((now_ms - mon0) / week) * week + mon0;
        IF to_regclass('readings_legacy') IS NOT NULL
          AND NOT (SELECT relispartition FROM pg_class WHERE oid = to_regclass('readings_legacy')) THEN
          IF NOT EXISTS (SELECT 1 FROM readings_legacy) THEN
            EXECUTE format('DROP TABLE %I', 'readings_legacy');
          ELSE
            ${addCutoverCheck('readings_legacy')}
            ALTER TABLE readings_legacy VALIDATE CONSTRAINT readings_before_cutover;
            SELECT substring(pg_get_constraintdef(oid) FROM '(-?[0-9]+)')::bigint INTO cut FROM pg_constraint
              WHERE conrelid = to_regclass('readings_legacy') AND conname = 'readings_before_cutover';
            EXECUTE format('ALTER TABLE readings ATTACH PARTITION %I FOR VALUES FROM (MINVALUE) TO (%s)', 'readings_legacy', cut);
          END IF;
        END IF;
        -- Every write updates the row of each series it touched (first/last ts, count): with room left on
        -- the page the update is HOT (no index entry written). 1,600 series rows updated per 10,000-reading
        -- write measured 9-11 ms at fillfactor 30 against 24-42 ms at 100 (the default). New pages only; a
        -- vacuum makes room on the old ones.
        ALTER TABLE series SET (fillfactor = 30);
        -- Weekly partitions from the cutover (or this week) to a week ahead of now; later ones are made on demand.
        SELECT coalesce(max((regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''?(-?[0-9]+)'))[1]::bigint), cut) INTO t
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass('readings');
        stop := greatest(((now_ms - mon0) / week + 2) * week + mon0, cut + week);
        WHILE t < stop LOOP
          part := 'readings_p' || to_char(to_timestamp(t / 1000) AT TIME ZONE 'UTC', 'YYYYMMDD');
          IF to_regclass(part) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF readings FOR VALUES FROM (%s) TO (%s)', part, t, t + week);
          END IF;
          t := t + week;
        END LOOP;
      END
      $m8$;
    `,
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
    sql: 'ALTER TABLE rollups ADD COLUMN estimated_kwh double precision;',
  },
];
