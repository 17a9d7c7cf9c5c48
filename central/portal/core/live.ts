// Live power of groups (site, room, rack, feed, phase) from the latest power reading of each point. A
// group sums the points nothing else in the group covers (model/cover.ts), among those read recently:
// when a top meter falls silent, the meters below it stand in. A customer's live power is its billed
// points less the points of others' inside them (model/customer-points.ts). Pure.
import { topPoints } from '../../model/cover.js';
import type { InventoryModel, PointInfo } from '../../model/types.js';

export const LIVE_GROUP_BY = ['site', 'room', 'rack', 'feed', 'phase'] as const;
export type LiveGroupBy = (typeof LIVE_GROUP_BY)[number];

/** A point's latest reading of a measurement. */
export interface LatestValue {
  ts: number;
  value: number;
}

export interface LiveRow {
  site: string;
  /** The group's id (`ams1-r12`, `A`, `L2`); `-` for points without one. */
  group: string;
  kW: number;
  /** Points summed (after dropping covered ones). */
  points: number;
  /** Newest and oldest reading summed. */
  newestTs: number | undefined;
  oldestTs: number | undefined;
  /** Points of the group with no reading within the freshness window. */
  stale: number;
}

export function groupOf(p: PointInfo, by: LiveGroupBy): string {
  const v = by === 'site' ? p.site : by === 'room' ? p.room : by === 'rack' ? p.rack : by === 'feed' ? p.feed : p.phase;
  return v ?? '-';
}

interface Acc {
  row: LiveRow;
  ids: string[];
}

function acc(map: Map<string, Acc>, p: PointInfo, by: LiveGroupBy): Acc {
  const group = groupOf(p, by);
  const key = `${p.site}\n${group}`;
  let a = map.get(key);
  if (!a) {
    a = { row: { site: p.site, group, kW: 0, points: 0, newestTs: undefined, oldestTs: undefined, stale: 0 }, ids: [] };
    map.set(key, a);
  }
  return a;
}

function add(row: LiveRow, v: LatestValue, sign: 1 | -1): void {
  row.kW += (sign * v.value) / 1000;
  row.points++;
  row.newestTs = Math.max(row.newestTs ?? -Infinity, v.ts);
  row.oldestTs = Math.min(row.oldestTs ?? Infinity, v.ts);
}

const sorted = (map: Map<string, Acc>): LiveRow[] =>
  [...map.values()].map((a) => a.row).sort((x, y) => x.site.localeCompare(y.site) || x.group.localeCompare(y.group));

export interface LiveInput {
  /** Latest power_w per point id. */
  latest: ReadonlyMap<string, LatestValue>;
  nowMs: number;
  /** A reading older than this is not live. */
  freshMs: number;
}

/** Every metered point of the model (or of one site), grouped; infrastructure meters included. */
export function operatorLive(model: InventoryModel, by: LiveGroupBy, input: LiveInput, site?: string): LiveRow[] {
  const map = new Map<string, Acc>();
  for (const p of model.points.values()) {
    if (p.scope === 'aux' || (site !== undefined && p.site !== site)) continue;
    const a = acc(map, p, by);
    const v = input.latest.get(p.id);
    if (v && input.nowMs - v.ts <= input.freshMs) a.ids.push(p.id);
    else a.row.stale++;
  }
  for (const a of map.values()) for (const p of topPoints(model, a.ids)) add(a.row, input.latest.get(p.id)!, 1);
  return sorted(map);
}

/** A customer's billed points (plus) less the others' points inside them (minus), held now. */
export function customerLive(plus: readonly PointInfo[], minus: readonly PointInfo[], by: LiveGroupBy, input: LiveInput): LiveRow[] {
  const map = new Map<string, Acc>();
  const take = (p: PointInfo, sign: 1 | -1) => {
    const a = acc(map, p, by);
    const v = input.latest.get(p.id);
    if (v && input.nowMs - v.ts <= input.freshMs) add(a.row, v, sign);
    else a.row.stale++;
  };
  for (const p of plus) take(p, 1);
  for (const p of minus) take(p, -1);
  for (const a of map.values()) a.row.kW = Math.max(0, a.row.kW);
  return sorted(map);
}
