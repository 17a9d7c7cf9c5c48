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
      -- Identity (series, ts): a second copy of a reading is ignored. Clustered by series, so a series'
      -- readings and its boundary lookups are one B-tree seek. energy_import_kwh and power_w are promoted
      -- out of vals. Every gateway poll carries the energy counters, so the key finds an energy boundary at
      -- once; power comes with full polls only, so it has a partial index of its own that the energy-only
      -- polls do not pay for.
      CREATE TABLE readings (
        series_id INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        energy_import_kwh REAL,
        power_w REAL,
        vals TEXT,
        flags TEXT,
        quality TEXT NOT NULL,
        PRIMARY KEY (series_id, ts)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX readings_power_w ON readings (series_id, ts) WHERE power_w IS NOT NULL;

      CREATE TABLE events (
        site TEXT NOT NULL, gateway TEXT NOT NULL, ident TEXT NOT NULL,
        type TEXT NOT NULL, ts INTEGER NOT NULL, device TEXT, channel TEXT,
        body TEXT NOT NULL, received_at INTEGER NOT NULL,
        PRIMARY KEY (site, gateway, ident)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX events_by_type ON events (site, gateway, type, ts);
      CREATE INDEX events_epochs ON events (site, gateway, device, channel, ts) WHERE type = 'counter_epoch';

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
