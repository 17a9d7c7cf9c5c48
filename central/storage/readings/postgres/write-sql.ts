// The write statements, for one schema. Rows arrive as parallel arrays and are unnested server-side:
// one round trip per table whatever the number of rows.
export type WriteSql = ReturnType<typeof writeSql>;

export function writeSql(s: string) {
  return {
    // Rows the INSERT adds come from its RETURNING; rows that existed, from the table (same gateway lock).
    series: `WITH k AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(site, gateway, device, channel)),
      ins AS (INSERT INTO ${s}.series (site, gateway, device, channel) SELECT * FROM k ON CONFLICT DO NOTHING
        RETURNING id, site, gateway, device, channel)
      SELECT * FROM ins
      UNION ALL SELECT s.id, s.site, s.gateway, s.device, s.channel FROM ${s}.series s
        JOIN k ON s.site = k.site AND s.gateway = k.gateway AND s.device = k.device AND s.channel = k.channel`,
    // The session's staging table for COPY (copy-rows.ts): temporary (no WAL, local buffers), made once per
    // connection, emptied by every COMMIT.
    stage: `CREATE TEMP TABLE IF NOT EXISTS readings_stage (b int4, series_id int4, ts int8, e float8, p float8, vals text, flags text, q text)
      ON COMMIT DELETE ROWS`,
    copyStage: 'COPY pg_temp.readings_stage FROM STDIN (FORMAT binary)',
    // Inserts the staged rows, keeps each series' first/last ts and count, marks a series whose new readings
    // reach before its rollup watermark dirty from the oldest (issue 21; a mark already at or before them
    // moves back 1 ms, as on SQLite: a claim in progress clears only the mark it left, so it must see a
    // change), and says per batch how many were new.
    // $1: true when the call holds one batch only (no join needed to attribute the rows).
    readingsFromStage: `WITH ins AS (INSERT INTO ${s}.readings (ts, energy_import_kwh, power_w, series_id, quality, vals, flags)
        SELECT ts, e, p, series_id, q, vals, flags FROM pg_temp.readings_stage ON CONFLICT DO NOTHING RETURNING series_id, ts),
      agg AS (SELECT series_id, min(ts) AS lo, max(ts) AS hi, count(*) AS n FROM ins GROUP BY series_id),
      upd AS (UPDATE ${s}.series s SET first_ts = LEAST(s.first_ts, agg.lo), last_ts = GREATEST(s.last_ts, agg.hi),
        reading_count = s.reading_count + agg.n,
        dirty_from_ms = CASE WHEN s.rolled_to_ms IS NULL OR agg.lo >= s.rolled_to_ms THEN s.dirty_from_ms
          WHEN s.dirty_from_ms IS NULL OR agg.lo < s.dirty_from_ms THEN agg.lo ELSE s.dirty_from_ms - 1 END
        FROM agg WHERE s.id = agg.series_id)
      SELECT st.b, count(*)::int AS n FROM ins JOIN pg_temp.readings_stage st ON st.series_id = ins.series_id AND st.ts = ins.ts
        WHERE NOT $1::bool GROUP BY st.b
      UNION ALL SELECT -1, count(*)::int FROM ins WHERE $1::bool`,
    events: `INSERT INTO ${s}.events (site, gateway, ident, type, ts, device, channel, body, received_at)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::text[], $7::text[], $8::text[], $9::int8[])
      ON CONFLICT DO NOTHING RETURNING site, gateway, ident`,
    // New transitions go to the history; the latest new one per alert then competes with the current one.
    alerts: `WITH ins AS (INSERT INTO ${s}.alerts (site, gateway, alert_id, ts, state, type, severity, device, channel, message, received_at)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::text[], $6::text[], $7::text[],
          $8::text[], $9::text[], $10::text[], $11::int8[])
        ON CONFLICT DO NOTHING RETURNING *),
      win AS (SELECT DISTINCT ON (site, gateway, alert_id) * FROM ins ORDER BY site, gateway, alert_id, ts DESC, (state = 'cleared') DESC),
      cur AS (INSERT INTO ${s}.alerts_current SELECT * FROM win ON CONFLICT (site, gateway, alert_id) DO UPDATE SET
          ts = EXCLUDED.ts, state = EXCLUDED.state, type = EXCLUDED.type, severity = EXCLUDED.severity, device = EXCLUDED.device,
          channel = EXCLUDED.channel, message = EXCLUDED.message, received_at = EXCLUDED.received_at
        WHERE EXCLUDED.ts > alerts_current.ts OR (EXCLUDED.ts = alerts_current.ts AND EXCLUDED.state = 'cleared'))
      SELECT site, gateway, alert_id, ts, state FROM ins`,
    // Stored ranges never touch each other: only those starting inside [from, to + 1] and the last one
    // starting before `from` can touch an incoming range.
    rangesNear: `SELECT r.site, r.gateway, r.from_seq AS "fromSeq", r.to_seq AS "toSeq"
      FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[]) AS i(site, gateway, lo, hi)
      CROSS JOIN LATERAL (
        (SELECT * FROM ${s}.seq_ranges x WHERE x.site = i.site AND x.gateway = i.gateway AND x.from_seq BETWEEN i.lo AND i.hi + 1)
        UNION ALL
        (SELECT * FROM ${s}.seq_ranges x WHERE x.site = i.site AND x.gateway = i.gateway AND x.from_seq < i.lo ORDER BY x.from_seq DESC LIMIT 1)
      ) r`,
    // Removed ranges never start where an upserted one does (../ranges.ts), so the two parts do not meet.
    rangesWrite: `WITH d AS (DELETE FROM ${s}.seq_ranges r USING unnest($1::text[], $2::text[], $3::int8[]) AS x(site, gateway, from_seq)
        WHERE r.site = x.site AND r.gateway = x.gateway AND r.from_seq = x.from_seq)
      INSERT INTO ${s}.seq_ranges (site, gateway, from_seq, to_seq) SELECT * FROM unnest($4::text[], $5::text[], $6::int8[], $7::int8[])
      ON CONFLICT (site, gateway, from_seq) DO UPDATE SET to_seq = EXCLUDED.to_seq`,
    // Arrival order for status: the Last Will carries the ts of the connect, older than the last online status.
    status: `INSERT INTO ${s}.gateway_status (site, gateway, ts, received_at, body)
      SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[], $5::text[])
      ON CONFLICT (site, gateway) DO UPDATE SET ts = EXCLUDED.ts, received_at = EXCLUDED.received_at, body = EXCLUDED.body
      WHERE EXCLUDED.received_at > gateway_status.received_at
        OR (EXCLUDED.received_at = gateway_status.received_at AND EXCLUDED.ts >= gateway_status.ts)`,
    meta: `INSERT INTO ${s}.gateway_meta (site, gateway, ts, received_at, body)
      SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[], $5::text[])
      ON CONFLICT (site, gateway) DO UPDATE SET ts = EXCLUDED.ts, received_at = EXCLUDED.received_at, body = EXCLUDED.body
      WHERE EXCLUDED.ts > gateway_meta.ts OR (EXCLUDED.ts = gateway_meta.ts AND EXCLUDED.received_at >= gateway_meta.received_at)`,
    serials: `INSERT INTO ${s}.device_serials (site, gateway, device, serial, first_seen_ts, last_seen_ts)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::int8[])
      ON CONFLICT (site, gateway, device, serial) DO UPDATE SET
        first_seen_ts = LEAST(device_serials.first_seen_ts, EXCLUDED.first_seen_ts),
        last_seen_ts = GREATEST(device_serials.last_seen_ts, EXCLUDED.last_seen_ts)`,
  } as const;
}
