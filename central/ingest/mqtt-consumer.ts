// Ingest from an external MQTT 3.1.1 broker (Mosquitto, EMQX, HiveMQ) with MQTT.js: a persistent session
// (clean:false, a stable client id per instance), QoS 1, optionally a shared subscription so several central
// instances split the messages, and each PUBACK sent only once the pipeline stored the message.
//
// How the PUBACK is held (MQTT.js 5.16.0, lib/handlers/publish.js): for QoS 1 it calls
// handleMessage(packet, cb) and sends the PUBACK when cb() is called without an error, and only then
// processes the next packet of the connection. Holding cb until the store resolved would therefore store
// one message at a time. Instead cb is called at once *with* an error (MQTT.js then skips its PUBACK and
// moves on) and the PUBACK is written later, on the very connection the message came in on; if that
// connection is gone by then, no PUBACK is sent (its message id may mean another message on a new
// connection) and the broker redelivers the message to the session, where the sink ignores the duplicate.
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { GATEWAY_TOPICS_FILTER } from '../broker/topics.js';
import type { IngestPort } from './pipeline.js';
import { endMqttClient } from '../broker/end-client.js';

export interface MqttConsumerOptions {
  url: string;
  /** Stable per central instance: the broker keeps this session's subscription and unacknowledged messages. */
  clientId: string;
  username?: string;
  password?: string;
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer };
  /** With a group, subscribes `$share/<group>/joulebook/v1/+/+/+` so instances split the load. */
  shareGroup?: string;
  keepaliveS?: number;
  reconnectMinMs?: number;
  connectTimeoutMs?: number;
}

export interface MqttConsumerDeps {
  options: MqttConsumerOptions;
  pipeline: IngestPort & { stop?(timeoutMs: number): Promise<void> };
  log: Logger;
}

/** Tells MQTT.js not to send its own PUBACK: this consumer sends it after the store. */
class AckDeferred extends Error {
  constructor() {
    super('PUBACK deferred until stored');
  }
}
const ACK_DEFERRED = new AckDeferred();

export class MqttIngestConsumer {
  readonly counters = { connects: 0, messages: 0, acksSent: 0, acksDropped: 0 };
  private client: MqttClient | undefined;

  constructor(private readonly deps: MqttConsumerDeps) {}

  get subscription(): string {
    const g = this.deps.options.shareGroup;
    return g ? `$share/${g}/${GATEWAY_TOPICS_FILTER}` : GATEWAY_TOPICS_FILTER;
  }

  /** Connects and subscribes; resolves once the first subscription is granted. */
  async start(): Promise<void> {
    const o = this.deps.options;
    const options: IClientOptions = {
      clientId: o.clientId,
      clean: false,
      protocolVersion: 4,
      keepalive: o.keepaliveS ?? 30,
      reconnectPeriod: o.reconnectMinMs ?? 1000,
      connectTimeout: o.connectTimeoutMs ?? 10_000,
      resubscribe: false,
      ...(o.username ? { username: o.username, password: o.password ?? '' } : {}),
      ...(o.tls ?? {}),
    };
    const client = mqtt.connect(o.url, options);
    this.client = client;
    client.handleMessage = (packet, callback) => this.onPublish(client, packet, callback);
    client.on('error', (err) => this.deps.log.warn({ err, url: o.url }, 'MQTT consumer error'));
    client.on('close', () => this.deps.log.debug({ clientId: o.clientId }, 'MQTT consumer connection closed'));
    let first: ((err?: Error) => void) | undefined;
    const subscribed = new Promise<void>((resolve, reject) => {
      first = (err) => (err ? reject(err) : resolve());
    });
    client.on('connect', (connack) => {
      this.counters.connects++;
      this.deps.log.info({ url: o.url, clientId: o.clientId, sessionPresent: connack.sessionPresent }, 'MQTT consumer connected');
      // A kept session still has the subscription; a new one needs it (again).
      if (connack.sessionPresent && !first) return;
      client.subscribe(this.subscription, { qos: 1 }, (err) => {
        if (err) this.deps.log.error({ err, topic: this.subscription }, 'subscription refused');
        first?.(err ?? undefined);
        first = undefined;
      });
    });
    await subscribed;
  }

  /**
   * Stores what was received (so its PUBACKs go out), then disconnects: politely when the broker answers
   * within disconnectMs, else by dropping the connection (a frozen broker never answers a DISCONNECT).
   */
  async stop(timeoutMs = 10_000, disconnectMs = 500): Promise<void> {
    await this.deps.pipeline.stop?.(timeoutMs);
    await new Promise((resolve) => setImmediate(resolve));
    const client = this.client;
    this.client = undefined;
    if (client) await endMqttClient(client, disconnectMs);
  }

  /** Drops the connection at once, acknowledging nothing more: what a crash of this instance looks like. */
  async abort(): Promise<void> {
    await this.client?.endAsync(true);
    this.client = undefined;
  }

  private onPublish(client: MqttClient, packet: IPublishPacket, callback: (err?: Error) => void): void {
    this.counters.messages++;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    if (packet.qos !== 1) {
      // QoS 0 has nothing to acknowledge; QoS 2 (not requested, the broker downgrades) keeps MQTT.js' flow.
      const done = this.deps.pipeline.submit(packet.topic, payload);
      if (packet.qos === 0) callback();
      else void done.then((o) => callback(o.status === 'abandoned' ? ACK_DEFERRED : undefined));
      return;
    }
    const stream = client.stream;
    const messageId = packet.messageId ?? 0;
    const gone = () => client.stream !== stream || stream.destroyed;
    void this.deps.pipeline.submit(packet.topic, payload, { gone }).then((o) => {
      if (o.status === 'abandoned') return;
      if (gone() || !stream.writable) {
        this.counters.acksDropped++;
        return;
      }
      // PUBACK, MQTT 3.1.1 section 3.4: type 4 (0x40), remaining length 2, packet identifier.
      stream.write(Buffer.from([0x40, 0x02, messageId >> 8, messageId & 0xff]));
      this.counters.acksSent++;
    });
    callback(ACK_DEFERRED);
  }
}
