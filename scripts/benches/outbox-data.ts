// Readings shaped like a 48-outlet PDU poll, for the outbox benchmark.
import type { Reading } from '../../protocol/reading.js';

let n = 0;
export function fakeReadings(count: number, ts: number): Reading[] {
  n++;
  return Array.from({ length: count }, (_, i) => ({
    device: `pdu-${n % 100}`,
    channel: `outlet:${i + 1}`,
    ts: ts + (n % 1000),
    quality: 'good' as const,
    values: { energy_import_kwh: 1000 + n * 0.1 + i, power_w: 100 + (i % 50), current_a: 0.5 + i / 100 },
  }));
}
