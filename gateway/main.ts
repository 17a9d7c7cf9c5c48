// The gateway's composition root: the only place that builds and wires a running gateway. Each part comes
// from a named builder (gateway/builders/) that takes a typed deps object, in the order the parts need
// each other, so nothing is used before it exists and no part writes into another: storage, the journal
// of events and alerts, the alert book, the device book, the publisher, the checks (by kind, from their
// registry), the acquisition (drivers and polling), the status page and metrics, the poll intake, the
// clock gate and the commit cycle. `stop` takes them down in reverse order, each step timed
// (gateway/shutdown.ts bounds the whole stop and logs it). `joulebook gateway check` uses the acquisition
// builder alone.
import type { Logger } from 'pino';
import type { Reading } from '../protocol/reading.js';
import type { Clock } from '../common/clock.js';
import { buildAcquisition, type Acquisition } from './builders/acquisition.js';
import { buildAlerts } from './builders/alerts.js';
import { buildChecks } from './builders/checks.js';
import { buildPublisher } from './builders/publisher.js';
import { buildStatus, startStatus } from './builders/status.js';
import { buildStorage } from './builders/storage.js';
import type { AlertBook } from './checks/alerts.js';
import type { CheckSuite } from './checks/suite.js';
import { ClockGate, ClockGuard } from './clock-guard.js';
import type { GatewayConfig } from './config/schema.js';
import { CommitCycle } from './outbox/commit-cycle.js';
import { Journal } from './outbox/journal.js';
import type { Outbox } from './outbox/outbox.js';
import { pollIntake } from './polling/intake.js';
import type { Catalogs } from './profiles/load.js';
import type { Publisher } from './publish/publisher.js';
import { StopSteps, type Stoppable } from './shutdown.js';
import type { StateStore } from './state/state.js';
import { DeviceBook } from './status/devices.js';
import type { GatewayMetrics } from './status/metrics.js';

export interface RunDeps {
  config: GatewayConfig;
  configFile: string;
  profiles: Catalogs;
  clock: Clock;
  log: Logger;
  version: string;
  onReadings?: (readings: readonly Reading[]) => void;
  /** Readings are taken from this instant on (default: the release date, gateway/clock-guard.ts); the demo's warped clock starts earlier. */
  clockFloorMs?: number;
}

export interface RunningGateway extends Stoppable {
  acquisition: Acquisition;
  outbox: Outbox;
  publisher: Publisher;
  state: StateStore;
  alerts: AlertBook;
  checks: CheckSuite;
  boot: string;
  metrics: GatewayMetrics;
  /** Each configured device's last poll, reading and error, as the status page shows them. */
  book: DeviceBook;
  /** The status page's address, or why it is not served (the gateway meters on without it). */
  status: { url?: string; error?: string };
}

export async function startGateway(deps: RunDeps): Promise<RunningGateway> {
  const { config, profiles, clock, log, version } = deps;
  const { state, outbox, boot, outboxReset } = await buildStorage({ config, clock, log });
  const journal = new Journal();
  const alerts = buildAlerts({ config, state, clock, journal, ...(outboxReset !== undefined ? { outboxReset } : {}) });
  const book = new DeviceBook([...config.devices, ...config.snmp.pdus].map((d) => d.id));
  const publisher = buildPublisher({ config, version, boot, outbox, clock, log, alerts, book });
  const checks = buildChecks({ config, profiles, state, clock, alerts, journal, log });
  const acquisition = buildAcquisition({ config, profiles, clock, log });
  const view = { config, version, boot, clock, ...acquisition, outbox, publisher, alerts, book };
  const { metrics, server } = buildStatus({ config, view, log });
  const intake = pollIntake({ clock, book, metrics, checks, outbox, ...(deps.onReadings ? { onReadings: deps.onReadings } : {}) });
  const gate = new ClockGate({
    guard: new ClockGuard(clock, undefined, deps.clockFloorMs),
    events: (events) => journal.addEvents(events),
    // Polling waits for a plausible clock; the checks count from the moment it starts.
    onPlausible: () => {
      checks.start(clock.now());
      acquisition.start(intake);
    },
  });
  const cycle = new CommitCycle({ outbox, journal, checks, state, publisher, clock, log });
  const commitTimer = setInterval(() => cycle.run(), config.outbox.commitIntervalMs);
  const clockTimer = setInterval(() => gate.check(), 1000);
  publisher.start();
  const status = await startStatus(server, log);
  gate.check();
  if (!gate.open) log.warn({ now: new Date(clock.now()).toISOString() }, 'clock not plausible yet; polling waits for it');
  log.info({ gateway: config.gateway.id, boot, outbox: outbox.size }, 'gateway started');
  const stopSteps = new StopSteps(() => clock.monotonicMs());
  const closeOutbox = () => {
    if (!outbox.isOpen) return;
    const lost = outbox.close();
    if (lost > 0) log.error({ lost }, 'poll results could not be written at shutdown (disk full)');
  };
  return {
    acquisition,
    outbox,
    publisher,
    state,
    boot,
    alerts,
    checks,
    metrics,
    book,
    status,
    stopSteps,
    stop: async () => {
      clearInterval(clockTimer);
      // Polling and the status page stop side by side; neither waits on the other.
      await Promise.all([stopSteps.run('status page', () => server?.stop()), stopSteps.run('polls', () => acquisition.stop())]);
      clearInterval(commitTimer);
      await stopSteps.run('outbox commit', () => cycle.run());
      await stopSteps.run('broker', () => publisher.stop());
      await stopSteps.run('outbox close', closeOutbox);
      await stopSteps.run('state', () => state.flush());
    },
    abandon: () => {
      clearInterval(clockTimer);
      clearInterval(commitTimer);
      try {
        if (outbox.isOpen) cycle.run();
      } finally {
        closeOutbox();
      }
    },
  };
}
