// Lost devices and frozen readings. A device is lost when several polls in a row have brought nothing
// and no reading came for a few of its energy intervals. Its readings are frozen when full polls under load bring the very same power,
// current and voltage again and again for a long time (15 minutes by default): real meters always jitter in the last digit, a hung firmware or
// a stale cache in a TCP gateway does not. Pure apart from memory.
import type { Reading } from '../../protocol/reading.js';
import type { PollResult } from '../polling/result.js';
import type { AlertBook } from './alerts.js';

export interface WatchedDevice {
  id: string;
  energyIntervalMs: number;
}

export interface LivenessOptions {
  lostAfterPolls: number;
  frozenAfterMs: number;
}

/** Fewer identical polls than this prove nothing, however long they took. */
const MIN_FROZEN_POLLS = 3;

export class Liveness {
  private readonly lastOk = new Map<string, number>();
  /** Polls in a row that brought nothing (a backoff pause is not a poll). */
  private readonly failed = new Map<string, number>();
  private readonly repeats = new Map<string, { signature: string; count: number; sinceMs: number; lastMs: number }>();

  constructor(
    private readonly devices: readonly WatchedDevice[],
    private readonly o: LivenessOptions,
    private readonly sinceMs: number,
  ) {}

  observe(result: PollResult, nowMs: number): void {
    if (result.skipped) return;
    if (result.readings.length === 0) {
      this.failed.set(result.device, (this.failed.get(result.device) ?? 0) + 1);
      return;
    }
    this.failed.set(result.device, 0);
    this.lastOk.set(result.device, nowMs);
    if (result.kind !== 'full') return;
    const signature = signatureOf(result.readings);
    if (signature === undefined) {
      this.repeats.delete(result.device);
      return;
    }
    const prev = this.repeats.get(result.device);
    const same = prev?.signature === signature;
    this.repeats.set(result.device, { signature, count: same ? prev.count + 1 : 1, sinceMs: same ? prev.sinceMs : nowMs, lastMs: nowMs });
  }

  /**
   * Devices without a reading for too long, with how long they have been silent: after `lostAfterPolls`
   * failed polls in a row (one slow answer on a busy line is not a lost meter, and a meter in backoff is
   * not retried at once), or after ten times the silence whatever the polls say (a poller that stopped).
   */
  lost(nowMs: number): { device: string; silentMs: number }[] {
    return this.devices.flatMap((d) => {
      const silentMs = nowMs - (this.lastOk.get(d.id) ?? this.sinceMs);
      const limitMs = this.o.lostAfterPolls * d.energyIntervalMs;
      const failedPolls = this.failed.get(d.id) ?? 0;
      return silentMs > limitMs && (failedPolls >= this.o.lostAfterPolls || silentMs > 10 * limitMs) ? [{ device: d.id, silentMs }] : [];
    });
  }

  /** Devices whose full polls under load have all been identical for too long, with how many and how long. */
  frozen(): { device: string; polls: number; forMs: number }[] {
    return [...this.repeats]
      .filter(([, r]) => r.count >= MIN_FROZEN_POLLS && r.lastMs - r.sinceMs >= this.o.frozenAfterMs)
      .map(([device, r]) => ({ device, polls: r.count, forMs: r.lastMs - r.sinceMs }));
  }
}

/** The instantaneous values of a poll, or undefined when nothing draws power (idle values may rest). */
function signatureOf(readings: readonly Reading[]): string | undefined {
  const loaded = readings.some((r) => (r.values.power_w ?? 0) > 0 || (r.values.current_a ?? 0) > 0);
  if (!loaded) return undefined;
  return JSON.stringify(readings.map((r) => [r.device, r.channel, r.values.power_w, r.values.current_a, r.values.voltage_v]));
}

/** Raises and clears the lost-device and frozen-readings alerts from what `Liveness` sees now. */
export function alertLiveness(l: Liveness, book: AlertBook, nowMs: number, devices: readonly WatchedDevice[]): void {
  const lost = new Map(l.lost(nowMs).map((x) => [x.device, x.silentMs]));
  const frozen = new Map(l.frozen().map((x) => [x.device, x]));
  for (const { id } of devices) {
    const silentMs = lost.get(id);
    if (silentMs !== undefined) {
      book.raise({
        id: `lost:${id}`,
        type: 'device_lost',
        severity: 'warning',
        device: id,
        message: `${id} has not given a reading for ${Math.round(silentMs / 1000)} s`,
        values: { silentS: Math.round(silentMs / 1000) },
      });
    } else if (book.isActive(`lost:${id}`)) {
      book.clear(`lost:${id}`, `${id} gives readings again`);
    }
    const f = frozen.get(id);
    if (f !== undefined) {
      const minutes = Math.round(f.forMs / 60_000);
      book.raise({
        id: `frozen:${id}`,
        type: 'readings_frozen',
        severity: 'warning',
        device: id,
        message: `${id} returned identical power, current and voltage under load in ${f.polls} full polls over ${minutes} min: its readings look frozen`,
        values: { polls: f.polls, minutes },
      });
    } else if (book.isActive(`frozen:${id}`)) {
      book.clear(`frozen:${id}`, `${id} readings move again`);
    }
  }
}
