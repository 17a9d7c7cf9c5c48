// What one Modbus transaction came to. Faults are values, not exceptions: the caller decides on retries.
export type Outcome =
  | { kind: 'data'; words: number[]; latencyMs: number }
  | { kind: 'exception'; code: number; latencyMs: number }
  | { kind: 'timeout' }
  | { kind: 'crc' }
  | { kind: 'garbage'; reason: string }
  | { kind: 'link'; reason: string };

export type FaultKind = Exclude<Outcome['kind'], 'data'>;

export const COUNTER_NAMES = [
  'requests',
  'responses',
  'timeouts',
  'crc_errors',
  'exceptions',
  'garbage',
  'link_errors',
  'retries',
  'splits',
  'stale_frames',
  'desyncs',
  'reconnects',
  'unexpected_bytes',
  'skipped_backoff',
] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];

export function counterFor(kind: Outcome['kind']): CounterName {
  switch (kind) {
    case 'data':
      return 'responses';
    case 'exception':
      return 'exceptions';
    case 'timeout':
      return 'timeouts';
    case 'crc':
      return 'crc_errors';
    case 'garbage':
      return 'garbage';
    case 'link':
      return 'link_errors';
  }
}
