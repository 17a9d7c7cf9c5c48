// One retention pass: raw readings before the cutoff retention-cutoff.ts decides, rollup days older than
// rollupYears, events and alerts older than historyDays when that is set. PostgreSQL drops whole
// partitions in one call; SQLite deletes bounded batches, and the pass yields to the event loop between
// them (ingest and the API interleave) and stops after a cap, leaving the rest to the next pass.
import { setImmediate as yieldNow } from 'node:timers/promises';
import type { BillingStore } from '../storage/billing/types.js';
import type { LifecycleStore } from '../storage/rollups/types.js';
import { historyCutoff, rawCutoff, rollupCutoff, type CutoffEntity, type RawCutoff } from './retention-cutoff.js';

const CLOSED_AFTER_MS = 86_400_000;

export interface RetentionSettings {
  rawDays: number;
  rollupYears: number;
  historyDays?: number;
}

export interface RetentionDeps {
  store: Pick<
    LifecycleStore,
    'rollupStates' | 'removeRawBefore' | 'removeRollupsBefore' | 'removeHistoryBefore' | 'rawRemovable' | 'lifecycleValue' | 'compactClosed'
  >;
  /** Runs and held invoices; absent (no billing): no month holds raw back. */
  billing?: Pick<BillingStore, 'runs' | 'invoices'>;
  /** The entities that invoice (their sites' zones, their first month). */
  entities: () => readonly CutoffEntity[];
  clock: { now(): number };
  settings: RetentionSettings;
}

export interface RetentionPlan {
  nowMs: number;
  raw: RawCutoff;
  rollupCutoffMs: number;
  historyCutoffMs: number | undefined;
}

export interface RetentionReport {
  plan: RetentionPlan;
  rawRemoved: number;
  /** Nothing older than the raw cutoff is left (false: the cap or a stop ended the pass first). */
  rawDone: boolean;
  rawFromMs: number | undefined;
  rollupDaysRemoved: number;
  historyRemoved: number;
  /** Closed partitions packed (PostgreSQL). */
  compacted: number;
  batches: number;
  ms: number;
}

export interface RetentionOptions {
  signal?: AbortSignal;
  /** Rows per SQLite batch (default 20,000). */
  batchRows?: number;
  /** Batches per pass (default 50: a million rows, then the next pass goes on). */
  maxBatches?: number;
}

/** The cutoffs a pass would use now. */
export async function planRetention(deps: RetentionDeps): Promise<RetentionPlan> {
  const nowMs = deps.clock.now();
  const [runs, held, series] = await Promise.all([
    deps.billing?.runs() ?? [],
    deps.billing?.invoices({ status: 'held' }) ?? [],
    deps.store.rollupStates(),
  ]);
  const raw = rawCutoff({
    nowMs,
    rawDays: deps.settings.rawDays,
    entities: deps.billing ? deps.entities() : [],
    runs,
    held: held.map((i) => ({ entity: i.entity, period: i.period })),
    series,
  });
  return {
    nowMs,
    raw,
    rollupCutoffMs: rollupCutoff(nowMs, deps.settings.rollupYears),
    historyCutoffMs: historyCutoff(nowMs, deps.settings.historyDays),
  };
}

export async function runRetentionPass(deps: RetentionDeps, opts: RetentionOptions = {}): Promise<RetentionReport> {
  const startedMs = performance.now();
  const plan = await planRetention(deps);
  const maxBatches = opts.maxBatches ?? 50;
  let rawRemoved = 0;
  let batches = 0;
  let rawDone = false;
  let rawFromMs = await deps.store.lifecycleValue('raw_from_ms');
  while (!rawDone && batches < maxBatches && !opts.signal?.aborted) {
    const r = await deps.store.removeRawBefore(plan.raw.cutoffMs, opts.batchRows ? { batchRows: opts.batchRows } : undefined);
    batches++;
    rawRemoved += r.removed;
    rawDone = r.done;
    rawFromMs = r.rawFromMs;
    await yieldNow();
  }
  const rollupDaysRemoved = opts.signal?.aborted ? 0 : await deps.store.removeRollupsBefore(plan.rollupCutoffMs);
  // Weeks that ended a day ago get no more than late data: their keys are packed once.
  const compacted = opts.signal?.aborted ? 0 : await deps.store.compactClosed(plan.nowMs - CLOSED_AFTER_MS);
  const historyRemoved =
    plan.historyCutoffMs === undefined || opts.signal?.aborted ? 0 : await deps.store.removeHistoryBefore(plan.historyCutoffMs);
  return {
    plan,
    rawRemoved,
    rawDone,
    rawFromMs,
    rollupDaysRemoved,
    historyRemoved,
    compacted,
    batches,
    ms: Math.round(performance.now() - startedMs),
  };
}
