// Runs the circuit checks window by window: phase sums against the master meter, phase imbalance, load
// against the ratings, and the wiring inference while a sum stays wrong. Readings go in as they are
// polled; `tick` closes the windows whose late results can no longer come, judges them and raises or
// clears alerts through the alert book, with hysteresis.
import type { Reading } from '../../protocol/reading.js';
import type { ChecksConfig, Circuit, Phase, Topology } from '../config/topology.js';
import { PHASE_CHANNEL, PHASES } from '../config/topology.js';
import type { AlertBook } from './alerts.js';
import { judgeImbalance, judgeLoad } from './balance.js';
import { IDLE, step, type HysteresisState, type Outcome } from './hysteresis.js';
import { describeSum, judgePhaseSums } from './phase-sum.js';
import { channelKey, WindowAccumulator, type WindowSummary } from './window.js';
import { inferWiring, type WiringSample } from './wiring.js';

export interface CircuitCheckDeps {
  topology: Topology;
  checks: ChecksConfig;
  alerts: AlertBook;
}

interface CircuitMemory {
  loads: { device: string; channel: string; declared: Phase }[];
  samples: WiringSample[];
}

export class CircuitCheck {
  private readonly windows: WindowAccumulator;
  private readonly hysteresis = new Map<string, HysteresisState>();
  private readonly memory = new Map<string, CircuitMemory>();
  /** Windows judged so far (for status and tests). */
  judged = 0;

  constructor(private readonly deps: CircuitCheckDeps) {
    this.windows = new WindowAccumulator(deps.checks.windowMs);
    for (const c of deps.topology.circuits) {
      const loads = PHASES.flatMap((p) => c.phases[p].map((l) => ({ device: l.device, channel: l.channel, declared: p })));
      this.memory.set(c.id, { loads, samples: [] });
    }
  }

  observe(readings: readonly Reading[]): void {
    if (this.deps.topology.circuits.length === 0) return;
    for (const r of readings) this.windows.add(r);
  }

  tick(nowMs: number): void {
    for (const w of this.windows.close(nowMs - this.deps.checks.graceMs)) {
      for (const c of this.deps.topology.circuits) this.judge(c, w);
      this.judged++;
    }
  }

  private judge(c: Circuit, w: WindowSummary): void {
    const { checks, alerts } = this.deps;
    const sums = judgePhaseSums(c, w, checks);
    for (const s of sums) {
      const id = `phase_sum:${c.id}:${s.phase}`;
      this.track(
        id,
        s.outcome,
        () =>
          alerts.raise({
            id,
            type: 'phase_sum',
            severity: 'warning',
            subject: `${c.id}/${s.phase}`,
            message: describeSum(c.id, s),
            values: { meterW: round(s.meterW!), loadsW: round(s.loadsW!), diffW: round(s.diffW!), diffPct: round(s.diffPct!) },
          }),
        () => alerts.clear(id, `loads on ${c.id} ${s.phase} match the meter again`),
      );
    }
    const imb = judgeImbalance(c, w, checks);
    this.track(
      `imbalance:${c.id}`,
      imb.outcome,
      () =>
        alerts.raise({
          id: `imbalance:${c.id}`,
          type: 'phase_imbalance',
          severity: 'warning',
          subject: c.id,
          message: `phase currents of ${c.id} ${imb.imbalancePct!.toFixed(0)}% out of balance (L1 ${imb.currentsA!.L1.toFixed(1)} A, L2 ${imb.currentsA!.L2.toFixed(1)} A, L3 ${imb.currentsA!.L3.toFixed(1)} A)`,
          values: {
            imbalancePct: round(imb.imbalancePct!),
            l1A: round(imb.currentsA!.L1),
            l2A: round(imb.currentsA!.L2),
            l3A: round(imb.currentsA!.L3),
          },
        }),
      () => alerts.clear(`imbalance:${c.id}`, `phase currents of ${c.id} balanced again`),
    );
    for (const p of PHASES) {
      this.loadAlert(`load:${c.id}:${p}`, `${c.id}/${p}`, w.channels.get(channelKey(c.meter, PHASE_CHANNEL[p]))?.currentA, c.ratingA);
      for (const l of c.phases[p]) {
        if (l.ratingA !== undefined)
          this.loadAlert(
            `load:${l.device}:${l.channel}`,
            `${l.device} ${l.channel}`,
            w.channels.get(channelKey(l.device, l.channel))?.currentA,
            l.ratingA,
            l.device,
          );
      }
    }
    this.wiring(
      c,
      w,
      sums.map((s) => s.outcome),
      sums.some((s) => this.hysteresis.get(`phase_sum:${c.id}:${s.phase}`)?.active),
    );
  }

  private loadAlert(id: string, subject: string, currentA: number | undefined, ratingA: number, device?: string): void {
    const level = judgeLoad(currentA, ratingA, this.deps.checks);
    const raise = () =>
      this.deps.alerts.raise({
        id,
        type: 'overload',
        severity: level.severity!,
        subject,
        ...(device ? { device } : {}),
        message: `${subject} draws ${level.currentA!.toFixed(1)} A, ${level.loadPct!.toFixed(0)}% of its ${ratingA} A rating`,
        values: { currentA: round(level.currentA!), ratingA, loadPct: round(level.loadPct!) },
      });
    this.track(id, level.outcome, raise, () =>
      this.deps.alerts.clear(id, `${subject} back under ${this.deps.checks.loadWarnPct}% of its rating`),
    );
    // Already raised: a change between warning and critical is raised again with the new severity.
    if (level.outcome === 'bad' && this.hysteresis.get(id)?.active && this.deps.alerts.isActive(id)) raise();
  }

  /** Keeps the windows of the current run of failing sums (a good window means the wiring was right then). */
  private wiring(c: Circuit, w: WindowSummary, outcomes: readonly Outcome[], sumFailing: boolean): void {
    const mem = this.memory.get(c.id)!;
    if (outcomes.every((o) => o === 'good')) mem.samples = [];
    const power = (device: string, channel: string) => {
      const s = w.channels.get(channelKey(device, channel));
      return s?.powerW ?? s?.energyW;
    };
    const meterW: Partial<Record<Phase, number>> = {};
    for (const p of PHASES) {
      const x = power(c.meter, PHASE_CHANNEL[p]);
      if (x !== undefined) meterW[p] = x;
    }
    const loadsW = mem.loads.map((l) => power(l.device, l.channel));
    if (outcomes.includes('bad') && loadsW.every((x) => x !== undefined)) {
      mem.samples.push({ meterW, loadsW: loadsW as number[] });
      if (mem.samples.length > this.deps.checks.wiringWindows) mem.samples.shift();
    }
    const prefix = `wiring:${c.id}:`;
    if (!sumFailing) {
      for (const a of this.deps.alerts.active())
        if (a.id.startsWith(prefix)) this.deps.alerts.clear(a.id, `phase sums of ${c.id} match again`);
      return;
    }
    if (mem.samples.length < Math.min(10, this.deps.checks.wiringWindows)) return;
    for (const f of inferWiring(
      mem.loads.map((l) => l.declared),
      mem.samples,
    )) {
      const l = mem.loads[f.load]!;
      this.deps.alerts.raise({
        id: `${prefix}${l.device}:${l.channel}`,
        type: 'wiring_suspect',
        severity: 'warning',
        device: l.device,
        channel: l.channel,
        subject: `${c.id}/${l.declared}`,
        message: `${l.device} ${l.channel} is declared on ${c.id} ${l.declared}; its load follows ${f.follows} (moving it explains ${f.explainsPct.toFixed(0)}% of the mismatch)`,
        values: { explainsPct: round(f.explainsPct), correlation: round(f.correlation), windows: mem.samples.length },
      });
    }
  }

  private track(id: string, outcome: Outcome, raise: () => void, clear: () => void): void {
    const { next, change } = step(
      this.hysteresis.get(id) ?? { ...IDLE, active: this.deps.alerts.isActive(id) },
      outcome,
      this.deps.checks.raiseAfterWindows,
      this.deps.checks.clearAfterWindows,
    );
    this.hysteresis.set(id, next);
    if (change === 'raise') raise();
    else if (change === 'clear') clear();
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
