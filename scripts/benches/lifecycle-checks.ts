// Two figures of the lifecycle benchmark beside the colocator's: a customer's year chart over rollups, and a
// month invoiced from raw readings and from rollups (the invoice benchmark's small world, every minute).
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { computeEntityDrafts } from '../../central/billing/drafts.js';
import { RollupBuilder } from '../../central/lifecycle/builder.js';
import { buildModel } from '../../central/model/build.js';
import { openPostgresStore } from '../../central/storage/readings/postgres/store.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import type { CentralStore } from '../../central/storage/readings/types.js';
import type { ReadTier, RollupDay } from '../../central/storage/rollups/types.js';
import { rollupRowOf } from '../../central/energy/rollup.js';
import type { BoundaryTrace } from '../../central/energy/types.js';
import type { PointInfo } from '../../central/model/types.js';
import type { Selection } from '../../central/portal/core/targets.js';
import { selectionsOverCuts } from '../../central/portal/data/energy.js';
import type { IngestBatch } from '../../central/storage/readings/types.js';
import { SCHEMA_VERSION } from '../../protocol/wire.js';
import { invoiceInventory, invoiceTariffs, rackBatches, sequenceCounter, type InvoiceWorldSpec } from './invoice-data.js';

const DAY_MS = 86_400_000;
const EDGE_MS = 15 * 60_000;

/** A day as a 1-minute series makes it: every edge interpolated between readings 37 s before and 23 s after. */
function syntheticDay(seriesId: number, dayMs: number, startKwh: number, kW: number): RollupDay {
  const edges: BoundaryTrace[] = [];
  const intervals: RollupDay['intervals'] = [];
  const at = (t: number) => Math.round((startKwh + (kW * (t - dayMs)) / 3_600_000) * 1000) / 1000;
  for (let i = 0; i <= 96; i++) {
    const t = dayMs + i * EDGE_MS;
    const before = { ts: t - 37_000, valueKwh: at(t - 37_000) };
    const after = { ts: t + 23_000, valueKwh: at(t + 23_000) };
    const valueKwh = before.valueKwh + ((after.valueKwh - before.valueKwh) * 37_000) / 60_000;
    edges.push({ atMs: t, method: 'interpolated', estimated: false, valueKwh, before, after });
    if (i > 0) {
      const w = kW * 1000;
      intervals.push({
        kWh: valueKwh - edges[i - 1]!.valueKwh!,
        meanW: w,
        minW: Math.round(w * 0.93),
        maxW: Math.round(w * 1.08),
        readings: 15,
      });
    }
  }
  // Every edge measured: the day's estimate (energy/rollup.ts dayEstimate) is 0.
  return { seriesId, dayMs, intervalMin: 15, edges, intervals, estimatedKwh: 0 };
}

/**
 * A year of rollups for `series` series (the first `customer` of them a customer's), then the customer's
 * year chart read `runs` times two ways: the day totals of its series summed per day (totals), and the history
 * as the portal computes it (portal). Returns the p95 of each.
 */
export async function yearChartP95(opts: {
  pgUrl: string;
  schema: string;
  log: Logger;
  out: (l: string) => void;
  series?: number;
  customer?: number;
  runs?: number;
}): Promise<{ totalsP95Ms: number; portalP95Ms: number; series: number }> {
  const total = opts.series ?? 500;
  const customer = opts.customer ?? 50;
  const store = await openPostgresStore({ connectionString: opts.pgUrl, schema: opts.schema, log: opts.log });
  try {
    const start = Date.UTC(2025, 0, 1);
    // The series exist as ingest made them (one reading each, a year before); their rollups are synthetic.
    const refs = Array.from({ length: total }, (_, i) => ({
      pointId: `p${i}`,
      site: 'year',
      gateway: `gw-${i % 10}`,
      device: `pdu-${i}`,
      channel: 'total',
    }));
    await store.store(
      Array.from({ length: 10 }, (_, g): IngestBatch => {
        const readings = refs
          .filter((_, i) => i % 10 === g)
          .map((r) => ({
            device: r.device,
            channel: r.channel,
            ts: start - DAY_MS,
            values: { energy_import_kwh: 1 },
            quality: 'good' as const,
          }));
        return {
          kind: 'readings',
          site: 'year',
          gateway: `gw-${g}`,
          receivedAt: start,
          message: {
            v: SCHEMA_VERSION,
            gateway: `gw-${g}`,
            boot: 'b',
            seq: 1,
            seqEnd: readings.length,
            sentAt: start,
            historical: false,
            readings,
          },
        };
      }),
    );
    const idOf = new Map((await store.listSeries({ site: 'year' })).map((x) => [x.device, x.id]));
    // Claimed as a builder claims, and the claims completed with the last day: the series count as rolled up
    // and clean through the year, as the portal's day totals require.
    const claims = await store.claimRollups(refs.map((r) => ({ seriesId: idOf.get(r.device)!, toMs: start + 365 * DAY_MS })));
    for (let d = 0; d < 365; d++) {
      const rows = refs.map((r, s) =>
        rollupRowOf(syntheticDay(idOf.get(r.device)!, start + d * DAY_MS, 1000 + s + d * 24, 0.1 + (s % 40) / 10)),
      );
      await store.writeRollups(rows, d === 364 ? claims : []);
    }
    opts.out(`year chart: ${total} series x 365 days of rollups written`);
    const mine = refs.filter((_, i) => i % Math.floor(total / customer) === 0).slice(0, customer);
    const ids = mine.map((r) => idOf.get(r.device)!);
    const cuts = Array.from({ length: 366 }, (_, d) => start + d * DAY_MS);
    const p95 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]!;
    const totals: number[] = [];
    const portal: number[] = [];
    const rolled = onTier(store, 'rollups');
    const selection: Selection = {
      site: 'year',
      target: { kind: 'site' } as Selection['target'],
      plus: mine.map((m) => ({
        point: { id: m.pointId, node: m.device, gateway: m.gateway, device: m.device, channel: m.channel, site: m.site } as PointInfo,
        held: [{ fromMs: start - DAY_MS }],
      })),
      minus: [],
    };
    for (let r = 0; r < (opts.runs ?? 20); r++) {
      const t0 = performance.now();
      const rows = await store.rollupTotals(ids, start, start + 365 * DAY_MS);
      const perDay = new Map<number, number>();
      for (const x of rows) perDay.set(x.dayMs, (perDay.get(x.dayMs) ?? 0) + x.energyKwh);
      if (perDay.size !== 365) throw new Error(`the chart has ${perDay.size} days, not 365`);
      totals.push(performance.now() - t0);
      // The same chart as the portal computes a history (portal/data/energy.ts): day totals where the series
      // are rolled up and clean (the site's zone, UTC here, tells where the last day ends), the energy core
      // over the day edges for the rest, through the bridge.
      const t1 = performance.now();
      const res = await selectionsOverCuts(
        { store: rolled, model: { sites: new Map([['year', { timeZone: 'UTC' }]]) } },
        [selection],
        cuts,
      );
      if (res.buckets[0]!.length !== 365) throw new Error(`the portal chart has ${res.buckets[0]!.length} buckets, not 365`);
      portal.push(performance.now() - t1);
    }
    return { totalsP95Ms: p95(totals), portalP95Ms: p95(portal), series: customer };
  } finally {
    await store.close();
  }
}

const WORLD: InvoiceWorldSpec = {
  racksPerSite: 4,
  outletsPerPdu: 4,
  racksPerGateway: 2,
  changeEvery: 2,
  swapEvery: 2,
  secondSiteEvery: 2,
  contractChangeEvery: 1,
  overageEvery: 4,
  commitmentPriceEvery: 1,
  windowMin: 5,
  full: true,
  fullRacks: 0,
  month: '2026-10',
};

/** The store with one tier forced on every boundary lookup (what the comparisons of the two tiers read). */
export function onTier(store: CentralStore, tier: ReadTier): CentralStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'boundaries') return (qs: Parameters<CentralStore['boundaries']>[0]) => target.boundaries(qs, { tier });
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** October of the invoice benchmark's small world (swaps, a rack changing hands, overage) from raw and from rollups. */
export async function invoiceBothWays(opts: { dir: string; log: Logger; out: (l: string) => void }): Promise<boolean> {
  const store = await openSqliteStore({ file: join(opts.dir, 'invoice.db'), log: opts.log });
  try {
    const seq = sequenceCounter();
    for (const batches of rackBatches(WORLD, seq)) await store.store(batches);
    const built = buildModel(invoiceInventory(WORLD));
    if (!built.ok) throw new Error(built.problems.map((p) => p.message).join('; '));
    const model = built.model;
    const drafts = async (s: CentralStore) => {
      const deps = { store: s, model, tariffs: invoiceTariffs(WORLD) };
      const out = [];
      for (const entity of model.parties.entities.keys()) out.push((await computeEntityDrafts(deps, entity, WORLD.month)).drafts);
      return out;
    };
    const raw = await drafts(onTier(store, 'raw'));
    const builder = new RollupBuilder({
      store,
      timeZoneOf: (site) => model.sites.get(site)?.timeZone,
      clock: { now: () => Date.UTC(2026, 10, 10) },
      log: opts.log,
      intervalMin: 15,
    });
    const report = await builder.pass();
    const rolled = await drafts(onTier(store, 'rollups'));
    // Deep equality of every draft: lines, totals, quality and trace (key order aside).
    const equal = isDeepStrictEqual(rolled, raw);
    opts.out(`invoice both ways: ${raw.flat().length} drafts, ${report.days} rollup days; equal: ${equal}`);
    return equal;
  } finally {
    await store.close();
  }
}
