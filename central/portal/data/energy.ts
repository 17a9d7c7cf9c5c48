// Energy of portal targets over bucket edges, from the counters in storage through the energy bridge
// (energy/store-source.ts). Every selection asked together shares one StoreSources, and each point is
// computed once per distinct held span (a rack and the site above it share their meters): the counters are
// fetched once per point and edge, and a selection's figure is its points' buckets summed, plus less minus.
// Energy stops at the newest reading of the points read (energy/data-end.ts): buckets after it are left
// out and the one it falls in ends there, so nothing is extrapolated into time the data has not reached.
import { clipToNewestReading } from '../../energy/data-end.js';
import { heldEnergyOverCuts } from '../../energy/group.js';
import { StoreSources, type StoreSourcesDeps } from '../../energy/store-source.js';
import { DEFAULT_ENERGY_OPTIONS, type EnergyOptions } from '../../energy/types.js';
import type { BucketEnergy } from '../core/buckets.js';
import type { SelectedPoint, Selection } from '../core/targets.js';

export interface EnergyDeps {
  store: StoreSourcesDeps['store'];
  energyOptions?: EnergyOptions;
}

const keyOf = (s: SelectedPoint): string => `${s.point.id}\n${JSON.stringify(s.held)}`;

export interface SelectionsEnergy {
  /** Per selection, in the order given: the net energy of each bucket up to where the data ends. */
  buckets: BucketEnergy[][];
  /** Undefined: the data reaches the last cut. Otherwise no point has a newer reading; the buckets stop there. */
  clippedToMs: number | undefined;
}

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
  await sources.loadEvents(cutsMs[0]! - opts.estimateWindowMs);
  await sources.prefetch(ids.map((pointId) => ({ pointId, instantsMs: cutsMs })));
  const results = await sources.settle(items, (x) =>
    heldEnergyOverCuts([{ pointId: x.point.id, series: sources.get(x.point.id), held: x.held }], cutsMs, opts).map((b) => ({
      kWh: b.kWh,
      estimatedKwh: b.estimatedKwh,
    })),
  );
  const buckets = new Map<string, { kWh: number; estimatedKwh: number }[]>();
  for (const [x, r] of results) {
    if ('error' in r) throw r.error;
    buckets.set(keyOf(x), r.value);
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
