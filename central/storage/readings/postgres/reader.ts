// The PostgreSQL read side. Boundaries for many series go in one query per measurement (a lateral
// index lookup per series), so an invoice run does not pay a round trip per point.
import type pg from 'pg';
import type { GatewayEvent } from '../../../../protocol/wire.js';
import { decodeReading, isPromoted, VALUE_CODES, type ReadingRowOut } from '../encode.js';
import { gapsBetween } from '../ranges.js';
import {
  alertFromRow,
  gatewayFromRow,
  latestFromRow,
  seriesFromRow,
  type AlertRowOut,
  type GatewayRowOut,
  type LatestRowOut,
  type SeriesRowOut,
} from '../rows.js';
import type {
  AlertQuery,
  BoundaryPair,
  BoundaryQuery,
  CounterEpochEvent,
  DeviceSerial,
  EventQuery,
  GatewayInfo,
  LatestReading,
  SeqRange,
  SeriesFilter,
  SeriesInfo,
  SeriesKey,
  SeriesReading,
  StoredAlert,
  StoredEvent,
} from '../types.js';
import { schemaIdent } from '../../postgres/sql.js';

const READING_COLS = ['ts', 'energy_import_kwh', 'power_w', 'vals', 'flags', 'quality'] as const;
const SERIES_COLS = 'id, site, gateway, device, channel, first_ts, last_ts, reading_count';
const ALERT_COLS = 'site, gateway, alert_id, ts, state, type, severity, device, channel, message, received_at';
const MIN_TS = Number.MIN_SAFE_INTEGER;
const MAX_TS = Number.MAX_SAFE_INTEGER;

type Row = Record<string, unknown>;

export class PostgresReader {
  private readonly s: string;

  constructor(private readonly deps: { pool: pg.Pool; schema: string }) {
    this.s = schemaIdent(deps.schema);
  }

  private async rows<T>(text: string, values: unknown[]): Promise<T[]> {
    return (await this.deps.pool.query(text, values)).rows as T[];
  }

  async listSeries(f: SeriesFilter = {}): Promise<SeriesInfo[]> {
    const rows = await this.rows<SeriesRowOut>(
      `SELECT ${SERIES_COLS} FROM ${this.s}.series
      WHERE ($1::text IS NULL OR site = $1) AND ($2::text IS NULL OR gateway = $2) AND ($3::text IS NULL OR device = $3)
      ORDER BY site, gateway, device, channel`,
      [f.site ?? null, f.gateway ?? null, f.device ?? null],
    );
    return rows.map(seriesFromRow);
  }

  async findSeries(k: SeriesKey): Promise<SeriesInfo | undefined> {
    const rows = await this.rows<SeriesRowOut>(
      `SELECT ${SERIES_COLS} FROM ${this.s}.series WHERE site = $1 AND gateway = $2 AND device = $3 AND channel = $4`,
      [k.site, k.gateway, k.device, k.channel],
    );
    return rows[0] && seriesFromRow(rows[0]);
  }

  async readings(seriesId: number, fromMs: number, toMs: number, limit?: number): Promise<SeriesReading[]> {
    const rows = await this.rows<ReadingRowOut>(
      `SELECT ${READING_COLS.join(', ')} FROM ${this.s}.readings
      WHERE series_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts LIMIT $4`,
      [seriesId, fromMs, toMs, limit ?? null],
    );
    return rows.map(decodeReading);
  }

  async boundaries(qs: readonly BoundaryQuery[]): Promise<BoundaryPair[]> {
    const out: BoundaryPair[] = qs.map(() => ({ before: undefined, after: undefined }));
    const byMeasurement = new Map<string, number[]>();
    qs.forEach((q, i) => byMeasurement.set(q.measurement, [...(byMeasurement.get(q.measurement) ?? []), i]));
    for (const [m, idx] of byMeasurement) {
      const has = isPromoted(m) ? `${m} IS NOT NULL` : `(vals::json ->> $3) IS NOT NULL`;
      const cols = (p: string) => READING_COLS.map((c) => `${p}.${c} AS ${p}_${c}`).join(', ');
      const pick = `SELECT ${READING_COLS.join(', ')} FROM ${this.s}.readings WHERE series_id = q.sid AND ${has}`;
      const text = `SELECT q.i, ${cols('b')}, ${cols('a')}
        FROM unnest($1::int[], $2::int8[]) WITH ORDINALITY AS q(sid, at, i)
        LEFT JOIN LATERAL (${pick} AND ts <= q.at ORDER BY ts DESC LIMIT 1) b ON true
        LEFT JOIN LATERAL (${pick} AND ts >= q.at ORDER BY ts LIMIT 1) a ON true`;
      const values: unknown[] = [idx.map((i) => qs[i]!.seriesId), idx.map((i) => qs[i]!.atMs)];
      if (!isPromoted(m)) values.push(VALUE_CODES[m] ?? m);
      for (const r of await this.rows<Row>(text, values)) {
        out[idx[(r.i as number) - 1]!] = { before: sample(r, 'b', m), after: sample(r, 'a', m) };
      }
    }
    return out;
  }

  async events(q: EventQuery): Promise<StoredEvent[]> {
    const rows = await this.rows<{ site: string; gateway: string; received_at: number; body: string }>(
      `SELECT site, gateway, received_at, body FROM ${this.s}.events WHERE site = $1 AND gateway = $2 AND ($3::text IS NULL OR type = $3)
        AND ts >= $4 AND ts < $5 ORDER BY ts, ident LIMIT $6`,
      [q.site, q.gateway, q.type ?? null, q.fromMs ?? MIN_TS, q.toMs ?? MAX_TS, q.limit ?? null],
    );
    return rows.map((r) => ({ site: r.site, gateway: r.gateway, receivedAt: r.received_at, event: JSON.parse(r.body) as GatewayEvent }));
  }

  async epochEvents(seriesId: number, fromMs: number, toMs: number): Promise<CounterEpochEvent[]> {
    const rows = await this.rows<{ body: string }>(
      `SELECT e.body FROM ${this.s}.series s JOIN ${this.s}.events e
        ON e.site = s.site AND e.gateway = s.gateway AND e.device = s.device AND e.channel = s.channel
      WHERE s.id = $1 AND e.type = 'counter_epoch' AND e.ts >= $2 AND e.ts < $3 ORDER BY e.ts, e.ident`,
      [seriesId, fromMs, toMs],
    );
    return rows.map((r) => JSON.parse(r.body) as CounterEpochEvent);
  }

  async sequenceRanges(site: string, gateway: string): Promise<SeqRange[]> {
    return this.rows<SeqRange>(
      `SELECT from_seq AS "fromSeq", to_seq AS "toSeq" FROM ${this.s}.seq_ranges WHERE site = $1 AND gateway = $2
      ORDER BY from_seq`,
      [site, gateway],
    );
  }

  async sequenceGaps(site: string, gateway: string): Promise<SeqRange[]> {
    return gapsBetween(await this.sequenceRanges(site, gateway));
  }

  async activeAlerts(f: { site?: string; gateway?: string } = {}): Promise<StoredAlert[]> {
    const rows = await this.rows<AlertRowOut>(
      `SELECT ${ALERT_COLS} FROM ${this.s}.alerts_current
      WHERE state = 'raised' AND ($1::text IS NULL OR site = $1) AND ($2::text IS NULL OR gateway = $2)
      ORDER BY site, gateway, ts, alert_id`,
      [f.site ?? null, f.gateway ?? null],
    );
    return rows.map(alertFromRow);
  }

  async alertHistory(q: AlertQuery = {}): Promise<StoredAlert[]> {
    const rows = await this.rows<AlertRowOut>(
      `SELECT ${ALERT_COLS} FROM ${this.s}.alerts
      WHERE ($1::text IS NULL OR site = $1) AND ($2::text IS NULL OR gateway = $2) AND ($3::text IS NULL OR alert_id = $3)
        AND ts >= $4 AND ts < $5
      ORDER BY ts, (state = 'cleared'), site, gateway, alert_id LIMIT $6`,
      [q.site ?? null, q.gateway ?? null, q.alertId ?? null, q.fromMs ?? MIN_TS, q.toMs ?? MAX_TS, q.limit ?? null],
    );
    return rows.map(alertFromRow);
  }

  async gateways(f: { site?: string; gateway?: string } = {}): Promise<GatewayInfo[]> {
    const s = this.s;
    const rows = await this.rows<GatewayRowOut>(
      `SELECT k.site, k.gateway, st.body AS status, st.received_at AS status_at,
        m.body AS meta, m.received_at AS meta_at
      FROM (SELECT site, gateway FROM ${s}.gateway_status UNION SELECT site, gateway FROM ${s}.gateway_meta
        UNION SELECT site, gateway FROM ${s}.seq_ranges) k
      LEFT JOIN ${s}.gateway_status st ON st.site = k.site AND st.gateway = k.gateway
      LEFT JOIN ${s}.gateway_meta m ON m.site = k.site AND m.gateway = k.gateway
      WHERE ($1::text IS NULL OR k.site = $1) AND ($2::text IS NULL OR k.gateway = $2) ORDER BY k.site, k.gateway`,
      [f.site ?? null, f.gateway ?? null],
    );
    return rows.map(gatewayFromRow);
  }

  async latestReadings(f: { site?: string } = {}): Promise<LatestReading[]> {
    const rows = await this.rows<LatestRowOut>(
      `SELECT s.id AS series_id, s.site, s.gateway, s.device, s.channel, ${READING_COLS.map((c) => `r.${c}`).join(', ')}
      FROM ${this.s}.series s JOIN ${this.s}.readings r ON r.series_id = s.id AND r.ts = s.last_ts
      WHERE ($1::text IS NULL OR s.site = $1) ORDER BY s.site, s.gateway, s.device, s.channel`,
      [f.site ?? null],
    );
    return rows.map(latestFromRow);
  }

  async deviceSerials(site: string, gateway: string, device?: string): Promise<DeviceSerial[]> {
    return this.rows<DeviceSerial>(
      `SELECT site, gateway, device, serial, first_seen_ts AS "firstSeenTs", last_seen_ts AS "lastSeenTs"
      FROM ${this.s}.device_serials WHERE site = $1 AND gateway = $2 AND ($3::text IS NULL OR device = $3)
      ORDER BY device, first_seen_ts, serial`,
      [site, gateway, device ?? null],
    );
  }
}

function sample(r: Row, p: 'a' | 'b', m: string): BoundaryPair['before'] {
  if (r[`${p}_ts`] === null) return undefined;
  const row = Object.fromEntries(READING_COLS.map((c) => [c, r[`${p}_${c}`]])) as unknown as ReadingRowOut;
  const reading = decodeReading(row);
  return { ...reading, value: (reading.values as Record<string, number>)[m]! };
}
