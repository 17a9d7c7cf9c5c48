// Counter epoch events that arrived after the rollups were built across them (issue 21, builder step 1):
// an event changes the counter at every edge within the estimate window of its readings, so each marks
// its series dirty from old.ts - estimateWindowMs. The events are read by arrival (received_at) in
// (seen, upTo]; upTo lags now so an event stamped before another but committed after it (ingest batches
// for up to a few seconds, instances' clocks differ a little) is still read by a later pass.
import { ENERGY_MEASUREMENT } from '../energy/store-source.js';
import type { EventReader, StoredEvent } from '../storage/readings/types.js';
import type { LifecycleStore, SeriesRollupState } from '../storage/rollups/types.js';

export const EPOCHS_SEEN_KEY = 'epochs_seen_at';
/** How far behind now the arrival window ends. */
export const EPOCH_ARRIVAL_LAG_MS = 60_000;

/**
 * The store's query of counter_epoch events by arrival, oldest arrival first, at most `limit` (the stores'
 * epochs-received.ts). Without it the events are read per gateway and filtered here.
 */
export interface EpochArrivals {
  epochEventsReceived(afterMs: number, upToMs: number, limit: number): Promise<StoredEvent[]>;
}

export type LateEpochStore = Pick<LifecycleStore, 'markDirty' | 'lifecycleValue' | 'setLifecycleValue'> &
  Pick<EventReader, 'events'> &
  Partial<EpochArrivals>;

const keyOf = (site: string, gateway: string, device: string, channel: string): string => `${site}\n${gateway}\n${device}\n${channel}`;

async function arrivals(
  store: LateEpochStore,
  states: readonly SeriesRollupState[],
  afterMs: number,
  upToMs: number,
): Promise<StoredEvent[]> {
  if (store.epochEventsReceived) {
    const out: StoredEvent[] = [];
    for (let from = afterMs; ;) {
      const page = await store.epochEventsReceived(from, upToMs, 10_000);
      out.push(...page);
      if (page.length < 10_000) return out;
      // A page may end inside one arrival instant: that instant is read again (marks are idempotent).
      from = Math.max(from + 1, page[page.length - 1]!.receivedAt - 1);
    }
  }
  const gateways = new Map(states.map((s) => [`${s.site}\n${s.gateway}`, s]));
  const out: StoredEvent[] = [];
  for (const s of gateways.values())
    for (const e of await store.events({ site: s.site, gateway: s.gateway, type: 'counter_epoch' }))
      if (e.receivedAt > afterMs && e.receivedAt <= upToMs) out.push(e);
  return out;
}

/** Marks the series of late epoch events dirty; returns how many series were marked. */
export async function markLateEpochs(
  store: LateEpochStore,
  states: readonly SeriesRollupState[],
  nowMs: number,
  estimateWindowMs: number,
): Promise<number> {
  const upToMs = nowMs - EPOCH_ARRIVAL_LAG_MS;
  const seen = (await store.lifecycleValue(EPOCHS_SEEN_KEY)) ?? -Infinity;
  if (upToMs <= seen) return 0;
  const byKey = new Map(states.map((s) => [keyOf(s.site, s.gateway, s.device, s.channel), s]));
  const marks = new Map<number, number>();
  for (const { site, gateway, event: e } of await arrivals(store, states, seen, upToMs)) {
    if (e.type !== 'counter_epoch' || e.measurement !== ENERGY_MEASUREMENT) continue;
    const s = byKey.get(keyOf(site, gateway, e.device, e.channel));
    const fromMs = e.old.ts - estimateWindowMs;
    // Only what was built across the event changes; an unbuilt range is built with it anyway.
    if (!s || s.rolledToMs === undefined || fromMs >= s.rolledToMs) continue;
    marks.set(s.seriesId, Math.min(marks.get(s.seriesId) ?? Infinity, fromMs));
  }
  if (marks.size > 0) await store.markDirty([...marks].map(([seriesId, fromMs]) => ({ seriesId, fromMs })));
  await store.setLifecycleValue(EPOCHS_SEEN_KEY, upToMs);
  return marks.size;
}
