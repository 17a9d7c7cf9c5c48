// Publishes the outbox to MQTT: QoS 1 on a persistent session, a bounded window of messages awaiting
// PUBACK, each item deleted from the outbox only once the broker has it. Oldest first, so every channel
// arrives in order; items older than the connection are flagged historical and replayed at a set rate.
// Stopping never waits on the broker for long: a broker that vanished with our offline status unacknowledged
// would otherwise hold the stop forever while MQTT.js reconnects (the status waits for that reconnect).
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  type Alert,
  MAX_PAYLOAD_BYTES,
  type MetaMessage,
  type StatusMessage,
  SCHEMA_VERSION,
  topicFor,
  type TopicKind,
} from '../../protocol/wire.js';
import type { Clock } from '../../common/clock.js';
import type { Outbox, OutboxItem } from '../outbox/outbox.js';
import { Counters } from '../status/counters.js';
import { batchItems, buildMessage, checkPayload } from './message.js';
import { doublingDelayMs } from '../../common/backoff.js';

export interface PublisherOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer };
  site: string;
  gateway: string;
  boot: string;
  /** Messages awaiting PUBACK at once. */
  inFlight: number;
  maxPayloadBytes: number;
  /** Historical readings per second after an outage, so the link and the central node are not flooded. */
  replayReadingsPerS: number;
  keepaliveS: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  statusIntervalMs: number;
}

export interface PublisherDeps {
  options: PublisherOptions;
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  meta: () => Omit<MetaMessage, 'v' | 'gateway' | 'boot' | 'ts'>;
  /** The alerts raised now, published retained on every connection and whenever they change. */
  activeAlerts?: () => Alert[];
}

/** How long a stop waits for the broker to acknowledge the offline status; the retained will covers the rest. */
export const OFFLINE_ACK_WAIT_MS = 500;

export const PUBLISH_COUNTERS = ['messages', 'acked', 'entries_acked', 'rejected', 'reconnects', 'historical_entries'] as const;
type PublishCounter = (typeof PUBLISH_COUNTERS)[number];

export class Publisher {
  readonly counters = new Counters<PublishCounter>();
  connected = false;
  private error: string | undefined;
  /** Wall time the broker last acknowledged a message (the status page's "last delivery"). */
  lastAckedAtMs: number | undefined;
  private client: MqttClient | undefined;
  private readonly opt: PublisherOptions;
  private readonly deps: PublisherDeps;
  private cursor = 0;
  private inflight = 0;
  private pumping = false;
  private connectedAtMs = 0;
  private tokens = 0;
  private tokensAtMs = 0;
  /** Reconnect attempts since the broker last accepted us: MQTT.js retries at a fixed period, widened here. */
  private reconnects = 0;
  private timers: NodeJS.Timeout[] = [];
  private rate = { at: 0, acked: 0, perS: 0 };
  /** Items found to fail the wire schema: skipped until their deletion is committed. */
  private readonly poisoned = new Set<number>();
  private stopping = false;

  constructor(deps: PublisherDeps) {
    this.deps = deps;
    this.opt = deps.options;
  }

  /** The last thing that went wrong (the broker's or, through `noteError`, the outbox's), as the status says it. */
  get lastError(): string | undefined {
    return this.error;
  }

  /** Something the publisher does not see went wrong (a failed outbox commit); the status carries it as the last error. */
  noteError(message: string): void {
    this.error = message;
  }

  topic(kind: TopicKind): string {
    return topicFor(this.opt.site, this.opt.gateway, kind);
  }

  start(): void {
    const o = this.opt;
    const offline = this.status('offline');
    const options: IClientOptions = {
      clientId: o.clientId,
      clean: false,
      protocolVersion: 4,
      keepalive: o.keepaliveS,
      reconnectPeriod: o.reconnectMinMs,
      connectTimeout: 10_000,
      queueQoSZero: false,
      resubscribe: false,
      will: { topic: this.topic('status'), payload: Buffer.from(JSON.stringify(offline)), qos: 1, retain: true },
      ...(o.username ? { username: o.username, password: o.password ?? '' } : {}),
      ...(o.tls ? { ...o.tls, rejectUnauthorized: true } : {}),
    };
    const client = mqtt.connect(o.url, options);
    this.client = client;
    client.on('connect', () => {
      if (this.stopping) return;
      this.connected = true;
      this.connectedAtMs = this.deps.clock.now();
      this.reconnects = 0;
      client.options.reconnectPeriod = o.reconnectMinMs;
      this.deps.log.info({ url: o.url, clientId: o.clientId }, 'connected to the broker');
      this.publishRetained('meta', { v: SCHEMA_VERSION, gateway: o.gateway, boot: o.boot, ts: this.deps.clock.now(), ...this.deps.meta() });
      this.publishRetained('status', this.status('online'));
      this.publishActiveAlerts();
      this.pump();
    });
    client.on('close', () => {
      if (this.connected && !this.stopping) this.deps.log.warn({ url: o.url }, 'broker connection lost');
      this.connected = false;
    });
    client.on('reconnect', () => {
      this.counters.inc('reconnects');
      // MQTT.js retries at a fixed period; widen it while the broker stays away.
      client.options.reconnectPeriod = doublingDelayMs(o.reconnectMinMs, ++this.reconnects + 1, o.reconnectMaxMs);
    });
    client.on('error', (err) => {
      this.error = err.message;
      this.deps.log.warn({ err }, 'broker error');
    });
    this.timers.push(setInterval(() => this.pump(), 200));
    this.timers.push(
      setInterval(() => {
        if (this.connected) this.publishRetained('status', this.status('online'));
      }, o.statusIntervalMs),
    );
  }

  /**
   * Publishes the offline status (the will covers a crash) and closes at once, leaving unsent items in the
   * outbox. Says whether the broker acknowledged the status (undefined: not connected, nothing sent).
   */
  async stop(): Promise<{ offlineAcked?: boolean }> {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    const c = this.client;
    if (!c) return {};
    let offlineAcked: boolean | undefined;
    if (this.connected) {
      const status = c.publishAsync(this.topic('status'), JSON.stringify(this.status('offline')), { qos: 1, retain: true }).then(
        () => true,
        () => false,
      );
      // Not acknowledged in time, or the connection dropped (the broker went away with it): waited enough.
      let timer: NodeJS.Timeout | undefined;
      let dropped: (() => void) | undefined;
      const late = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), OFFLINE_ACK_WAIT_MS);
        dropped = () => resolve(false);
        c.once('close', dropped);
      });
      offlineAcked = await Promise.race([status, late]).finally(() => {
        clearTimeout(timer);
        c.off('close', dropped!);
      });
      if (!offlineAcked)
        this.deps.log.warn(
          { waitedMs: OFFLINE_ACK_WAIT_MS },
          'the broker did not acknowledge the offline status; its retained will says offline instead',
        );
    }
    // Forced: in-flight messages are not waited for (the outbox keeps them) and no reconnect is armed again.
    await c.endAsync(true);
    this.connected = false;
    return offlineAcked === undefined ? {} : { offlineAcked };
  }

  status(state: 'online' | 'offline'): StatusMessage {
    const size = this.deps.outbox.size;
    const now = this.deps.clock.now();
    return {
      v: SCHEMA_VERSION,
      gateway: this.opt.gateway,
      boot: this.opt.boot,
      state,
      ts: now,
      outbox: {
        depth: size.entries,
        oldestAgeS: size.oldestTs === undefined ? 0 : Math.max(0, (now - size.oldestTs) / 1000),
        bytes: size.bytes,
      },
      publishedPerS: this.rate.perS,
      lastError: this.error || undefined,
    };
  }

  /** Hands the next messages to MQTT.js while connected and the window has room. */
  pump(): void {
    if (this.pumping || !this.connected || !this.client) return;
    this.pumping = true;
    try {
      while (this.connected && this.inflight < this.opt.inFlight) {
        const items = this.deps.outbox.take(this.cursor, 256).filter((i) => !this.poisoned.has(i.seq));
        const batch = batchItems(items, this.opt.maxPayloadBytes, this.connectedAtMs);
        if (batch.length === 0) break;
        const historical = batch[0]!.ts < this.connectedAtMs;
        if (historical && batch[0]!.kind === 'readings' && !this.takeTokens(batch.reduce((n, i) => n + i.count, 0))) break;
        this.send(batch, historical);
      }
    } finally {
      this.pumping = false;
    }
  }

  private send(batch: OutboxItem[], historical: boolean): void {
    const env = () => ({ gateway: this.opt.gateway, boot: this.opt.boot, sentAt: this.deps.clock.now() });
    const limit = Math.min(this.opt.maxPayloadBytes, MAX_PAYLOAD_BYTES);
    const msg = buildMessage(batch, env(), historical);
    const problem = checkPayload(msg.kind, msg.payload, limit);
    if (problem) {
      // Never offered to the broker: a refused message would be resent on every reconnect. Find the bad
      // items; the good ones go out with the next pump.
      let found = 0;
      for (const item of batch) {
        const itemProblem = batch.length === 1 ? problem : checkPayload(item.kind, buildMessage([item], env(), historical).payload, limit);
        if (!itemProblem) continue;
        found++;
        this.poisoned.add(item.seq);
        this.counters.inc('rejected');
        this.deps.outbox.acked(item.seq, item.seq);
        this.deps.log.error({ seq: item.seq, problem: itemProblem }, 'outbox item fails the wire schema; dropped');
      }
      // Each item is fine alone but not together (the envelope tipped the size): one at a time, then.
      if (found === 0) this.send(batch.slice(0, 1), historical);
      return;
    }
    this.cursor = msg.seqEnd;
    this.inflight++;
    this.counters.inc('messages');
    if (historical) this.counters.inc('historical_entries', msg.entries);
    this.client!.publishAsync(this.topic(msg.kind), msg.payload, { qos: 1 })
      .then(
        () => {
          this.deps.outbox.acked(msg.seq, msg.seqEnd);
          this.lastAckedAtMs = this.deps.clock.now();
          this.counters.inc('acked');
          this.counters.inc('entries_acked', msg.entries);
          this.tickRate(msg.entries);
        },
        (err: unknown) => {
          // The client was closed with the message unacknowledged: the outbox still has it for next time.
          this.error = String(err);
        },
      )
      .finally(() => {
        this.inflight--;
        this.pump();
      });
  }

  /** Sends the retained set of active alerts (call when it changed; a disconnected publisher sends it on connect). */
  publishActiveAlerts(): void {
    const active = this.deps.activeAlerts;
    if (!active || !this.connected) return;
    this.publishRetained('active', {
      v: SCHEMA_VERSION,
      gateway: this.opt.gateway,
      boot: this.opt.boot,
      ts: this.deps.clock.now(),
      alerts: active(),
    });
  }

  private publishRetained(kind: 'meta' | 'status' | 'active', message: object): void {
    const payload = JSON.stringify(message);
    const problem = checkPayload(kind, payload, MAX_PAYLOAD_BYTES);
    if (problem) {
      this.deps.log.error({ kind, problem }, 'retained message fails the wire schema; not sent');
      return;
    }
    this.client?.publishAsync(this.topic(kind), payload, { qos: 1, retain: true }).catch((err: unknown) => {
      this.error = String(err);
    });
  }

  private takeTokens(n: number): boolean {
    const now = this.deps.clock.monotonicMs();
    const rate = this.opt.replayReadingsPerS;
    this.tokens = Math.min(rate, this.tokens + ((now - this.tokensAtMs) / 1000) * rate);
    this.tokensAtMs = now;
    if (this.tokens < Math.min(n, rate)) return false;
    this.tokens -= n;
    return true;
  }

  private tickRate(entries: number): void {
    const now = this.deps.clock.monotonicMs();
    this.rate.acked += entries;
    if (now - this.rate.at >= 5000) {
      this.rate.perS = Math.round((this.rate.acked / (now - this.rate.at)) * 1000 * 10) / 10;
      this.rate = { at: now, acked: 0, perS: this.rate.perS };
    }
  }
}
