// PostgreSQL schema, as numbered migrations (see ../migration.ts). Append new entries; never edit applied
// ones. They run with search_path set to the store's schema, so names here are unqualified.
import type { Migration } from '../migration.js';

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
];
