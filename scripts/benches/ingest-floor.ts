// The store alone, for the ingest benchmark: the same readings messages, already parsed and validated
// outside the clock, handed to a store's store() in groups of the pipeline's size, one after another.
// No broker, no MQTT, no JSON: the rate no ingest into that store can pass on this machine, to read the
// broker-relative figures against.
import { validateMessage } from '../../central/ingest/validate.js';
import type { CentralStore, IngestBatch } from '../../central/storage/readings/types.js';
import { payloadWriter } from './ingest-gateways.js';

export interface FloorSpec {
  gateways: number;
  messagesPerGateway: number;
  readingsPerMessage: number;
  /** Readings per store() call: the pipeline's maxReadings. */
  readingsPerCall: number;
  site: string;
}

export interface FloorResult {
  readingsPerS: number;
  seconds: number;
}

export async function storeFloor(store: CentralStore, s: FloorSpec): Promise<FloorResult> {
  const writers = Array.from({ length: s.gateways }, (_x, g) => payloadWriter(`gw-${g}`, s.readingsPerMessage));
  const perCall = Math.max(1, Math.floor(s.readingsPerCall / s.readingsPerMessage));
  const total = s.gateways * s.messagesPerGateway;
  let storedReadings = 0;
  let ms = 0;
  for (let first = 0; first < total; first += perCall) {
    const batches: IngestBatch[] = [];
    // Messages in the order the gateways' windows interleave them: one from each gateway in turn.
    for (let m = first; m < Math.min(total, first + perCall); m++) {
      const g = m % s.gateways;
      const seq = 1 + Math.floor(m / s.gateways) * s.readingsPerMessage;
      const v = validateMessage(`joulebook/v1/${s.site}/gw-${g}/readings`, writers[g]!(seq), Date.now());
      if (!v.ok) throw new Error(`floor: a bench message was refused (${v.reason}: ${v.detail})`);
      batches.push(v.batch);
    }
    const t0 = performance.now();
    const results = await store.store(batches);
    ms += performance.now() - t0;
    storedReadings += results.reduce((n, r) => n + r.inserted, 0);
  }
  const expected = total * s.readingsPerMessage;
  if (storedReadings !== expected) throw new Error(`floor: ${storedReadings} of ${expected} readings stored`);
  return { readingsPerS: expected / (ms / 1000), seconds: ms / 1000 };
}
