// How many readings per second a store takes, in batches shaped like real traffic: messages of ~200
// readings with every measurement (9 values), 10 messages per store() call. A
// benchmark harness; test/storage/throughput.test.ts keeps it working.
import { MEASUREMENTS } from '../../protocol/measurements.js';
import type { Reading } from '../../protocol/reading.js';
import { SCHEMA_VERSION } from '../../protocol/wire.js';
import type { IngestBatch, IngestSink } from '../../central/storage/readings/types.js';

export interface ThroughputOptions {
  /** store() calls timed (default 50, i.e. 100,000 readings with the other defaults). */
  calls?: number;
  messagesPerCall?: number;
  readingsPerMessage?: number;
  /**
   * Gateways the messages of a call rotate over (default 1: a call holds 10 consecutive polls of the same
   * 200 channels; 10: a call holds one poll from each of 10 gateways, 2,000 distinct series).
   */
  gateways?: number;
  site?: string;
  /** Timestamp of the first poll; later polls follow 1 s apart. */
  startTs?: number;
  /** Monotonic milliseconds (default performance.now). */
  monotonicMs?: () => number;
}

export interface ThroughputResult {
  readings: number;
  inserted: number;
  storeCalls: number;
  seconds: number;
  readingsPerS: number;
  callMsP50: number;
  callMsMax: number;
}

const CHANNELS = ['total', 'l1', 'l2', 'l3'] as const;

/** The batches, built before timing so only the store is measured. Each message is one poll of every channel. */
export function trafficBatches(opts: ThroughputOptions = {}): IngestBatch[][] {
  const calls = opts.calls ?? 50;
  const perCall = opts.messagesPerCall ?? 10;
  const perMessage = opts.readingsPerMessage ?? 200;
  const site = opts.site ?? 'bench';
  const gateways = opts.gateways ?? 1;
  const start = opts.startTs ?? Date.UTC(2026, 0, 1);
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out: IngestBatch[][] = [];
  const seqs = new Array<number>(gateways).fill(1);
  for (let c = 0; c < calls; c++) {
    const call: IngestBatch[] = [];
    for (let m = 0; m < perCall; m++) {
      const g = (c * perCall + m) % gateways;
      const gateway = `gw-bench-${g}`;
      const poll = Math.floor((c * perCall + m) / gateways);
      const ts = start + poll * 1000;
      const readings: Reading[] = [];
      for (let i = 0; i < perMessage; i++) {
        const values: Reading['values'] = {};
        for (const name of MEASUREMENTS) values[name] = Math.round(rand() * 1e6) / 1000;
        values.energy_import_kwh = 1000 + i + poll * 0.001;
        readings.push({
          device: `meter-${Math.floor(i / CHANNELS.length)}`,
          channel: CHANNELS[i % CHANNELS.length]!,
          ts,
          values,
          quality: 'good',
        });
      }
      const seq = seqs[g]!;
      call.push({
        kind: 'readings',
        site,
        gateway,
        receivedAt: ts + 50,
        message: { v: SCHEMA_VERSION, gateway, boot: 'bench', seq, seqEnd: seq, sentAt: ts + 10, historical: false, readings },
      });
      seqs[g]!++;
    }
    out.push(call);
  }
  return out;
}

export async function measureStoreThroughput(store: IngestSink, opts: ThroughputOptions = {}): Promise<ThroughputResult> {
  const now = opts.monotonicMs ?? (() => performance.now());
  const calls = trafficBatches(opts);
  const durations: number[] = [];
  let readings = 0;
  let inserted = 0;
  const t0 = now();
  for (const call of calls) {
    const c0 = now();
    const results = await store.store(call);
    durations.push(now() - c0);
    for (const b of call) readings += b.kind === 'readings' ? b.message.readings.length : 0;
    for (const r of results) inserted += r.inserted;
  }
  const seconds = (now() - t0) / 1000;
  durations.sort((a, b) => a - b);
  return {
    readings,
    inserted,
    storeCalls: calls.length,
    seconds,
    readingsPerS: Math.round(readings / seconds),
    callMsP50: durations[Math.floor(durations.length / 2)] ?? 0,
    callMsMax: durations[durations.length - 1] ?? 0,
  };
}
