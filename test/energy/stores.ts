// Real stores for the energy bridge tests: SQLite in a temp dir, PostgreSQL in a fresh schema of this
// run (dropped at teardown), and synthetic series ingested through store.store as gateways send them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import type { Reading } from '../../protocol/reading.js';
import { SCHEMA_VERSION, type GatewayEvent } from '../../protocol/wire.js';
import type { SyntheticSeries } from '../helpers/synthetic.js';
import { openPostgresStore } from '../../central/storage/readings/postgres/store.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import type { CentralStore, IngestBatch } from '../../central/storage/readings/types.js';
import { needPeer, quietLog } from '../helpers/env.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';

const schemas = pgSchemas('jb_energy');

export interface StoreKind {
  name: 'sqlite' | 'postgres';
  open(): Promise<CentralStore>;
}

/** The stores to run against: SQLite always, PostgreSQL when reachable (skipped with a reason otherwise). */
export async function storeKinds(t: Test): Promise<StoreKind[]> {
  const kinds: StoreKind[] = [
    { name: 'sqlite', open: () => openSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'jb-energy-')), 'central.db'), log: quietLog }) },
  ];
  if (needPeer(t, await pgReachable(), `PostgreSQL at ${PG_URL}`)) {
    t.teardown(() => schemas.dropAll());
    kinds.push({
      name: 'postgres',
      open: () => openPostgresStore({ connectionString: PG_URL, schema: schemas.next(), log: quietLog, maxConnections: 2 }),
    });
  }
  return kinds;
}

export interface SeriesToIngest {
  site: string;
  gateway: string;
  device: string;
  channel: string;
  data: SyntheticSeries;
  /** Readings (by ts) whose counter the gateway doubted: stored with this value and flagged suspect. */
  suspect?: ReadonlyMap<number, number>;
}

const seqs = new Map<string, number>();
const nextSeq = (gw: string): number => {
  const s = (seqs.get(gw) ?? 0) + 1;
  seqs.set(gw, s);
  return s;
};
const envelope = (gateway: string, seq: number, ts: number) => ({
  v: SCHEMA_VERSION as typeof SCHEMA_VERSION,
  gateway,
  boot: 'b1',
  seq,
  seqEnd: seq,
  sentAt: ts,
});

/** Readings messages of up to 500 readings and one events message per series, stored 20 messages a call. */
export async function ingest(store: CentralStore, list: readonly SeriesToIngest[]): Promise<number> {
  const batches: IngestBatch[] = [];
  for (const s of list) {
    const power = new Map(s.data.power.map((p) => [p.ts, p.powerW]));
    const readings: Reading[] = s.data.counters.map((c) => {
      const bad = s.suspect?.get(c.ts);
      const values: Reading['values'] = { energy_import_kwh: bad ?? c.valueKwh };
      const w = power.get(c.ts);
      if (w !== undefined) values.power_w = w;
      return {
        device: s.device,
        channel: s.channel,
        ts: c.ts,
        values,
        quality: 'good',
        ...(bad !== undefined ? { flags: { energy_import_kwh: 'suspect' as const } } : {}),
      };
    });
    for (let i = 0; i < readings.length; i += 500) {
      const chunk = readings.slice(i, i + 500);
      const ts = chunk[chunk.length - 1]!.ts;
      batches.push({
        kind: 'readings',
        site: s.site,
        gateway: s.gateway,
        receivedAt: ts + 1000,
        message: { ...envelope(s.gateway, nextSeq(s.gateway), ts), historical: false, readings: chunk },
      });
    }
    const events: GatewayEvent[] = s.data.events.map((e) => ({
      type: 'counter_epoch',
      ts: e.new.ts + 1000,
      reason: e.reason,
      device: s.device,
      channel: s.channel,
      measurement: 'energy_import_kwh',
      old: e.old,
      new: e.new,
      betweenKwh: e.betweenKwh,
      estimated: e.estimated,
    }));
    if (events.length > 0) {
      const ts = events[events.length - 1]!.ts;
      batches.push({
        kind: 'events',
        site: s.site,
        gateway: s.gateway,
        receivedAt: ts + 1000,
        message: { ...envelope(s.gateway, nextSeq(s.gateway), ts), events },
      });
    }
  }
  let inserted = 0;
  for (let i = 0; i < batches.length; i += 20) for (const r of await store.store(batches.slice(i, i + 20))) inserted += r.inserted;
  return inserted;
}
