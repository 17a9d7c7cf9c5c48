// What the status page and /metrics know about each configured device beyond the drivers' counters: the
// last poll, the last good reading and its headline values, the last error and since when it fails.
// Fed at the poll boundary (gateway/polling/intake.ts) with every PollResult. Pure state, no I/O.
import type { Measurement } from '../../protocol/measurements.js';
import type { Reading } from '../../protocol/reading.js';
import type { DeviceIdentity, PollResult } from '../polling/result.js';

/** The values shown per device: energy, power and what an installer checks the wiring with. */
export const KEY_MEASUREMENTS: readonly Measurement[] = ['energy_import_kwh', 'power_w', 'current_a', 'voltage_v'];

/** Where a device's headline values come from, best first (a meter's total, a PDU's inlet). */
const HEADLINE_CHANNELS = ['total', 'inlet:1', 'l1'];

/** The outcome label of a poll: ok, skipped_backoff, or the fault kind (timeout, crc, garbage, link, error). */
export function pollOutcome(r: PollResult): string {
  if (r.skipped) return `skipped_${r.skipped}`;
  return r.fault ? r.fault.kind : 'ok';
}

export interface DeviceLive {
  polls: number;
  failedPolls: number;
  consecutiveFailures: number;
  lastPollAtMs?: number;
  lastDurationMs?: number;
  lastOutcome?: string;
  /** Time of the newest reading of this device (or of any of its chained units). */
  lastReadingAtMs?: number;
  /** Headline values per reading device (a PDU's chained units are devices of their own). */
  values: Record<string, Partial<Record<Measurement, number>>>;
  identities: Record<string, { serial?: string; model?: string }>;
  lastError?: { kind: string; reason?: string; atMs: number };
  /** Since when the device fails without a good poll in between. */
  failingSinceMs?: number;
}

/** The headline values of a batch of readings, per reading device. */
export function headlineValues(readings: readonly Reading[]): Record<string, Partial<Record<Measurement, number>>> {
  const byDevice = new Map<string, Reading[]>();
  for (const r of readings) byDevice.set(r.device, [...(byDevice.get(r.device) ?? []), r]);
  const out: Record<string, Partial<Record<Measurement, number>>> = {};
  for (const [device, rs] of byDevice) {
    const ranked = [...rs].sort((a, b) => rank(a.channel) - rank(b.channel));
    const values: Partial<Record<Measurement, number>> = {};
    for (const m of KEY_MEASUREMENTS) {
      const v = ranked.find((r) => r.values[m] !== undefined)?.values[m];
      if (v !== undefined) values[m] = v;
    }
    out[device] = values;
  }
  return out;
}

function rank(channel: string): number {
  const i = HEADLINE_CHANNELS.indexOf(channel);
  return i < 0 ? HEADLINE_CHANNELS.length : i;
}

export class DeviceBook {
  private readonly live = new Map<string, DeviceLive>();
  /** Serial and model per reading device, in the order the devices were first heard of. */
  private readonly seen = new Map<string, { serial?: string; model?: string }>();

  constructor(ids: readonly string[]) {
    for (const id of ids) this.live.set(id, { polls: 0, failedPolls: 0, consecutiveFailures: 0, values: {}, identities: {} });
  }

  /** Records one poll result at wall time `nowMs`. Results of unknown devices are ignored. */
  observe(r: PollResult, nowMs: number): void {
    const d = this.live.get(r.device);
    if (!d) return;
    for (const i of r.identities ?? []) {
      d.identities[i.device] = identityOf(i);
      this.seen.set(i.device, identityOf(i));
    }
    if (r.skipped) return;
    d.polls++;
    d.lastPollAtMs = nowMs;
    d.lastDurationMs = r.durationMs;
    d.lastOutcome = pollOutcome(r);
    if (r.fault) {
      d.failedPolls++;
      d.consecutiveFailures++;
      d.failingSinceMs ??= nowMs;
      d.lastError = { kind: r.fault.kind, reason: r.fault.reason || undefined, atMs: nowMs };
    } else {
      d.consecutiveFailures = 0;
      delete d.failingSinceMs;
    }
    if (r.readings.length > 0) {
      d.lastReadingAtMs = Math.max(d.lastReadingAtMs ?? 0, ...r.readings.map((x) => x.ts));
      // Energy polls carry only the counters: the other values stay as the last full poll left them.
      for (const [device, values] of Object.entries(headlineValues(r.readings))) d.values[device] = { ...d.values[device], ...values };
    }
  }

  get(id: string): DeviceLive | undefined {
    return this.live.get(id);
  }

  /** Who each reading device says it is (a PDU's chained units included), in the order they were first heard of. */
  identities(): ReadonlyMap<string, { serial?: string; model?: string }> {
    return this.seen;
  }
}

function identityOf(i: DeviceIdentity): { serial?: string; model?: string } {
  return { ...(i.serial ? { serial: i.serial } : {}), ...(i.model ? { model: i.model } : {}) };
}
