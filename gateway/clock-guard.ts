// A Raspberry Pi has no battery-backed clock: after a power cut it may think it is 1970 until NTP answers.
// Polling waits until the clock is plausible (not before this release, and synchronised when the OS can
// tell), so no reading is ever stamped with a wrong date; jumps of the wall clock are reported as events.
import { existsSync } from 'node:fs';
import type { GatewayEvent } from '../protocol/wire.js';
import type { Clock } from '../common/clock.js';

/** No reading can be older than the software that takes it. */
export const RELEASE_EPOCH_MS = Date.UTC(2026, 10, 1);
const JUMP_MS = 2000;

/** systemd-timesyncd's answer, where it runs: synchronised or not; undefined when the OS cannot tell. */
export function systemdTimeSynced(dir = '/run/systemd/timesync'): boolean | undefined {
  return existsSync(dir) ? existsSync(`${dir}/synchronized`) : undefined;
}

export class ClockGuard {
  private heldSinceMono: number | undefined;
  private last: { wall: number; mono: number };
  private wasPlausible = false;

  constructor(
    private readonly clock: Clock,
    private readonly synced: () => boolean | undefined = systemdTimeSynced,
    private readonly floorMs = RELEASE_EPOCH_MS,
  ) {
    this.last = { wall: clock.now(), mono: clock.monotonicMs() };
  }

  plausible(): boolean {
    return this.clock.now() >= this.floorMs && this.synced() !== false;
  }

  /** Call periodically: the events since the last call (a jump, the clock becoming plausible). */
  check(): GatewayEvent[] {
    const events: GatewayEvent[] = [];
    const wall = this.clock.now();
    const mono = this.clock.monotonicMs();
    const deltaMs = Math.round(wall - this.last.wall - (mono - this.last.mono));
    if (Math.abs(deltaMs) > JUMP_MS && this.wasPlausible) events.push({ type: 'clock_jump', ts: wall, deltaMs });
    this.last = { wall, mono };
    const ok = this.plausible();
    if (!ok && this.heldSinceMono === undefined) this.heldSinceMono = mono;
    if (ok && !this.wasPlausible && this.heldSinceMono !== undefined)
      events.push({ type: 'clock_plausible', ts: wall, heldMs: Math.round(mono - this.heldSinceMono) });
    if (ok) this.heldSinceMono = undefined;
    this.wasPlausible = ok;
    return events;
  }
}

export interface ClockGateDeps {
  guard: Pick<ClockGuard, 'check' | 'plausible'>;
  /** Where the guard's events go (a jump, the clock becoming plausible). */
  events: (events: readonly GatewayEvent[]) => void;
  /** Called once, the first time the clock is plausible: polling starts. */
  onPlausible: () => void;
}

/** Checked every second: passes the guard's events on, and opens once the clock is plausible. */
export class ClockGate {
  private opened = false;

  constructor(private readonly deps: ClockGateDeps) {}

  get open(): boolean {
    return this.opened;
  }

  check(): void {
    this.deps.events(this.deps.guard.check());
    if (this.opened || !this.deps.guard.plausible()) return;
    this.opened = true;
    this.deps.onPlausible();
  }
}
