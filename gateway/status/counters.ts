// Plain counters and a latency summary per device and per bus; the status page and /metrics read snapshots.
export class Counters<K extends string> {
  private readonly counts = new Map<K, number>();
  private latency = { count: 0, sumMs: 0, maxMs: 0, lastMs: 0 };

  inc(name: K, by = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + by);
  }

  get(name: K): number {
    return this.counts.get(name) ?? 0;
  }

  observeLatency(ms: number): void {
    const l = this.latency;
    l.count++;
    l.sumMs += ms;
    l.lastMs = ms;
    if (ms > l.maxMs) l.maxMs = ms;
  }

  snapshot(): { counts: Record<string, number>; latency: { count: number; meanMs: number; maxMs: number; lastMs: number } } {
    const l = this.latency;
    return {
      counts: Object.fromEntries(this.counts),
      latency: { count: l.count, meanMs: l.count ? l.sumMs / l.count : 0, maxMs: l.maxMs, lastMs: l.lastMs },
    };
  }
}
