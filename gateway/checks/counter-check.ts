// Applies the counter-epoch judgement to every energy value of a poll: remembers each counter in the
// gateway state, turns epoch changes into events for the outbox, and flags the readings it doubts.
import type { Logger } from 'pino';
import { isCounter, type Measurement } from '../../protocol/measurements.js';
import type { Reading } from '../../protocol/reading.js';
import type { GatewayEvent } from '../../protocol/wire.js';
import type { PollResult } from '../polling/result.js';
import type { StateStore } from '../state/state.js';
import type { AlertBook } from './alerts.js';
import { judgeCounter, type CounterSpecKwh, type Verdict } from './counter-epochs.js';

export interface CounterCheckDeps {
  state: StateStore;
  /** The counter's width and resolution from the device's profile; undefined if unknown. */
  specFor: (device: string, channel: string, measurement: Measurement) => CounterSpecKwh | undefined;
  /** The most power the channel's circuit can carry (from the topology's ratings), for the jump check. */
  maxPowerFor?: (device: string, channel: string) => number | undefined;
  alerts?: AlertBook;
  /** How long a reset or swap alert stays active. */
  eventAlertHoldMs?: number;
  log: Logger;
}

export class CounterCheck {
  constructor(private readonly deps: CounterCheckDeps) {}

  /** Judges the poll's counters; returns the events to publish. Doubted values are flagged in place. */
  observe(result: PollResult): GatewayEvent[] {
    const events: GatewayEvent[] = [];
    const ids = new Map((result.identities ?? []).map((i) => [i.device, i]));
    const counters = this.deps.state.data.counters;
    const changes: [string, (typeof counters)[string]][] = [];
    for (const r of result.readings) {
      for (const [m, value] of Object.entries(r.values) as [Measurement, number][]) {
        if (!isCounter(m)) continue;
        const spec = this.deps.specFor(r.device, r.channel, m);
        if (!spec) continue;
        const key = `${r.device}|${r.channel}|${m}`;
        const id = ids.get(r.device);
        const { verdict, next } = judgeCounter(counters[key], {
          device: r.device,
          channel: r.channel,
          measurement: m,
          value,
          ts: r.ts,
          spec,
          ...(id?.serial !== undefined ? { serial: id.serial } : {}),
          ...(id?.resetTime !== undefined ? { resetMarker: id.resetTime } : {}),
          ...(id?.uptimeS !== undefined ? { uptimeS: id.uptimeS } : {}),
          ...(r.values.power_w !== undefined ? { powerW: powerTowards(m, r.values.power_w) } : {}),
          ...maxPower(this.deps.maxPowerFor?.(r.device, r.channel)),
        });
        changes.push([key, next]);
        this.alert(verdict, r, m);
        if ('event' in verdict) {
          events.push(verdict.event);
          this.deps.log.warn({ event: verdict.event }, `counter ${verdict.kind}`);
        } else if (verdict.kind === 'negative' || verdict.kind === 'jump' || verdict.kind === 'frozen') {
          flag(r, m);
          this.deps.log.warn({ device: r.device, channel: r.channel, measurement: m, verdict }, `counter ${verdict.kind}: reading flagged`);
        }
      }
    }
    if (changes.length > 0)
      this.deps.state.update((s) => {
        for (const [k, v] of changes) s.counters[k] = v;
      });
    return events;
  }

  private alert(v: Verdict, r: Reading, m: Measurement): void {
    const book = this.deps.alerts;
    if (!book) return;
    const doubt = `counter:${r.device}:${r.channel}:${m}`;
    if (v.kind === 'reset' || v.kind === 'swap') {
      const e = v.event;
      const what =
        v.kind === 'swap'
          ? `${r.device} was exchanged (serial ${e.old.serial ?? 'unknown'} → ${e.new.serial ?? 'unknown'}): ${r.channel} ${m} went from ${e.old.value} to ${e.new.value} kWh`
          : `${r.device} ${r.channel} ${m} was reset: ${e.old.value} → ${e.new.value} kWh`;
      book.raise(
        {
          id: `${v.kind}:${r.device}`,
          type: v.kind === 'swap' ? 'device_swap' : 'counter_reset',
          severity: 'warning',
          device: r.device,
          channel: r.channel,
          message: `${what}; billing continues in a new epoch`,
          values: { oldKwh: e.old.value, newKwh: e.new.value, betweenKwh: e.betweenKwh },
        },
        this.deps.eventAlertHoldMs ?? 86_400_000,
      );
    } else if (v.kind === 'negative' || v.kind === 'jump' || v.kind === 'frozen') {
      const text = {
        negative: `went down by ${-v.deltaKwh} kWh with no sign of a reset`,
        jump: `grew by ${v.deltaKwh} kWh, more than the circuit's rating allows in the time`,
        frozen: 'stands still while power is drawn',
      }[v.kind];
      book.raise({
        id: doubt,
        type: `counter_${v.kind}`,
        severity: 'warning',
        device: r.device,
        channel: r.channel,
        message: `${r.device} ${r.channel} ${m} ${text}; readings flagged suspect`,
        values: { deltaKwh: v.deltaKwh, valueKwh: r.values[m]! },
      });
    } else if (v.kind === 'normal' && book.isActive(doubt)) {
      book.clear(doubt, `${r.device} ${r.channel} ${m} counts normally again`);
    }
  }
}

function maxPower(w: number | undefined): { maxPowerW?: number } {
  return w !== undefined ? { maxPowerW: w } : {};
}

function flag(r: Reading, m: Measurement): void {
  r.flags = { ...r.flags, [m]: 'suspect' };
  r.quality = 'partial';
}

/** Width and resolution of an integer or float counter: integers wrap at 2^bits raw steps (2^(bits-1) signed). */
export function counterSpec(c: { bits: number; resolutionKwh: number }, step: { scale: number; type?: string }): CounterSpecKwh {
  const floating = step.type === 'f32' || step.type === 'f64';
  if (floating) return { resolutionKwh: c.resolutionKwh };
  const signed = step.type === 'i16' || step.type === 'i32' || step.type === 'i64';
  return { resolutionKwh: c.resolutionKwh, rolloverKwh: 2 ** (signed ? c.bits - 1 : c.bits) * Math.abs(step.scale) };
}

/**
 * The power flowing the way a counter counts: an import counter moves with positive active power, an
 * export counter with negative (a load's export counter stands still, rightly, while it draws power).
 */
export function powerTowards(m: Measurement, powerW: number): number {
  return Math.max(0, m.includes('export') ? -powerW : powerW);
}
