// The PostgreSQL write path: one transaction per store() call, one round trip per table (rows travel as
// arrays and are unnested server-side), COMMIT before the promise resolves. Writers of the same gateway
// take turns on an advisory lock, so concurrent central instances neither deadlock nor lose range merges.
// Readings travel by binary COPY into a session staging table, merged by one INSERT ... ON CONFLICT DO
// NOTHING (issue 21: 2.4x the unnest insert it replaced); their weekly partitions are made before the
// transaction opens (partitions.ts).
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { GatewayKey, WritePlan } from '../plan.js';
import { mergeInto } from '../ranges.js';
import { orNull, seriesKey, splitSeriesKey } from '../columns.js';
import type { SeqRange, SeriesKey, StoreResult } from '../types.js';
import { lockKey, schemaIdent } from '../../postgres/sql.js';
import { writeSql, type WriteSql } from './write-sql.js';
import { binaryCopy, emptyStageRows } from './copy-rows.js';
import type { ReadingPartitions } from './partitions.js';
import { WEEK_MS, weekStartMs } from './weeks.js';

const SEP = '\u0000';
/** An insert routed to no partition: another instance dropped it since this one looked (retention). */
const NO_PARTITION = '23514';

export class PostgresWriter {
  private readonly sql: WriteSql;
  /** Committed series ids; ids created by an open transaction join only after its COMMIT. */
  private readonly seriesIds = new Map<string, number>();

  /** Connections whose staging table exists. */
  private readonly staged = new WeakSet<pg.PoolClient>();

  constructor(private readonly deps: { pool: pg.Pool; schema: string; partitions: ReadingPartitions }) {
    this.sql = writeSql(schemaIdent(deps.schema));
  }

  async write(plan: WritePlan): Promise<StoreResult[]> {
    if (plan.readings.length === 0) return this.attempt(plan);
    const weeks = new Set<number>();
    let last = NaN;
    for (const ts of plan.readings.ts) {
      // Readings of a call mostly share a week: skip the division while they stay in the last one seen.
      if (ts >= last && ts < last + WEEK_MS) continue;
      last = weekStartMs(ts);
      weeks.add(last);
    }
    await this.deps.partitions.ensureWeeks(weeks);
    try {
      return await this.attempt(plan);
    } catch (err) {
      if ((err as { code?: string }).code !== NO_PARTITION || !/no partition/.test((err as Error).message)) throw err;
      this.deps.partitions.forget();
      await this.deps.partitions.ensureWeeks(weeks);
      return this.attempt(plan);
    }
  }

  private async attempt(plan: WritePlan): Promise<StoreResult[]> {
    const results = plan.results.map((r) => ({ ...r }));
    const client = await this.deps.pool.connect();
    let broken: Error | undefined;
    try {
      // Made outside the transaction, so a rolled-back write does not take it away again.
      if (plan.readings.length > 0 && !this.staged.has(client)) {
        await client.query(this.sql.stage);
        this.staged.add(client);
      }
      const locks = plan.gateways.map((g) => `SELECT pg_advisory_xact_lock('${lockKey(this.deps.schema, gwKey(g))}'::bigint);`).join(' ');
      await client.query(`BEGIN; ${locks}`);
      try {
        const created = await this.apply(client, { ...plan, results });
        await client.query('COMMIT');
        for (const [k, id] of created) this.seriesIds.set(k, id);
        return results;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => {
          broken = e;
        });
        throw err;
      }
    } finally {
      client.release(broken);
    }
  }

  private async apply(client: pg.PoolClient, plan: WritePlan): Promise<Map<string, number>> {
    const created = await this.resolveSeries(client, plan);
    await this.readings(client, plan, created);
    await this.events(client, plan);
    await this.alerts(client, plan);
    await this.ranges(client, plan);
    if (plan.status.length > 0) {
      const s = plan.status;
      await client.query(this.sql.status, [
        s.map((r) => r.site),
        s.map((r) => r.gateway),
        s.map((r) => r.message.ts),
        s.map((r) => r.receivedAt),
        s.map((r) => JSON.stringify(r.message)),
      ]);
    }
    if (plan.meta.length > 0) {
      const m = plan.meta;
      await client.query(this.sql.meta, [
        m.map((r) => r.site),
        m.map((r) => r.gateway),
        m.map((r) => r.message.ts),
        m.map((r) => r.receivedAt),
        m.map((r) => JSON.stringify(r.message)),
      ]);
    }
    if (plan.serials.length > 0) {
      const s = plan.serials;
      await client.query(this.sql.serials, [
        s.map((r) => r.site),
        s.map((r) => r.gateway),
        s.map((r) => r.device),
        s.map((r) => r.serial),
        s.map((r) => r.firstSeenTs),
        s.map((r) => r.lastSeenTs),
      ]);
    }
    return created;
  }

  /** Series ids for every reading's channel: from the cache, else found or created in one statement. */
  private async resolveSeries(client: pg.PoolClient, plan: WritePlan): Promise<Map<string, number>> {
    const missing = new Set<string>();
    for (const k of plan.readings.series) if (!this.seriesIds.has(k)) missing.add(k);
    const created = new Map<string, number>();
    if (missing.size === 0) return created;
    const keys = [...missing].map(splitSeriesKey);
    const res = await client.query<SeriesKey & { id: number }>(this.sql.series, [
      keys.map((k) => k.site),
      keys.map((k) => k.gateway),
      keys.map((k) => k.device),
      keys.map((k) => k.channel),
    ]);
    for (const r of res.rows) created.set(seriesKey(r), r.id);
    return created;
  }

  private async readings(client: pg.PoolClient, plan: WritePlan, created: Map<string, number>): Promise<void> {
    const c = plan.readings;
    const rows = emptyStageRows();
    // Timestamps seen per series: numbers, not "id:ts" strings (a string per reading was a tenth of the
    // store's time, most of it in the garbage collector).
    const seen = new Map<number, Set<number>>();
    for (let i = 0; i < c.length; i++) {
      const id = this.seriesIds.get(c.series[i]!) ?? created.get(c.series[i]!)!;
      const b = c.batch[i]!;
      // A reading twice in one call: the second is a duplicate here (the database would not say which).
      let tss = seen.get(id);
      if (!tss) seen.set(id, (tss = new Set()));
      if (tss.has(c.ts[i]!)) {
        plan.results[b]!.duplicates++;
        continue;
      }
      tss.add(c.ts[i]!);
      rows.b.push(b);
      rows.sid.push(id);
      rows.ts.push(c.ts[i]!);
      rows.e.push(orNull(c.energyImportKwh[i]!));
      rows.p.push(orNull(c.powerW[i]!));
      rows.vals.push(c.vals[i]!);
      rows.flags.push(c.flags[i]!);
      rows.q.push(c.quality[i]!);
    }
    if (rows.b.length === 0) return;
    await copyInto(client, this.sql.copyStage, binaryCopy(rows));
    const offered = new Map<number, number>();
    for (const b of rows.b) offered.set(b, (offered.get(b) ?? 0) + 1);
    const single = offered.size === 1;
    const res = await client.query<{ b: number; n: number }>(this.sql.readingsFromStage, [single]);
    const inserted = new Map(res.rows.map((r) => [single ? rows.b[0]! : r.b, r.n]));
    for (const [b, n] of offered) {
      const got = inserted.get(b) ?? 0;
      plan.results[b]!.inserted += got;
      plan.results[b]!.duplicates += n - got;
    }
  }

  private async events(client: pg.PoolClient, plan: WritePlan): Promise<void> {
    const ev = plan.events;
    if (ev.length === 0) return;
    const res = await client.query<{ site: string; gateway: string; ident: string }>(this.sql.events, [
      ev.map((e) => e.site),
      ev.map((e) => e.gateway),
      ev.map((e) => e.ident),
      ev.map((e) => e.type),
      ev.map((e) => e.ts),
      ev.map((e) => e.device),
      ev.map((e) => e.channel),
      ev.map((e) => e.body),
      ev.map((e) => e.receivedAt),
    ]);
    const fresh = new Set(res.rows.map((r) => [r.site, r.gateway, r.ident].join(SEP)));
    for (const e of ev) count(plan.results[e.batch]!, fresh.has([e.site, e.gateway, e.ident].join(SEP)));
  }

  private async alerts(client: pg.PoolClient, plan: WritePlan): Promise<void> {
    const al = plan.alerts;
    if (al.length === 0) return;
    const res = await client.query<{ site: string; gateway: string; alert_id: string; ts: number; state: string }>(this.sql.alerts, [
      al.map((r) => r.site),
      al.map((r) => r.gateway),
      al.map((r) => r.alert.id),
      al.map((r) => r.alert.ts),
      al.map((r) => r.alert.state),
      al.map((r) => r.alert.type),
      al.map((r) => r.alert.severity),
      al.map((r) => r.alert.device ?? null),
      al.map((r) => r.alert.channel ?? null),
      al.map((r) => r.alert.message),
      al.map((r) => r.receivedAt),
    ]);
    const fresh = new Set(res.rows.map((r) => [r.site, r.gateway, r.alert_id, r.ts, r.state].join(SEP)));
    for (const r of al) count(plan.results[r.batch]!, fresh.has([r.site, r.gateway, r.alert.id, r.alert.ts, r.alert.state].join(SEP)));
  }

  private async ranges(client: pg.PoolClient, plan: WritePlan): Promise<void> {
    if (plan.ranges.length === 0) return;
    const incoming = plan.ranges.flatMap((g) => g.ranges.map((r) => ({ ...r, site: g.site, gateway: g.gateway })));
    const near = await client.query<SeqRange & GatewayKey>(this.sql.rangesNear, [
      incoming.map((r) => r.site),
      incoming.map((r) => r.gateway),
      incoming.map((r) => r.fromSeq),
      incoming.map((r) => r.toSeq),
    ]);
    const del: (SeqRange & GatewayKey)[] = [];
    const up: (SeqRange & GatewayKey)[] = [];
    for (const g of plan.ranges) {
      const stored = new Map<number, SeqRange>();
      for (const r of near.rows)
        if (r.site === g.site && r.gateway === g.gateway) stored.set(r.fromSeq, { fromSeq: r.fromSeq, toSeq: r.toSeq });
      const change = mergeInto([...stored.values()], g.ranges);
      for (const r of change.remove) del.push({ ...r, site: g.site, gateway: g.gateway });
      for (const r of change.upsert) up.push({ ...r, site: g.site, gateway: g.gateway });
    }
    if (del.length === 0 && up.length === 0) return;
    await client.query(this.sql.rangesWrite, [
      del.map((r) => r.site),
      del.map((r) => r.gateway),
      del.map((r) => r.fromSeq),
      up.map((r) => r.site),
      up.map((r) => r.gateway),
      up.map((r) => r.fromSeq),
      up.map((r) => r.toSeq),
    ]);
  }
}

function copyInto(client: pg.PoolClient, sql: string, payload: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', resolve);
    stream.end(payload);
  });
}

function gwKey(g: GatewayKey): string {
  return `gateway${SEP}${g.site}${SEP}${g.gateway}`;
}

function count(result: StoreResult, fresh: boolean): void {
  if (fresh) result.inserted++;
  else result.duplicates++;
}
