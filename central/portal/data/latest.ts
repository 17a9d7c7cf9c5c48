// The latest reading of a measurement for each of some points: one boundary lookup per point at `now`
// (one index seek each, in one store call), the series found by one listSeries per site.
import { seriesIndex, type StoreSourcesDeps } from '../../energy/store-source.js';
import type { Measurement } from '../../../protocol/measurements.js';
import type { PointInfo } from '../../model/types.js';
import type { LatestValue } from '../core/live.js';

export async function latestValues(
  store: StoreSourcesDeps['store'],
  points: readonly PointInfo[],
  measurement: Measurement,
  nowMs: number,
): Promise<Map<string, LatestValue>> {
  const index = await seriesIndex(store, new Set(points.map((p) => p.site)));
  const asked = points.flatMap((p) => {
    const id = index.get(`${p.site}\n${p.gateway}\n${p.device}\n${p.channel}`);
    return id === undefined ? [] : [{ point: p.id, q: { seriesId: id, measurement, atMs: nowMs } }];
  });
  const pairs = asked.length > 0 ? await store.boundaries(asked.map((a) => a.q)) : [];
  const out = new Map<string, LatestValue>();
  asked.forEach((a, i) => {
    const b = pairs[i]!.before;
    if (b) out.set(a.point, { ts: b.ts, value: b.value });
  });
  return out;
}
