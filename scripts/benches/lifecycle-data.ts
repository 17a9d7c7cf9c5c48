// The lifecycle benchmark's colocator, scaled down: PDUs of 12 metered outlets behind gateways of 25 PDUs,
// every outlet read every minute (energy counter and power), day after day. Each outlet draws its own
// steady load with noise, so counters rise as real ones do and the power statistics have a spread. Readings
// land a few seconds after the minute, as a gateway's polls do, so interval edges are interpolated.
import type { IngestBatch } from '../../central/storage/readings/types.js';
import type { Reading } from '../../protocol/reading.js';
import { SCHEMA_VERSION } from '../../protocol/wire.js';

export interface ColocatorSpec {
  site: string;
  points: number;
  /** Readings per point and day: 1,440 at 1-minute. */
  readingsPerDay: number;
  /** The first day's local midnight is not needed: days are counted from this UTC instant. */
  startMs: number;
}

export const OUTLETS_PER_PDU = 12;
export const PDUS_PER_GATEWAY = 25;
const DAY_MS = 86_400_000;

/** Mean load of a point in W: 50 to 450 W, a fixed pattern so every run makes the same world. */
export const loadW = (point: number): number => 50 + ((point * 7919) % 400);

/** Where a point is read: gateway, device and channel. */
export function pointRef(spec: ColocatorSpec, point: number): { gateway: string; device: string; channel: string } {
  const pdu = Math.floor(point / OUTLETS_PER_PDU);
  return { gateway: `gw-${Math.floor(pdu / PDUS_PER_GATEWAY)}`, device: `pdu-${pdu}`, channel: `outlet:${(point % OUTLETS_PER_PDU) + 1}` };
}

/** The counter of a point at an instant: its load integrated from the start, with a small wobble. */
function counterKwh(spec: ColocatorSpec, point: number, tsMs: number): number {
  const hours = (tsMs - spec.startMs) / 3_600_000;
  const wobble = 0.01 * Math.sin(hours / 3 + point);
  return Math.round((1000 + point + (loadW(point) / 1000) * hours + wobble) * 1000) / 1000;
}

/**
 * One day's readings (day 0 = startMs), as ingest batches of one poll of one gateway each, in time order.
 * `seq` continues each gateway's outbox sequence across days.
 */
export function* dayBatches(spec: ColocatorSpec, day: number, seq: Map<string, number>): Generator<IngestBatch[]> {
  const stepMs = DAY_MS / spec.readingsPerDay;
  const gateways = Math.ceil(spec.points / (OUTLETS_PER_PDU * PDUS_PER_GATEWAY));
  const perGateway = OUTLETS_PER_PDU * PDUS_PER_GATEWAY;
  for (let k = 0; k < spec.readingsPerDay; k++) {
    const pollMs = spec.startMs + day * DAY_MS + k * stepMs;
    const out: IngestBatch[] = [];
    for (let g = 0; g < gateways; g++) {
      const gateway = `gw-${g}`;
      const readings: Reading[] = [];
      for (let p = g * perGateway; p < Math.min(spec.points, (g + 1) * perGateway); p++) {
        const ts = pollMs + 2_000 + (p % OUTLETS_PER_PDU) * 150;
        const { device, channel } = pointRef(spec, p);
        const powerW = Math.round(loadW(p) * (0.9 + 0.2 * (((p * 31 + k * 17) % 101) / 100)) * 10) / 10;
        readings.push({ device, channel, ts, values: { energy_import_kwh: counterKwh(spec, p, ts), power_w: powerW }, quality: 'good' });
      }
      if (readings.length === 0) continue;
      const first = seq.get(gateway) ?? 1;
      seq.set(gateway, first + readings.length);
      out.push({
        kind: 'readings',
        site: spec.site,
        gateway,
        receivedAt: pollMs + 5_000,
        message: {
          v: SCHEMA_VERSION,
          gateway,
          boot: 'bench',
          seq: first,
          seqEnd: first + readings.length - 1,
          sentAt: pollMs + 4_000,
          historical: false,
          readings,
        },
      });
    }
    yield out;
  }
}
