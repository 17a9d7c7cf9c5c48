// What `joulebook central storage status` prints and the metrics export: sizes per tier, the oldest raw
// reading and rollup day, where raw is complete from, what the next retention pass would remove, how far
// the rollups lag and how many series wait for a rebuild. Sizes cost a query, so the metrics read a copy
// at most a few seconds old.
import type { LifecycleStore, StorageFigures } from '../storage/rollups/types.js';
import { planRetention, type RetentionDeps } from './retention.js';
import type { CutoffReason } from './retention-cutoff.js';

export type StatusStore = RetentionDeps['store'] & Pick<LifecycleStore, 'storageFigures' | 'rollupTotals'>;

export interface StorageStatus {
  nowMs: number;
  figures: StorageFigures;
  /** Bytes per stored raw reading (table and indexes); undefined without readings. */
  rawBytesPerReading: number | undefined;
  /** Bytes per rollup row (a series and day). */
  rollupBytesPerDay: number | undefined;
  next: {
    rawCutoffMs: number;
    /** What holds the cutoff where it is. */
    heldBy: CutoffReason;
    month?: { entity: string; period: string };
    rawRemovable: number;
    rollupCutoffMs: number;
    rollupDaysRemovable: number;
    historyCutoffMs: number | undefined;
  };
  /** now - the lowest watermark of the series with data; undefined when none is rolled up. */
  rollupLagMs: number | undefined;
  seriesWithData: number;
  dirtySeries: number;
  /** Series with data that were never rolled up. */
  unrolledSeries: number;
}

export async function storageStatus(deps: Omit<RetentionDeps, 'store'> & { store: StatusStore }): Promise<StorageStatus> {
  const { store } = deps;
  const [figures, plan, states] = await Promise.all([store.storageFigures(), planRetention(deps), store.rollupStates()]);
  const withData = states.filter((s) => s.firstTs !== undefined);
  const rolled = withData.filter((s) => s.rolledToMs !== undefined).map((s) => s.rolledToMs!);
  const oldDays =
    figures.oldestRollupDayMs !== undefined && figures.oldestRollupDayMs < plan.rollupCutoffMs
      ? (
          await store.rollupTotals(
            withData.map((s) => s.seriesId),
            -Number.MAX_SAFE_INTEGER,
            plan.rollupCutoffMs,
          )
        ).length
      : 0;
  return {
    nowMs: plan.nowMs,
    figures,
    rawBytesPerReading: figures.rawRows > 0 ? figures.rawBytes / figures.rawRows : undefined,
    rollupBytesPerDay: figures.rollupRows > 0 ? figures.rollupBytes / figures.rollupRows : undefined,
    next: {
      rawCutoffMs: plan.raw.cutoffMs,
      heldBy: plan.raw.reason,
      ...(plan.raw.month ? { month: plan.raw.month } : {}),
      rawRemovable: await store.rawRemovable(plan.raw.cutoffMs),
      rollupCutoffMs: plan.rollupCutoffMs,
      rollupDaysRemovable: oldDays,
      historyCutoffMs: plan.historyCutoffMs,
    },
    rollupLagMs: rolled.length > 0 ? plan.nowMs - Math.min(...rolled) : undefined,
    seriesWithData: withData.length,
    dirtySeries: states.filter((s) => s.dirtyFromMs !== undefined).length,
    unrolledSeries: withData.length - rolled.length,
  };
}

/** A reader of the status that reads it again only when the copy is older than ttlMs (one read at a time). */
export function cachedStatus(read: () => Promise<StorageStatus>, ttlMs = 5_000, nowMs: () => number = () => performance.now()) {
  let copy: { atMs: number; value: Promise<StorageStatus> } | undefined;
  return (): Promise<StorageStatus> => {
    if (!copy || nowMs() - copy.atMs > ttlMs) {
      const value = read();
      copy = { atMs: nowMs(), value };
      // A failed read is not kept: the next scrape tries again.
      value.catch(() => {
        if (copy?.value === value) copy = undefined;
      });
    }
    return copy.value;
  };
}

const iso = (ms: number | undefined): string => (ms === undefined ? '-' : new Date(ms).toISOString());
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const per = (n: number | undefined, what: string): string => (n === undefined ? '' : ` (${n.toFixed(1)} bytes per ${what})`);
const hours = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 3_600_000).toFixed(1)} h`);

export function formatStatus(s: StorageStatus): string {
  const f = s.figures;
  const n = s.next;
  return [
    `raw       ${mb(f.rawBytes)}, ${f.rawRows} readings${per(s.rawBytesPerReading, 'reading')}`,
    `rollups   ${mb(f.rollupBytes)}, ${f.rollupRows} series-days${per(s.rollupBytesPerDay, 'series-day')}`,
    `other     ${mb(f.otherBytes)}`,
    `oldest raw reading   ${iso(f.oldestRawMs)}`,
    `oldest rollup day    ${iso(f.oldestRollupDayMs)}`,
    `raw complete from    ${f.rawFromMs === undefined ? 'the start (retention never removed any)' : iso(f.rawFromMs)}`,
    `next retention pass  raw before ${iso(n.rawCutoffMs)} (held by ${n.heldBy}${n.month ? `: ${n.month.entity} ${n.month.period}` : ''}): ` +
      `${n.rawRemovable} readings; rollup days before ${iso(n.rollupCutoffMs)}: ${n.rollupDaysRemovable}` +
      (n.historyCutoffMs === undefined ? '' : `; events and alerts before ${iso(n.historyCutoffMs)}`),
    `rollup lag           ${hours(s.rollupLagMs)} (${s.seriesWithData} series with data, ${s.unrolledSeries} never rolled up, ${s.dirtySeries} dirty)`,
    '',
  ].join('\n');
}
