// Realistic readings messages, used by tests and the ingest benchmarks: n readings of every canonical
// measurement, from devices of one gateway, with a distinct (device, channel, ts) for each reading.
import { MEASUREMENTS } from '../../protocol/measurements.js';
import { SCHEMA_VERSION, type ReadingsMessage } from '../../protocol/wire.js';

export interface ReadingsSpec {
  gateway: string;
  seq: number;
  readings: number;
  /** Timestamp of the first reading; each next reading is 1 ms later so identities differ. */
  ts0?: number;
  boot?: string;
}

export function readingsMessage(s: ReadingsSpec): ReadingsMessage {
  const ts0 = s.ts0 ?? 1_780_000_000_000 + s.seq * 1000;
  const values = Object.fromEntries(MEASUREMENTS.map((m, i) => [m, 1000 + i + s.seq / 1000]));
  return {
    v: SCHEMA_VERSION,
    gateway: s.gateway,
    boot: s.boot ?? 'boot-1',
    seq: s.seq,
    seqEnd: s.seq + s.readings - 1,
    sentAt: ts0 + s.readings,
    historical: false,
    readings: Array.from({ length: s.readings }, (_, i) => ({
      device: `pdu-${i % 20}`,
      channel: i % 2 === 0 ? 'total' : `outlet:${(i % 24) + 1}`,
      ts: ts0 + i,
      values,
      quality: 'good' as const,
    })),
  };
}

export function readingsPayload(s: ReadingsSpec): Buffer {
  return Buffer.from(JSON.stringify(readingsMessage(s)));
}
