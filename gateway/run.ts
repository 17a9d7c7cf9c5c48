// A running gateway: acquisition (gateway/main.ts) feeding the outbox, the outbox feeding MQTT.
// Composition only; every part is built here or in buildGateway, and stopped in reverse order, each step
// timed (gateway/shutdown.ts bounds the whole stop and logs it).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { isCounter } from '../protocol/measurements.js';
import type { Reading } from '../protocol/reading.js';
import type { Alert, GatewayEvent } from '../protocol/wire.js';
import type { Clock } from '../common/clock.js';
import type { GatewayConfig, Mqtt } from './config/schema.js';
import { ClockGuard } from './clock-guard.js';
import { AlertBook } from './checks/alerts.js';
import { CircuitCheck } from './checks/circuit-check.js';
import { CounterCheck } from './checks/counter-check.js';
import { alertLiveness, Liveness } from './checks/liveness.js';
import { counterSpecs, ratedPowers } from './checks/specs.js';
import { buildGateway, type Gateway } from './main.js';
import { Outbox } from './outbox/outbox.js';
import type { Catalogs } from './profiles/load.js';
import { Publisher, type PublisherOptions } from './publish/publisher.js';
import type { DeviceIdentity } from './polling/result.js';
import { StopSteps, type Stoppable } from './shutdown.js';
import { StateStore } from './state/state.js';
import { DeviceBook } from './status/devices.js';
import { createGatewayMetrics, type GatewayMetrics } from './status/metrics.js';
import { statusRoutes } from './status/routes.js';
import { StatusServer } from './status/server.js';

type MqttConfig = z.infer<typeof Mqtt>;

export interface RunningGateway extends Stoppable {
  acquisition: Gateway;
  outbox: Outbox;
  publisher: Publisher;
  state: StateStore;
  alerts: AlertBook;
  circuits: CircuitCheck;
  boot: string;
  metrics: GatewayMetrics;
  /** Each configured device's last poll, reading and error, as the status page shows them. */
  book: DeviceBook;
  /** The status page's address, or why it is not served (the gateway meters on without it). */
  status: { url?: string; error?: string };
}

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

/** Keys of the channels whose energy counter a batch of readings carries. */
export function counterKeys(readings: readonly Reading[]): string[] {
  return readings.filter((r) => Object.keys(r.values).some((m) => isCounter(m as never))).map((r) => `${r.device}|${r.channel}`);
}

export async function startGateway(deps: RunDeps): Promise<RunningGateway> {
  const { config, clock, log } = deps;
  mkdirSync(config.dataDir, { recursive: true });
  const state = await StateStore.open(join(config.dataDir, 'state.json'));
  state.update((s) => { s.boots++; });
  const boot = `${state.data.boots}-${randomBytes(4).toString('hex')}`;
  let reset: string | undefined;
  const outbox = Outbox.open(
    { file: join(config.dataDir, 'outbox.db'), maxBytes: config.outbox.maxBytes, maxAgeMs: config.outbox.maxAgeDays * 86_400_000, seqFloor: state.data.lastSeq, maxPendingItems: config.outbox.maxPendingItems },
    clock, log.child({ area: 'outbox' }), (reason) => { reset = reason; },
  );
  const alertsOut: Alert[] = [];
  let alertsChanged = false;
  const alerts = new AlertBook({ state, clock, emit: (a) => { alertsOut.push(...a); alertsChanged = true; } });
  if (reset !== undefined) {
    // What the lost file held is unknown beyond its sequence range: announce the whole range as a gap,
    // and tell whoever watches alerts that this card may be failing.
    outbox.gaps.push({ type: 'gap', ts: clock.now(), reason: 'outbox_reset', fromSeq: 0, toSeq: state.data.lastSeq, fromTs: 0, toTs: clock.now(), readings: 0 });
    alerts.raise({
      id: 'outbox-reset', type: 'outbox_reset', severity: 'critical',
      message: `outbox file unreadable (${reset.slice(0, 200)}); moved aside and a fresh one started: unsent readings up to sequence ${state.data.lastSeq} may be lost; check the SD card`,
    }, config.checks.eventAlertHoldMs);
  }
  const identities = new Map<string, DeviceIdentity>();
  const publisher = new Publisher({
    options: publisherOptions(config.mqtt, { site: config.gateway.site, gateway: config.gateway.id, boot }),
    outbox, clock, log: log.child({ area: 'publish' }),
    meta: () => ({
      version: deps.version, site: config.gateway.site, room: config.gateway.room,
      configHash: createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16),
      devices: [
        ...config.devices.map((d) => ({ id: d.id, kind: 'modbus' as const, profile: d.profile, ...serialOf(identities.get(d.id)) })),
        ...[...identities.values()].filter((i) => !config.devices.some((d) => d.id === i.device)).map((i) => ({
          id: i.device, kind: 'snmp' as const, profile: config.snmp.pdus.find((p) => i.device === p.id || i.device.startsWith(`${p.id}.u`))?.profile ?? '', ...serialOf(i),
        })),
      ],
    }),
    activeAlerts: () => alerts.active(),
  });
  const counters = new CounterCheck({
    state, specFor: counterSpecs(config, deps.profiles), maxPowerFor: ratedPowers(config), alerts, eventAlertHoldMs: config.checks.eventAlertHoldMs, log: log.child({ area: 'checks' }),
  });
  const circuits = new CircuitCheck({ topology: config.topology, checks: config.checks, alerts });
  const watched = [...config.devices, ...config.snmp.pdus];
  let liveness: Liveness | undefined;
  const events: GatewayEvent[] = [];
  const book = new DeviceBook(watched.map((d) => d.id));
  const acquisition = buildGateway({
    config, configFile: deps.configFile, profiles: deps.profiles, clock, log,
    onReadings: (readings, result) => {
      for (const i of result.identities ?? []) identities.set(i.device, i);
      book.observe(result, clock.now());
      metrics.observePoll(result); // built below; polling starts after it
      liveness?.observe(result, clock.now());
      if (readings.length === 0) return;
      events.push(...counters.observe(result)); // flags doubted readings before they are stored
      circuits.observe(readings);
      outbox.append('readings', readings, Math.min(...readings.map((r) => r.ts)), counterKeys(readings));
      deps.onReadings?.(readings);
    },
  });
  const view = { config, version: deps.version, boot, clock, ...acquisition, outbox, publisher, alerts, book };
  const metrics = createGatewayMetrics(view);
  const statusServer = config.status.enabled
    ? new StatusServer({ options: config.status, routes: statusRoutes(view, metrics), log: log.child({ area: 'status' }) })
    : undefined;
  const guard = new ClockGuard(clock, undefined, deps.clockFloorMs);
  let polling = false;
  const watchClock = () => {
    events.push(...guard.check());
    if (polling || !guard.plausible()) return;
    polling = true;
    liveness = new Liveness(watched, config.checks, clock.now());
    acquisition.start();
  };
  const judge = () => {
    // A fault in a check must never stop readings from being committed.
    try {
      const now = clock.now();
      if (liveness) alertLiveness(liveness, alerts, now, watched);
      circuits.tick(now);
      alerts.expire();
    } catch (err) {
      log.error({ err: String(err) }, 'integrity checks failed');
    }
  };
  const commit = () => {
    try {
      judge();
      events.push(...outbox.gaps);
      outbox.gaps = [];
      if (events.length > 0) outbox.append('events', events.splice(0), clock.now());
      if (alertsOut.length > 0) outbox.append('alerts', alertsOut.splice(0), clock.now());
      if (alertsChanged) {
        alertsChanged = false;
        publisher.publishActiveAlerts();
      }
      outbox.commit();
      if (outbox.size.lastSeq !== state.data.lastSeq) state.update((s) => { s.lastSeq = outbox.size.lastSeq; });
      publisher.pump();
    } catch (err) {
      // Disk full or I/O trouble: reported, kept in memory, tried again next time.
      publisher.lastError = `outbox: ${String(err)}`;
      log.error({ err: String(err) }, 'outbox commit failed; will retry');
    }
  };
  const timer = setInterval(commit, config.outbox.commitIntervalMs);
  const clockTimer = setInterval(watchClock, 1000);
  publisher.start();
  const status = await startStatus(statusServer, log);
  watchClock();
  if (!polling) log.warn({ now: new Date(clock.now()).toISOString() }, 'clock not plausible yet; polling waits for it');
  log.info({ gateway: config.gateway.id, boot, outbox: outbox.size }, 'gateway started');
  const stopSteps = new StopSteps(() => clock.monotonicMs());
  let outboxOpen = true;
  const closeOutbox = () => {
    if (!outboxOpen) return;
    outboxOpen = false;
    const lost = outbox.close();
    if (lost > 0) log.error({ lost }, 'poll results could not be written at shutdown (disk full)');
  };
  return {
    acquisition, outbox, publisher, state, boot, alerts, circuits, metrics, book, status, stopSteps,
    stop: async () => {
      clearInterval(clockTimer);
      // Polling and the status page stop side by side; neither waits on the other.
      await Promise.all([stopSteps.run('status page', () => statusServer?.stop()), stopSteps.run('polls', () => acquisition.stop())]);
      clearInterval(timer);
      await stopSteps.run('outbox commit', () => commit());
      await stopSteps.run('broker', () => publisher.stop());
      await stopSteps.run('outbox close', closeOutbox);
      await stopSteps.run('state', () => state.flush());
    },
    abandon: () => {
      clearInterval(clockTimer);
      clearInterval(timer);
      try {
        if (outboxOpen) commit();
      } finally {
        closeOutbox();
      }
    },
  };
}

/** Publisher options from the `mqtt` section of gateway.yaml (its defaults included), reading TLS files. */
export function publisherOptions(m: MqttConfig, ids: { site: string; gateway: string; boot: string }): PublisherOptions {
  const file = (f?: string) => (f ? readFileSync(f) : undefined);
  return {
    url: m.url, clientId: m.clientId ?? `joulebook-${ids.gateway}`, ...ids,
    ...(m.username ? { username: m.username } : {}), ...(m.password ? { password: m.password } : {}),
    ...(m.tls ? { tls: { ...(m.tls.ca ? { ca: file(m.tls.ca)! } : {}), ...(m.tls.cert ? { cert: file(m.tls.cert)! } : {}), ...(m.tls.key ? { key: file(m.tls.key)! } : {}) } } : {}),
    inFlight: m.inFlight, maxPayloadBytes: m.maxPayloadBytes, replayReadingsPerS: m.replayReadingsPerS, keepaliveS: m.keepaliveS,
    reconnectMinMs: m.reconnectMinMs, reconnectMaxMs: m.reconnectMaxMs, statusIntervalMs: m.statusIntervalMs,
  };
}

/** The status page is for people: a port in use is logged loudly, and metering goes on without it. */
async function startStatus(server: StatusServer | undefined, log: Logger): Promise<{ url?: string; error?: string }> {
  if (!server) return {};
  try {
    return await server.start();
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log.error({ err: error }, 'status page not started; the gateway meters and publishes without it');
    return { error };
  }
}

function serialOf(i: DeviceIdentity | undefined): { serial?: string; model?: string } {
  return { ...(i?.serial ? { serial: i.serial } : {}), ...(i?.model ? { model: i.model } : {}) };
}
