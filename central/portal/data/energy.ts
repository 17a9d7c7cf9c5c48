// Energy of portal targets over bucket edges, from the counters in storage through the energy bridge
// (energy/store-source.ts). Every selection asked together shares one StoreSources, and each point is
// computed once per distinct held span (a rack and the site above it share their meters): the counters are
// fetched once per point and edge, and a selection's figure is its points' buckets summed, plus less minus.
// Energy stops at the newest reading of the points read (energy/data-end.ts): buckets after it are left
// out and the one it falls in ends there, so nothing is extrapolated into time the data has not reached.
// A point's leading buckets of whole rolled-up days take the rows' day totals instead (day-totals.ts): the
// same figures, without decoding a year of day rows; the core computes the buckets after them.
import { clipToNewestReading } from '../../energy/data-end.js';
import { heldEnergyOverCuts } from '../../energy/group.js';
import { StoreSources, type StoreSourcesDeps } from '../../energy/store-source.js';
import { DEFAULT_ENERGY_OPTIONS, type EnergyOptions } from '../../energy/types.js';
import type { BucketEnergy } from '../core/buckets.js';
import type { SelectedPoint, Selection } from '../core/targets.js';
import { formatLocalDate, localDateOf, localMidnight, nextDay, parseLocalDate } from '../../../common/local-time.js';
import { hasDayTotals, leadingDayBuckets, readDayTotals, type BucketFigures } from './day-totals.js';

export interface EnergyDeps {
  store: StoreSourcesDeps['store'];
  energyOptions?: EnergyOptions;
  /** False: every bucket through the energy core, none from the rollups' day totals (the proof compares both). */
  dayTotals?: boolean;
  /** The sites' zones (views pass their model): where a last rolled-up day ends when no row follows it. */
  model?: { sites: ReadonlyMap<string, { timeZone: string }> };
}

const keyOf = (s: SelectedPoint): string => `${s.point.id}\n${JSON.stringify(s.held)}`;

export interface SelectionsEnergy {
  /** Per selection, in the order given: the net energy of each bucket up to where the data ends. */
  buckets: BucketEnergy[][];
  /** Undefined: the data reaches the last cut. Otherwise no point has a newer reading; the buckets stop there. */
  clippedToMs: number | undefined;
}

/** The local midnight after the day starting at dayMs. */
const nextMidnight = (timeZone: string, dayMs: number): number =>
  localMidnight(formatLocalDate(nextDay(parseLocalDate(localDateOf(dayMs, timeZone)))), timeZone);

/** The cuts up to `endMs`, ending at it. */
function cutsUntil(cutsMs: readonly number[], endMs: number): number[] {
  const kept = cutsMs.filter((c) => c < endMs);
  return kept.length === 0 ? [] : [...kept, endMs];
}

/** Each selection's net energy over [cuts[i], cuts[i+1]), in the order given, until the data ends. */
export async function selectionsOverCuts(
  deps: EnergyDeps,
  selections: readonly Selection[],
  allCutsMs: readonly number[],
): Promise<SelectionsEnergy> {
  const opts = deps.energyOptions ?? DEFAULT_ENERGY_OPTIONS;
  const unique = new Map<string, SelectedPoint>();
  for (const s of selections) for (const x of [...s.plus, ...s.minus]) unique.set(keyOf(x), x);
  const items = [...unique.values()];
  const sources = await StoreSources.open(
    { store: deps.store },
    items.map(({ point: p }) => ({ pointId: p.id, site: p.site, gateway: p.gateway, device: p.device, channel: p.channel })),
  );
  const ids = [...new Set(items.map((x) => x.point.id))];
  const lastMs = allCutsMs[allCutsMs.length - 1]!;
  await sources.prefetch(ids.map((pointId) => ({ pointId, instantsMs: [lastMs] })));
  const clippedToMs =
    ids.length === 0
      ? undefined
      : clipToNewestReading(
          ids.map((id) => sources.get(id)),
          allCutsMs[0]!,
          lastMs,
        );
  const cutsMs = clippedToMs === undefined ? allCutsMs : cutsUntil(allCutsMs, clippedToMs);
  if (cutsMs.length < 2) return { buckets: selections.map(() => []), clippedToMs };
  // Each item's leading buckets from day totals; the core gets the cuts from the first bucket they leave.
  const lead = new Map<string, BucketFigures[]>();
  if (deps.dayTotals !== false && hasDayTotals(deps.store)) {
    const stored = items.flatMap((x) => {
      const storeId = sources.get(x.point.id).storeId;
      return storeId === undefined ? [] : [{ storeId, site: x.point.site }];
    });
    const totals = await readDayTotals(deps.store, stored, cutsMs);
    for (const x of items) {
      const storeId = sources.get(x.point.id).storeId;
      const t = storeId === undefined ? undefined : totals.get(storeId);
      const zone = deps.model?.sites.get(x.point.site)?.timeZone;
      lead.set(
        keyOf(x),
        leadingDayBuckets(cutsMs, t?.rows ?? [], t?.state, x.held, zone ? (dayMs) => nextMidnight(zone, dayMs) : undefined),
      );
    }
  }
  const coreFrom = (x: SelectedPoint): number => lead.get(keyOf(x))?.length ?? 0;
  const rest = items.filter((x) => coreFrom(x) < cutsMs.length - 1);
  const firstByPoint = new Map<string, number>();
  for (const x of rest) firstByPoint.set(x.point.id, Math.min(firstByPoint.get(x.point.id) ?? Infinity, coreFrom(x)));
  if (rest.length > 0) {
    await sources.loadEvents(cutsMs[Math.min(...firstByPoint.values())]! - opts.estimateWindowMs);
    await sources.prefetch([...firstByPoint].map(([pointId, k]) => ({ pointId, instantsMs: cutsMs.slice(k) })));
  }
  const results = await sources.settle(rest, (x) =>
    heldEnergyOverCuts([{ pointId: x.point.id, series: sources.get(x.point.id), held: x.held }], cutsMs.slice(coreFrom(x)), opts).map(
      (b) => ({ kWh: b.kWh, estimatedKwh: b.estimatedKwh }),
    ),
  );
  const buckets = new Map<string, BucketFigures[]>();
  const inCore = new Set(rest);
  for (const x of items) if (!inCore.has(x)) buckets.set(keyOf(x), lead.get(keyOf(x))!);
  for (const [x, r] of results) {
    if ('error' in r) throw r.error;
    buckets.set(keyOf(x), [...(lead.get(keyOf(x)) ?? []), ...r.value]);
  }
  return {
    clippedToMs,
    buckets: selections.map((s) => {
      const plus = s.plus.map((x) => buckets.get(keyOf(x))!);
      const minus = s.minus.map((x) => buckets.get(keyOf(x))!);
      return cutsMs.slice(1).map((toMs, i): BucketEnergy => {
        const sum = (list: typeof plus, k: 'kWh' | 'estimatedKwh') => list.reduce((acc, b) => acc + b[i]![k], 0);
        const kWh = Math.max(0, sum(plus, 'kWh') - sum(minus, 'kWh'));
        return { fromMs: cutsMs[i]!, toMs, kWh, estimatedKwh: Math.min(kWh, sum(plus, 'estimatedKwh') + sum(minus, 'estimatedKwh')) };
      });
    }),
  };
}
