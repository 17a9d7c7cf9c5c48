// The bridge from asynchronous storage to the synchronous energy core. The core asks a SeriesSource for
// single readings at instants; here those answers are fetched ahead in batches (store.boundaries: one
// index seek per side and instant) and held in memory. What the core asks beyond them (a reading behind a
// suspect one, a neighbour to estimate a rate from, power near a gap) is recorded as a miss, fetched in
// one more batch, and the computation run again: the core is pure, so a pass without a miss gives exactly
// what it would give on a source holding every reading. The cost grows with the instants, not the
// sampling rate: a typical period needs one pass.
import type { BoundaryQuery, BoundaryValues, EventReader, SeriesReader } from '../storage/readings/types.js';
import type { ReadTier } from '../storage/rollups/types.js';
import type { BoundaryTrace, CounterReading, EpochEvent, PowerReading, SeriesSource } from './types.js';

export const ENERGY_MEASUREMENT = 'energy_import_kwh';
export const POWER_MEASUREMENT = 'power_w';

/** Where a point's readings come from: its site and the gateway, device and channel that read it. */
export interface PointSeriesRef {
  pointId: string;
  site: string;
  gateway: string;
  device: string;
  channel: string;
}

export interface BridgeStats {
  /** Boundary pairs fetched (one pair: the reading at or before and at or after one instant). */
  boundaryQueries: number;
  /** store.boundaries calls. */
  boundaryCalls: number;
  /** Event queries (one per gateway and range). */
  eventQueries: number;
  /** Passes of the computation; 1 when the prefetch answered everything. */
  passes: number;
  /** Lookups the prefetch had not answered (each caused a fetch). */
  misses: number;
}

export interface StoreSourcesDeps {
  store: Pick<SeriesReader, 'listSeries' | 'boundaries'> & Pick<EventReader, 'events'>;
  /** Boundary pairs per store.boundaries call (default 5,000). */
  batchSize?: number;
  /** Passes before giving up (default 40: deeper than any chain of suspect readings the core steps over). */
  maxPasses?: number;
  /** Which tier answers the boundaries (default auto: rollups where raw readings aged out). */
  tier?: ReadTier;
}

/** The computation still missed readings after maxPasses: a bug, not data. */
export class BridgeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BridgeError';
  }
}

type Kind = 'counter' | 'power';

/** Storage ids of the series of some sites, by site, gateway, device and channel. */
export type SeriesIndex = ReadonlyMap<string, number>;

export async function seriesIndex(store: StoreSourcesDeps['store'], sites: Iterable<string>): Promise<SeriesIndex> {
  const ids = new Map<string, number>();
  for (const site of sites)
    for (const s of await store.listSeries({ site })) ids.set(sourceKey(s.site, s.gateway, s.device, s.channel), s.id);
  return ids;
}
interface Cached<T> {
  before: T | undefined;
  after: T | undefined;
}

const seriesName = (r: PointSeriesRef): string => `${r.site}/${r.gateway}/${r.device}/${r.channel}/${ENERGY_MEASUREMENT}`;
const sourceKey = (site: string, gateway: string, device: string, channel: string): string => `${site}\n${gateway}\n${device}\n${channel}`;

function toCounter(s: BoundaryValues['before']): CounterReading | undefined {
  if (!s) return undefined;
  return s.flags?.[ENERGY_MEASUREMENT] === 'suspect' ? { ts: s.ts, valueKwh: s.value, suspect: true } : { ts: s.ts, valueKwh: s.value };
}
const toPower = (s: BoundaryValues['before']): PowerReading | undefined => (s ? { ts: s.ts, powerW: s.value } : undefined);

/** One point's series as the core sees it: answers from what was fetched, misses recorded for the next pass. */
export class PrefetchedSeries implements SeriesSource {
  readonly seriesId: string;
  /** Lookups answered (counter, power, events): the same count on any sampling rate. */
  lookups = 0;
  private readonly counters = new Map<number, Cached<CounterReading>>();
  private readonly power = new Map<number, Cached<PowerReading>>();
  /** Counter instants the rollup tier answered with the edge the core computed from raw readings. */
  private readonly edges = new Map<number, BoundaryTrace>();
  private events: EpochEvent[] = [];
  private eventsFromMs = Infinity;

  constructor(
    readonly ref: PointSeriesRef,
    readonly storeId: number | undefined,
    private readonly miss: (s: PrefetchedSeries, kind: Kind | 'events', atMs: number) => void,
  ) {
    this.seriesId = seriesName(ref);
  }

  /** Instants already fetched or asked for. */
  has(kind: Kind, atMs: number): boolean {
    return (kind === 'counter' ? this.counters : this.power).has(atMs);
  }

  fill(kind: Kind, atMs: number, pair: BoundaryValues): void {
    if (kind === 'counter') {
      this.counters.set(atMs, { before: toCounter(pair.before), after: toCounter(pair.after) });
      if (pair.edge) this.edges.set(atMs, pair.edge);
    } else this.power.set(atMs, { before: toPower(pair.before), after: toPower(pair.after) });
  }

  setEvents(events: readonly EpochEvent[], fromMs: number): void {
    this.events = [...events];
    this.eventsFromMs = fromMs;
  }

  private look<T>(kind: Kind, map: Map<number, Cached<T>>, t: number, side: keyof Cached<T>): T | undefined {
    this.lookups++;
    if (this.storeId === undefined) return undefined; // no reading was ever stored for this point
    const hit = map.get(t);
    if (hit) return hit[side];
    this.miss(this, kind, t);
    return undefined;
  }

  counterAtOrBefore(t: number): CounterReading | undefined {
    return this.look('counter', this.counters, t, 'before');
  }
  counterAtOrAfter(t: number): CounterReading | undefined {
    return this.look('counter', this.counters, t, 'after');
  }
  /** Comes with the counter pair at t: a miss fetches that pair. Not counted as a lookup (no reading is read). */
  edgeAt(t: number): BoundaryTrace | undefined {
    if (this.storeId === undefined) return undefined;
    if (!this.counters.has(t)) {
      this.miss(this, 'counter', t);
      return undefined;
    }
    return this.edges.get(t);
  }
  powerAtOrBefore(t: number): PowerReading | undefined {
    return this.look('power', this.power, t, 'before');
  }
  powerAtOrAfter(t: number): PowerReading | undefined {
    return this.look('power', this.power, t, 'after');
  }

  epochEvents(fromMs: number, toMs: number): readonly EpochEvent[] {
    this.lookups++;
    if (this.storeId !== undefined && fromMs < this.eventsFromMs) this.miss(this, 'events', fromMs);
    return this.events.filter((e) => e.old.ts <= toMs && e.new.ts >= fromMs);
  }
}

/**
 * The series of a set of points, over one store. `prefetch` the instants the computation will ask, then
 * `settle` it: it runs, fetches what it missed, and runs again until nothing is missing.
 */
export class StoreSources {
  readonly stats: BridgeStats = { boundaryQueries: 0, boundaryCalls: 0, eventQueries: 0, passes: 0, misses: 0 };
  private readonly byPoint = new Map<string, PrefetchedSeries>();
  private pending = new Map<PrefetchedSeries, { counter: Set<number>; power: Set<number>; eventsFromMs: number }>();
  private missCount = 0;

  private constructor(private readonly deps: StoreSourcesDeps) {}

  /**
   * Finds each point's series (one listSeries per site, or the given index from seriesIndex, which a run
   * over many chunks of points reads once); a point with no stored series reads as empty.
   */
  static async open(deps: StoreSourcesDeps, points: readonly PointSeriesRef[], index?: SeriesIndex): Promise<StoreSources> {
    const self = new StoreSources(deps);
    const ids = index ?? (await seriesIndex(deps.store, new Set(points.map((p) => p.site))));
    const onMiss = (s: PrefetchedSeries, kind: Kind | 'events', atMs: number): void => self.recordMiss(s, kind, atMs);
    for (const p of points) {
      if (!self.byPoint.has(p.pointId))
        self.byPoint.set(p.pointId, new PrefetchedSeries(p, ids.get(sourceKey(p.site, p.gateway, p.device, p.channel)), onMiss));
    }
    return self;
  }

  get(pointId: string): PrefetchedSeries {
    const s = this.byPoint.get(pointId);
    if (!s) throw new BridgeError(`point ${pointId} was not opened`);
    return s;
  }

  get misses(): number {
    return this.missCount;
  }

  private recordMiss(s: PrefetchedSeries, kind: Kind | 'events', atMs: number): void {
    this.missCount++;
    this.stats.misses++;
    let p = this.pending.get(s);
    if (!p) {
      p = { counter: new Set(), power: new Set(), eventsFromMs: Infinity };
      this.pending.set(s, p);
    }
    if (kind === 'events') p.eventsFromMs = Math.min(p.eventsFromMs, atMs);
    else p[kind].add(atMs);
  }

  /** Fetches the counter pair at each instant of each point (instants already held are skipped). */
  async prefetch(requests: Iterable<{ pointId: string; instantsMs: Iterable<number> }>): Promise<void> {
    const work: [PrefetchedSeries, Kind, number][] = [];
    for (const r of requests) {
      const s = this.get(r.pointId);
      if (s.storeId === undefined) continue;
      for (const t of r.instantsMs) if (!s.has('counter', t)) work.push([s, 'counter', t]);
    }
    await this.fetchPairs(work);
  }

  /**
   * The counter_epoch events of the points' gateways with ts >= fromMs (an event's ts is when the gateway
   * saw the new epoch, at or after its new reading), one query per gateway.
   */
  async loadEvents(fromMs: number, only?: readonly PrefetchedSeries[]): Promise<void> {
    const targets = only ?? [...this.byPoint.values()];
    const byGateway = new Map<string, PrefetchedSeries[]>();
    for (const s of targets) {
      if (s.storeId === undefined) continue;
      const k = `${s.ref.site}\n${s.ref.gateway}`;
      const list = byGateway.get(k);
      if (list) list.push(s);
      else byGateway.set(k, [s]);
    }
    for (const list of byGateway.values()) {
      const { site, gateway } = list[0]!.ref;
      this.stats.eventQueries++;
      const stored = await this.deps.store.events({ site, gateway, type: 'counter_epoch', fromMs });
      const byChannel = new Map<string, EpochEvent[]>();
      for (const { event: e } of stored) {
        if (e.type !== 'counter_epoch' || e.measurement !== ENERGY_MEASUREMENT) continue;
        const k = `${e.device}\n${e.channel}`;
        const ev: EpochEvent = { reason: e.reason, old: e.old, new: e.new, betweenKwh: e.betweenKwh, estimated: e.estimated };
        const list = byChannel.get(k);
        if (list) list.push(ev);
        else byChannel.set(k, [ev]);
      }
      for (const s of list) s.setEvents(byChannel.get(`${s.ref.device}\n${s.ref.channel}`) ?? [], fromMs);
    }
  }

  private async fetchPairs(work: readonly [PrefetchedSeries, Kind, number][]): Promise<void> {
    const size = this.deps.batchSize ?? 5000;
    for (let i = 0; i < work.length; i += size) {
      const chunk = work.slice(i, i + size);
      const qs: BoundaryQuery[] = chunk.map(([s, kind, atMs]) => ({
        seriesId: s.storeId!,
        measurement: kind === 'counter' ? ENERGY_MEASUREMENT : POWER_MEASUREMENT,
        atMs,
      }));
      const pairs = await this.deps.store.boundaries(qs, this.deps.tier ? { tier: this.deps.tier } : undefined);
      this.stats.boundaryCalls++;
      this.stats.boundaryQueries += qs.length;
      chunk.forEach(([s, kind, atMs], j) => s.fill(kind, atMs, pairs[j]!));
    }
  }

  private async fetchPending(): Promise<void> {
    const pending = this.pending;
    this.pending = new Map();
    const work: [PrefetchedSeries, Kind, number][] = [];
    const eventsFor = new Map<number, PrefetchedSeries[]>();
    for (const [s, p] of pending) {
      for (const t of p.counter) work.push([s, 'counter', t]);
      for (const t of p.power) work.push([s, 'power', t]);
      if (p.eventsFromMs === Infinity) continue;
      const list = eventsFor.get(p.eventsFromMs);
      if (list) list.push(s);
      else eventsFor.set(p.eventsFromMs, [s]);
    }
    await this.fetchPairs(work);
    for (const [fromMs, list] of eventsFor) await this.loadEvents(fromMs, list);
  }

  /**
   * Runs `compute` for each item until a pass misses nothing, fetching what each pass missed; items whose
   * pass missed nothing keep that result. An error thrown by `compute` is the item's result (as `error`).
   */
  async settle<K, R>(items: readonly K[], compute: (item: K) => R): Promise<Map<K, { value: R } | { error: unknown }>> {
    const out = new Map<K, { value: R } | { error: unknown }>();
    let todo = [...items];
    const max = this.deps.maxPasses ?? 40;
    for (let pass = 1; todo.length > 0; pass++) {
      if (pass > max) throw new BridgeError(`still missing readings after ${max} passes (${todo.length} items)`);
      this.stats.passes = Math.max(this.stats.passes, pass);
      const again: K[] = [];
      for (const item of todo) {
        const before = this.missCount;
        let r: { value: R } | { error: unknown };
        try {
          r = { value: compute(item) };
        } catch (error) {
          r = { error };
        }
        if (this.missCount > before) again.push(item);
        else out.set(item, r);
      }
      if (again.length > 0) await this.fetchPending();
      todo = again;
    }
    return out;
  }
}
