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
];
