// The gateway's small state as human-readable JSON (lowdb): boot counter, the highest outbox sequence
// handed out, the last counter and serial per channel, and the active alerts. Never readings.
// Writes are debounced: a power cut loses at most the last few seconds of this state, never a reading.
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';

import type { ActiveAlert } from '../checks/alerts.js';
import type { CounterMemory } from '../checks/counter-epochs.js';

export interface GatewayState {
  boots: number;
  lastSeq: number;
  /** Counter checks' memory per `device|channel|measurement`. */
  counters: Record<string, CounterMemory>;
  /** Alerts raised and not yet cleared, by id. */
  alerts: Record<string, ActiveAlert>;
}

const EMPTY: GatewayState = { boots: 0, lastSeq: 0, counters: {}, alerts: {} };

export class StateStore {
  private timer: NodeJS.Timeout | undefined;
  /** The last failed write (a full disk); the state stays in memory and is written again next time. */
  lastError: string | undefined;
  private constructor(
    private readonly db: Low<GatewayState>,
    private readonly debounceMs: number,
  ) {}

  static async open(file: string, debounceMs = 5000): Promise<StateStore> {
    const db = new Low<GatewayState>(new JSONFile<GatewayState>(file), structuredClone(EMPTY));
    try {
      await db.read();
    } catch {
      db.data = structuredClone(EMPTY); // unreadable after a power cut: start over; the outbox keeps the readings
    }
    db.data = { ...structuredClone(EMPTY), ...db.data };
    return new StateStore(db, debounceMs);
  }

  get data(): GatewayState {
    return this.db.data;
  }

  /** Changes the state and writes it within `debounceMs`. */
  update(change: (s: GatewayState) => void): void {
    change(this.db.data);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.db.write().then(
        () => {
          this.lastError = undefined;
        },
        (err: unknown) => {
          this.lastError = String(err);
        },
      );
    }, this.debounceMs);
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.db.write().catch((err: unknown) => {
      this.lastError = String(err);
    });
  }
}
