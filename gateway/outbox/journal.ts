// Events and alert changes waiting for the next outbox commit, in the order they happened: the checks,
// the clock guard and the alert book hand them in; the commit cycle takes them out as one item each.
import type { Alert, GatewayEvent } from '../../protocol/wire.js';

export class Journal {
  private events: GatewayEvent[] = [];
  private alerts: Alert[] = [];
  private alertsChanged = false;

  addEvents(events: readonly GatewayEvent[]): void {
    this.events.push(...events);
  }

  /** Raises and clears; the retained set of active alerts is sent again after the next commit. */
  addAlerts(alerts: readonly Alert[]): void {
    this.alerts.push(...alerts);
    this.alertsChanged = true;
  }

  takeEvents(): GatewayEvent[] {
    return this.events.splice(0);
  }

  takeAlerts(): Alert[] {
    return this.alerts.splice(0);
  }

  /** Whether alerts changed since the last call. */
  takeAlertsChanged(): boolean {
    const changed = this.alertsChanged;
    this.alertsChanged = false;
    return changed;
  }
}
