// What ingest has done, exactly, for the status page and /metrics: messages in, stored, rejected by
// reason, duplicates, and how long the sink takes (a histogram in Prometheus' cumulative-bucket shape).
import { REJECT_REASONS, type RejectReason } from './validate.js';

/** Store latency bucket bounds (ms): a commit on SSD is ~1-5 ms, a stalled database seconds. */
export const STORE_LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

export interface IngestCountersSnapshot {
  messagesIn: number;
  /** Messages whose group the sink committed (acknowledged to the broker). */
  messagesStored: number;
  /** Messages given up before storing because their sender went away; the broker redelivers them. */
  messagesAbandoned: number;
  readingsStored: number;
  /** Events and alerts stored (status and meta count as one each). */
  otherItemsStored: number;
  duplicates: number;
  rejected: Record<RejectReason, number>;
  storeCalls: number;
  storeFailures: number;
  storeLatency: { count: number; sumMs: number; maxMs: number; buckets: { leMs: number; count: number }[] };
}

export class IngestCounters {
  private s: IngestCountersSnapshot = {
    messagesIn: 0,
    messagesStored: 0,
    messagesAbandoned: 0,
    readingsStored: 0,
    otherItemsStored: 0,
    duplicates: 0,
    rejected: Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>,
    storeCalls: 0,
    storeFailures: 0,
    storeLatency: { count: 0, sumMs: 0, maxMs: 0, buckets: STORE_LATENCY_BUCKETS_MS.map((leMs) => ({ leMs, count: 0 })) },
  };

  messageIn(): void {
    this.s.messagesIn++;
  }
  rejected(reason: RejectReason): void {
    this.s.rejected[reason]++;
  }
  abandoned(n: number): void {
    this.s.messagesAbandoned += n;
  }
  storeFailed(): void {
    this.s.storeFailures++;
  }

  stored(messages: number, readings: number, otherItems: number, duplicates: number, latencyMs: number): void {
    const s = this.s;
    s.messagesStored += messages;
    s.readingsStored += readings;
    s.otherItemsStored += otherItems;
    s.duplicates += duplicates;
    s.storeCalls++;
    const l = s.storeLatency;
    l.count++;
    l.sumMs += latencyMs;
    if (latencyMs > l.maxMs) l.maxMs = latencyMs;
    for (const b of l.buckets) if (latencyMs <= b.leMs) b.count++;
  }

  get rejectedTotal(): number {
    return Object.values(this.s.rejected).reduce((a, b) => a + b, 0);
  }

  snapshot(): IngestCountersSnapshot {
    return structuredClone(this.s);
  }
}
