// An in-memory IngestSink for ingest tests: idempotent by each item's identity, like the real stores, and
// told to be slow, to fail, or to hang until released, so tests assert what was stored and when.
import type { IngestBatch, IngestSink, StoreResult } from '../../central/ingest/batch.js';

export class MemorySink implements IngestSink {
  /** Stored items by identity: readings by gateway/device/channel/ts, the rest by their own keys. */
  readonly items = new Map<string, unknown>();
  readonly calls: number[] = [];
  /** Every batch in every successful store, in order. */
  readonly stored: IngestBatch[] = [];
  delayMs = 0;
  private failures = 0;
  private failError = 'sink unavailable';
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;
  private storedWaiters: { n: number; resolve: () => void }[] = [];

  /** The next n store calls reject. */
  failNext(n: number, message = 'sink unavailable'): void {
    this.failures = n;
    this.failError = message;
  }

  /** Store calls wait until release(); with `forever` they never finish (a crashed database). */
  hold(): void {
    this.gate ??= new Promise<void>((r) => {
      this.openGate = r;
    });
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
    this.openGate = undefined;
  }

  get readings(): number {
    let n = 0;
    for (const k of this.items.keys()) if (k.startsWith('r|')) n++;
    return n;
  }

  /** Resolves once at least n batches have been stored. */
  storedAtLeast(n: number): Promise<void> {
    if (this.stored.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.storedWaiters.push({ n, resolve }));
  }

  async store(batches: readonly IngestBatch[]): Promise<StoreResult[]> {
    this.calls.push(batches.length);
    if (this.gate) await this.gate;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failures > 0) {
      this.failures--;
      throw new Error(this.failError);
    }
    const results = batches.map((b) => this.put(b));
    this.stored.push(...batches);
    this.storedWaiters = this.storedWaiters.filter((w) => (this.stored.length >= w.n ? (w.resolve(), false) : true));
    return results;
  }

  private put(b: IngestBatch): StoreResult {
    const keys = keysOf(b);
    let inserted = 0;
    for (const [k, v] of keys) {
      if (this.items.has(k)) continue;
      this.items.set(k, v);
      inserted++;
    }
    return { inserted, duplicates: keys.length - inserted };
  }
}

function keysOf(b: IngestBatch): [string, unknown][] {
  switch (b.kind) {
    case 'readings':
      return b.message.readings.map((r) => [`r|${b.gateway}|${r.device}|${r.channel}|${r.ts}`, r]);
    case 'events':
      return b.message.events.map((e, i) => [`e|${b.gateway}|${b.message.seq}|${i}`, e]);
    case 'alerts':
      return b.message.alerts.map((a) => [`a|${b.gateway}|${a.id}|${a.state}|${a.ts}`, a]);
    case 'status':
      return [[`s|${b.gateway}|${b.message.boot}|${b.message.ts}`, b.message]];
    case 'meta':
      return [[`m|${b.gateway}|${b.message.boot}|${b.message.ts}`, b.message]];
    case 'active':
      return [[`x|${b.gateway}|${b.message.boot}|${b.message.ts}`, b.message]];
  }
}
