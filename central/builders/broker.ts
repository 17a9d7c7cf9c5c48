// Where readings come in and alerts go out: either the embedded broker (ingest runs before each PUBACK;
// its security refuses and counts) or a consumer of an external broker, with a client of its own that
// publishes the alerts. Either way the part brings the publish for the central alert topic.
import mqtt from 'mqtt';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.js';
import { EmbeddedBroker } from '../broker/broker.js';
import { CredentialStore } from '../broker/credential-store.js';
import { endMqttClient } from '../broker/end-client.js';
import { BrokerSecurity } from '../broker/security.js';
import { CENTRAL_ALERTS_TOPIC } from '../broker/topics.js';
import type { CentralConfig } from '../config/central-schema.js';
import { EmbeddedIngest } from '../ingest/embedded-consumer.js';
import { MqttIngestConsumer } from '../ingest/mqtt-consumer.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import type { Part } from './part.js';

export interface BrokerBuildDeps {
  config: Pick<CentralConfig, 'broker' | 'central' | 'dataDir'>;
  pipeline: IngestPipeline;
  clock: Clock;
  log: Logger;
}

export interface BrokerPart extends Part {
  /** The embedded broker's listening ports (undefined with an external broker). */
  ports?: { tcpPort?: number; tlsPort?: number };
  broker?: EmbeddedBroker;
  /** The embedded broker's refusals of connects, publishes and subscribes, counted by reason. */
  security?: BrokerSecurity;
  consumer?: MqttIngestConsumer;
  /** Publishes on the central alert topic. */
  publishAlert(payload: string): Promise<void>;
}

type BrokerConfig = CentralConfig['broker'];
type EmbeddedBrokerConfig = Extract<BrokerConfig, { embedded: unknown }>['embedded'];
type ExternalBrokerConfig = Extract<BrokerConfig, { external: unknown }>['external'];

export async function buildBroker(deps: BrokerBuildDeps): Promise<BrokerPart> {
  const b = deps.config.broker;
  return 'embedded' in b ? buildEmbedded(deps, b.embedded) : buildExternal(deps, b.external);
}

async function buildEmbedded({ config, pipeline, clock, log }: BrokerBuildDeps, b: EmbeddedBrokerConfig): Promise<BrokerPart> {
  const credentials = new CredentialStore({ file: b.credentials, log: log.child({ area: 'broker' }) });
  await credentials.load();
  const t = b.signInThrottle;
  const security = new BrokerSecurity({
    credentials,
    log: log.child({ area: 'broker' }),
    nowMs: () => clock.monotonicMs(),
    throttle: {
      windowMs: t.windowS * 1000,
      maxFailuresPerUserAddress: t.maxFailuresPerUserAddress,
      maxFailuresPerAddress: t.maxFailuresPerAddress,
      maxFailuresPerUser: t.maxFailuresPerUser,
    },
  });
  const tls = b.tls
    ? {
        host: b.tls.host,
        port: b.tls.port,
        certFile: b.tls.cert,
        keyFile: b.tls.key,
        caFile: b.tls.ca,
        requestClientCert: Boolean(b.tls.ca),
      }
    : undefined;
  const broker = new EmbeddedBroker({
    options: {
      dataDir: `${config.dataDir}/broker`,
      tcp: { host: b.host, port: b.port },
      maxPacketBytes: b.maxPacketBytes,
      connectTimeoutMs: b.connectTimeoutS * 1000,
      tls,
    },
    security,
    gate: new EmbeddedIngest({ pipeline }),
    log: log.child({ area: 'broker' }),
  });
  const ports = await broker.start();
  return {
    ports,
    broker,
    security,
    publishAlert: (payload) =>
      new Promise((resolve, reject) =>
        broker.aedes.publish(
          { cmd: 'publish', topic: CENTRAL_ALERTS_TOPIC, payload: Buffer.from(payload), qos: 1, retain: false, dup: false },
          (err) => (err ? reject(err) : resolve()),
        ),
      ),
    stop: async (budget) => {
      await budget.step('embedded broker', () => broker.stop(budget.leftMs(50)));
    },
    close: () => broker.stop(0),
  };
}

async function buildExternal({ config, pipeline, log }: BrokerBuildDeps, x: ExternalBrokerConfig): Promise<BrokerPart> {
  const clientId = x.clientId ?? `joulebook-central-${config.central.id}`;
  // Spread into MQTT.js's options, so only what is set is there.
  const tls = x.tls
    ? {
        ...(x.tls.ca ? { ca: readFileSync(x.tls.ca) } : {}),
        ...(x.tls.cert ? { cert: readFileSync(x.tls.cert) } : {}),
        ...(x.tls.key ? { key: readFileSync(x.tls.key) } : {}),
      }
    : undefined;
  const auth = { ...(x.username ? { username: x.username } : {}), ...(x.password ? { password: x.password } : {}) };
  const consumer = new MqttIngestConsumer({
    options: { url: x.url, clientId, ...auth, tls, shareGroup: x.shareGroup },
    pipeline,
    log: log.child({ area: 'ingest' }),
  });
  await consumer.start();
  // Alerts go out on a client of their own, so a slow publish never delays an acknowledgement.
  let publisher: mqtt.MqttClient;
  try {
    publisher = await mqtt.connectAsync(x.url, { clientId: `${clientId}-alerts`, protocolVersion: 4, ...auth, ...(tls ?? {}) });
  } catch (err) {
    await consumer.stop(0, 0);
    throw err;
  }
  publisher.on('error', (err) => log.warn({ err }, 'alert publisher error'));
  return {
    consumer,
    publishAlert: async (payload) => {
      await publisher.publishAsync(CENTRAL_ALERTS_TOPIC, payload, { qos: 1 });
    },
    stop: async (budget) => {
      await budget.step('broker consumer', () => consumer.stop(budget.leftMs(50), Math.min(500, budget.leftMs(50))));
      await budget.step('closing', () => endMqttClient(publisher, 500));
    },
    close: async () => {
      await endMqttClient(publisher, 0);
      await consumer.stop(0, 0);
    },
  };
}
