// One commit of the gateway, on the commit clock and once more at a stop: the checks judge what is due,
// the journal's events (the outbox's own gap events last) and alerts become one item each, the outbox
// commits, the state remembers the highest sequence, and the publisher is pumped. A failed commit (disk
// full, I/O trouble) is reported on the publisher's status and kept in memory for the next try.
import type { Logger } from 'pino';
import type { GatewayEvent } from '../../protocol/wire.js';
import type { Clock } from '../../common/clock.js';
import type { StateStore } from '../state/state.js';
import type { Journal } from './journal.js';
import type { Outbox } from './outbox.js';

export interface CommitCycleDeps {
  outbox: Pick<Outbox, 'append' | 'commit' | 'size'> & { takeGaps(): GatewayEvent[] };
  journal: Journal;
  checks: { tick(nowMs: number): void };
  state: Pick<StateStore, 'data' | 'update'>;
  publisher: { publishActiveAlerts(): void; pump(): void; noteError(message: string): void };
  clock: Pick<Clock, 'now'>;
  log: Logger;
}

export class CommitCycle {
  constructor(private readonly deps: CommitCycleDeps) {}

  run(): void {
    const { outbox, journal, state, publisher, clock } = this.deps;
    try {
      this.deps.checks.tick(clock.now());
      journal.addEvents(outbox.takeGaps());
      const events = journal.takeEvents();
      if (events.length > 0) outbox.append('events', events, clock.now());
      const alerts = journal.takeAlerts();
      if (alerts.length > 0) outbox.append('alerts', alerts, clock.now());
      if (journal.takeAlertsChanged()) publisher.publishActiveAlerts();
      outbox.commit();
      if (outbox.size.lastSeq !== state.data.lastSeq)
        state.update((s) => {
          s.lastSeq = outbox.size.lastSeq;
        });
      publisher.pump();
    } catch (err) {
      // Disk full or I/O trouble: reported, kept in memory, tried again next time.
      publisher.noteError(`outbox: ${String(err)}`);
      this.deps.log.error({ err }, 'outbox commit failed; will retry');
    }
  }
}
