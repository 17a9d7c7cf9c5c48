// Batches for the readings storage contract suite (and the unit tests beside central/storage/readings/), shaped as ingest hands them over (validated wire messages).
import type { Reading } from '../../protocol/reading.js';
import { SCHEMA_VERSION, type Alert, type GatewayEvent, type MetaMessage, type StatusMessage } from '../../protocol/wire.js';
import type { CounterEpochEvent, IngestBatch } from '../../central/storage/readings/types.js';

export const SITE = 'ams1';
export const GW = 'gw-1';
export const T0 = Date.UTC(2026, 9, 1);

interface Where {
  site?: string;
  gateway?: string;
  receivedAt?: number;
}

const envelope = (gateway: string, seq: number, seqEnd: number) => ({
  v: SCHEMA_VERSION as typeof SCHEMA_VERSION,
  gateway,
  boot: 'b1',
  seq,
  seqEnd,
  sentAt: T0,
});

export function reading(device: string, channel: string, ts: number, values: Reading['values'], extra: Partial<Reading> = {}): Reading {
  return { device, channel, ts, values, quality: 'good', ...extra };
}

export function readingsBatch(seq: number, readings: Reading[], o: Where & { seqEnd?: number } = {}): IngestBatch {
  const gateway = o.gateway ?? GW;
  return {
    kind: 'readings',
    site: o.site ?? SITE,
    gateway,
    receivedAt: o.receivedAt ?? T0,
    message: { ...envelope(gateway, seq, o.seqEnd ?? seq), historical: false, readings },
  };
}

export function eventsBatch(seq: number, events: GatewayEvent[], o: Where = {}): IngestBatch {
  const gateway = o.gateway ?? GW;
  return {
    kind: 'events',
    site: o.site ?? SITE,
    gateway,
    receivedAt: o.receivedAt ?? T0,
    message: { ...envelope(gateway, seq, seq), events },
  };
}

export function alertsBatch(seq: number, alerts: Alert[], o: Where = {}): IngestBatch {
  const gateway = o.gateway ?? GW;
  return {
    kind: 'alerts',
    site: o.site ?? SITE,
    gateway,
    receivedAt: o.receivedAt ?? T0,
    message: { ...envelope(gateway, seq, seq), alerts },
  };
}

export function statusBatch(state: StatusMessage['state'], ts: number, receivedAt: number, o: Where = {}): IngestBatch {
  const gateway = o.gateway ?? GW;
  const message: StatusMessage = { v: SCHEMA_VERSION, gateway, boot: 'b1', state, ts, outbox: { depth: 3, oldestAgeS: 1.5, bytes: 900 } };
  return { kind: 'status', site: o.site ?? SITE, gateway, receivedAt, message };
}

export function metaBatch(ts: number, receivedAt: number, devices: MetaMessage['devices'], o: Where = {}): IngestBatch {
  const gateway = o.gateway ?? GW;
  const site = o.site ?? SITE;
  const message: MetaMessage = {
    v: SCHEMA_VERSION,
    gateway,
    boot: 'b1',
    ts,
    version: '0.1.0',
    configHash: `h${ts}`,
    site,
    room: 'r1',
    devices,
  };
  return { kind: 'meta', site, gateway, receivedAt, message };
}

export function alert(id: string, state: Alert['state'], ts: number, extra: Partial<Alert> = {}): Alert {
  return { id, type: 'meter_silent', severity: 'warning', state, ts, message: `${id} ${state}`, ...extra };
}

export function epoch(device: string, channel: string, ts: number, reason: CounterEpochEvent['reason'] = 'reset'): CounterEpochEvent {
  return {
    type: 'counter_epoch',
    ts,
    reason,
    device,
    channel,
    measurement: 'energy_import_kwh',
    old: { value: 1234.5, ts: ts - 1000, serial: 'A1' },
    new: { value: 0.25, ts },
    betweenKwh: 0.012,
    estimated: true,
  };
}

export function gap(ts: number, fromSeq: number, toSeq: number): GatewayEvent {
  return { type: 'gap', ts, reason: 'outbox_full', fromSeq, toSeq, fromTs: ts - 60_000, toTs: ts - 1000, readings: 420 };
}

/** Readings in the shape the wire allows at its edges: missing measurements, flags, partial quality, odd numbers. */
export const ODD_READINGS: readonly Reading[] = [
  reading('m1', 'total', T0, {
    energy_import_kwh: 1234.567,
    power_w: 2300.5,
    current_a: 10.01,
    voltage_v: 230.1,
    power_factor: 0.98,
    frequency_hz: 50.01,
  }),
  reading('m1', 'total', T0 + 1000, { energy_import_kwh: 1234.568 }),
  reading(
    'm1',
    'total',
    T0 + 2000,
    { power_w: 0.1 + 0.2, current_a: -0 + 1e-7 },
    { flags: { energy_import_kwh: 'unreadable' }, quality: 'partial' },
  ),
  reading('m1', 'total', T0 + 3000, {}, { flags: { energy_import_kwh: 'not_available', power_w: 'bad_type' }, quality: 'partial' }),
  reading(
    'm1',
    'total',
    T0 + 4000,
    { energy_import_kwh: 9.007199254740991e15, energy_export_kwh: 123456789.125, reactive_power_var: -45.5 },
    { flags: { energy_import_kwh: 'suspect' } },
  ),
  reading('m1', 'total', T0 + 5000, { apparent_power_va: 1e-300, power_w: -1.5e300 }, { flags: {} }),
];
