// One rollup pass (issue 21, "Builder"): late epoch events mark their series dirty; each series that moved
// on or is dirty is claimed up to its target (claimRollups: a builder killed before writing leaves the
// range dirty for the next pass); whole local days over the claimed range are computed by the energy core
// on raw readings (a raw-tier StoreSources bridge, so the edges are exactly what the core gives from raw),
// with the power statistics of one aggregate query, and written with the claims they complete. Chunks of
// series and windows of days keep memory bounded and let a stop end the pass between two writes.
import { setImmediate as yieldNow } from 'node:timers/promises';
import type { Logger } from 'pino';
import { seriesEnergyOverCuts } from '../energy/series.js';
import { seriesIndex, StoreSources, type PointSeriesRef, type StoreSourcesDeps } from '../energy/store-source.js';
import { DEFAULT_ENERGY_OPTIONS, type EnergyOptions } from '../energy/types.js';
import { assembleRollupDays, dayCuts, dayStartOf, gridCuts, rollupGrid, rollupRowOf, statsByStart } from '../energy/rollup.js';
import type { LifecycleStore, RollupClaim, RollupIntervalMin, RollupRow } from '../storage/rollups/types.js';
import { dayNumber, daysBetween, nextDayStart } from './grid.js';
import { markLateEpochs, type LateEpochStore } from './late-epochs.js';
import { DEFAULT_CHUNK_LIMITS, rollupChunks, rollupTargets, type ChunkLimits, type RollupTarget } from './plan.js';

export const RAW_FROM_KEY = 'raw_from_ms';

export type BuilderStore = Pick<LifecycleStore, 'rollupStates' | 'claimRollups' | 'powerStats' | 'writeRollups'> &
  LateEpochStore &
  StoreSourcesDeps['store'];

export interface RollupBuilderDeps {
  store: BuilderStore;
  /** The zone of a site (the model's); undefined: UTC, said once per site. */
  timeZoneOf: (site: string) => string | undefined;
  clock: { now(): number };
  log: Logger;
  intervalMin: RollupIntervalMin;
  limits?: Partial<ChunkLimits>;
  energy?: EnergyOptions;
}

export interface RollupPassReport {
  /** Series whose claim was built and written. */
  series: number;
  /** Rollup days written. */
  days: number;
  /** Raw readings the written days cover. */
  readings: number;
  /** Series marked dirty by late epoch events. */
  lateEpochs: number;
  /** Series whose computation failed (left dirty; logged). */
  failed: number;
  /** The pass ended early on a stop; the rest is left for the next pass. */
  stopped: boolean;
  ms: number;
}

interface Work {
  target: RollupTarget;
  claim: RollupClaim;
  days: number[];
  failed: boolean;
}

export class RollupBuilder {
  private readonly warned = new Set<string>();
  private readonly limits: ChunkLimits;
  private readonly energy: EnergyOptions;

  constructor(private readonly deps: RollupBuilderDeps) {
    this.limits = { ...DEFAULT_CHUNK_LIMITS, ...deps.limits };
    this.energy = deps.energy ?? DEFAULT_ENERGY_OPTIONS;
  }

  private zone = (site: string): string => {
    const z = this.deps.timeZoneOf(site);
    if (z !== undefined) return z;
    if (!this.warned.has(site)) {
      this.warned.add(site);
      this.deps.log.warn({ site }, 'rollups: the inventory has no zone for this site; its days are UTC days');
    }
    return 'UTC';
  };

  /** One pass (the caller holds the rollup lock). */
  async pass(signal?: AbortSignal): Promise<RollupPassReport> {
    const startedMs = performance.now();
    const { store, intervalMin } = this.deps;
    const report: RollupPassReport = { series: 0, days: 0, readings: 0, lateEpochs: 0, failed: 0, stopped: false, ms: 0 };
    let states = await store.rollupStates();
    report.lateEpochs = await markLateEpochs(store, states, this.deps.clock.now(), this.energy.estimateWindowMs);
    if (report.lateEpochs > 0) states = await store.rollupStates();
    const targets = rollupTargets(states, this.zone, intervalMin, this.deps.clock.now());
    const rawFromMs = await store.lifecycleValue(RAW_FROM_KEY);
    const index = targets.length > 0 ? await seriesIndex(store, new Set(targets.map((t) => t.state.site))) : new Map<string, number>();
    for (const chunk of rollupChunks(targets, intervalMin, this.limits)) {
      if (signal?.aborted) break;
      await this.chunk(chunk, rawFromMs, index, report, signal);
    }
    report.stopped = signal?.aborted ?? false;
    report.ms = Math.round(performance.now() - startedMs);
    return report;
  }

  private async chunk(
    chunk: readonly RollupTarget[],
    rawFromMs: number | undefined,
    index: ReadonlyMap<string, number>,
    report: RollupPassReport,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const timeZone = chunk[0]!.timeZone;
    const claims = await this.deps.store.claimRollups(chunk.map((t) => ({ seriesId: t.state.seriesId, toMs: t.toMs })));
    const byId = new Map(chunk.map((t) => [t.state.seriesId, t]));
    // Raw readings before rawFrom are gone: a day is rebuilt from raw only where raw is whole.
    const rawDayMs = rawFromMs === undefined ? -Infinity : nextDayStart(dayStartOf(timeZone, rawFromMs - 1), timeZone);
    const work: Work[] = [];
    const empty: RollupClaim[] = [];
    for (const claim of claims) {
      const target = byId.get(claim.seriesId)!;
      const fromMs = Math.max(claim.fromMs, target.state.firstTs ?? claim.fromMs, rawDayMs);
      const days = fromMs > claim.toMs ? [] : daysBetween(dayStartOf(timeZone, fromMs), dayStartOf(timeZone, claim.toMs), timeZone);
      if (days.length === 0) empty.push(claim);
      else work.push({ target, claim, days, failed: false });
    }
    if (empty.length > 0) await this.deps.store.writeRollups([], empty);
    if (work.length === 0) return;
    const base = Math.min(...work.map((w) => dayNumber(w.days[0]!, timeZone)));
    const windowOf = (dayMs: number): number => Math.floor((dayNumber(dayMs, timeZone) - base) / this.limits.days);
    const last = Math.max(...work.map((w) => windowOf(w.days[w.days.length - 1]!)));
    for (let k = 0; k <= last; k++) {
      if (signal?.aborted) return;
      const slices = work
        .filter((w) => !w.failed)
        .map((w) => ({ w, days: w.days.filter((d) => windowOf(d) === k) }))
        .filter((s) => s.days.length > 0);
      if (slices.length === 0) continue;
      const rows = await this.window(slices, timeZone, index, report);
      const done = slices.filter((s) => !s.w.failed && s.days[s.days.length - 1] === s.w.days[s.w.days.length - 1]).map((s) => s.w.claim);
      await this.deps.store.writeRollups(rows, done);
      report.series += done.length;
      report.days += rows.length;
      for (const r of rows) report.readings += r.readings;
      // SQLite answers on this thread: let ingest, the broker and the API run between windows.
      await yieldNow();
    }
  }

  /** The rows of some series over their days within one window. */
  private async window(
    slices: readonly { w: Work; days: number[] }[],
    timeZone: string,
    index: ReadonlyMap<string, number>,
    report: RollupPassReport,
  ): Promise<RollupRow[]> {
    const { store, intervalMin } = this.deps;
    const stepMs = intervalMin * 60_000;
    const items = slices.map(({ w, days }) => {
      const grid = rollupGrid(timeZone, days[0]!, days[days.length - 1]! + 1, intervalMin);
      const s = w.target.state;
      const ref: PointSeriesRef = { pointId: String(s.seriesId), site: s.site, gateway: s.gateway, device: s.device, channel: s.channel };
      return { w, grid, cuts: gridCuts(grid), ref };
    });
    const fromMs = Math.min(...items.map((i) => i.cuts[0]!));
    const toMs = Math.max(...items.map((i) => i.cuts[i.cuts.length - 1]!));
    const sources = await StoreSources.open(
      { store, tier: 'raw' },
      items.map((i) => i.ref),
      index,
    );
    await sources.loadEvents(fromMs - this.energy.estimateWindowMs);
    await sources.prefetch(items.map((i) => ({ pointId: i.ref.pointId, instantsMs: i.cuts })));
    // Each whole day too (its edges are among the cuts): the day's estimate as a history bucket counts it.
    const results = await sources.settle(items, (i) => ({
      intervals: seriesEnergyOverCuts(sources.get(i.ref.pointId), i.cuts, this.energy),
      days: seriesEnergyOverCuts(sources.get(i.ref.pointId), dayCuts(i.grid), this.energy),
    }));
    // Cells are counted from the window's first midnight: every series here shares the zone's grid.
    const cells = new Map<number, Awaited<ReturnType<BuilderStore['powerStats']>>>();
    for (const c of await store.powerStats(
      items.map((i) => i.w.target.state.seriesId),
      fromMs,
      toMs,
      fromMs,
      stepMs,
    )) {
      const list = cells.get(c.seriesId);
      if (list) list.push(c);
      else cells.set(c.seriesId, [c]);
    }
    const rows: RollupRow[] = [];
    for (const i of items) {
      const seriesId = i.w.target.state.seriesId;
      const r = results.get(i)!;
      try {
        if ('error' in r) throw r.error;
        const stats = statsByStart(cells.get(seriesId) ?? [], fromMs, stepMs);
        for (const d of assembleRollupDays(seriesId, i.grid, r.value.intervals, stats, r.value.days)) rows.push(rollupRowOf(d));
      } catch (err) {
        i.w.failed = true;
        report.failed++;
        this.deps.log.error({ err, seriesId }, 'rollups: a series could not be built; left dirty');
      }
    }
    return rows;
  }
}
