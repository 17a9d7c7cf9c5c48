// Throughput through the embedded broker, for the ingest benchmark: gateways (MQTT.js clients, QoS 1, a
// window of messages awaiting PUBACK each, as the gateway publisher does) publish realistic readings
// messages; measured once into the ingest pipeline and a sink (a PUBACK means stored), and once into a
// do-nothing in-process aedes subscriber, in the same run, so the ratio compares like with like.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { EmbeddedBroker, type PublishGate } from '../../central/broker/broker.js';
import { CredentialStore } from '../../central/broker/credential-store.js';
import { setUser } from '../../central/broker/credentials.js';
import { BrokerSecurity } from '../../central/broker/security.js';
import { GATEWAY_TOPICS_FILTER } from '../../central/broker/topics.js';
import type { IngestSink } from '../../central/ingest/batch.js';
import { systemClock } from '../../common/clock.js';
import { EmbeddedIngest } from '../../central/ingest/embedded-consumer.js';
import { compileMessageChecks } from '../../central/ingest/message-checks.js';
import { type IngestPipelineOptions, IngestPipeline } from '../../central/ingest/pipeline.js';
import { readingsPayload } from './sample-messages.js';

export interface ThroughputOptions {
  /** Messages per phase. */
  messages: number;
  readingsPerMessage: number;
  /** Gateways publishing at once. */
  publishers: number;
  /** Messages each gateway has awaiting PUBACK (the gateway's mqtt.inFlight). */
  inFlight: number;
  pipeline?: Partial<IngestPipelineOptions>;
}

export const DEFAULT_THROUGHPUT: ThroughputOptions = { messages: 2000, readingsPerMessage: 200, publishers: 8, inFlight: 16 };

export interface Rate {
  messages: number;
  seconds: number;
  messagesPerS: number;
  readingsPerS: number;
}

export interface ThroughputResult {
  /** Through the pipeline into the sink; every message acknowledged only after it was stored. */
  ingest: Rate & { storeCalls: number; meanStoreMs: number };
  /** The same publishers into an in-process subscriber that does nothing. */
  broker: Rate;
  /** ingest readings/s over broker readings/s. */
  ratio: number;
}

export interface ThroughputDeps {
  sink: IngestSink;
  log: Logger;
  /** A free TCP port for the broker's listener. */
  port: number;
}

export async function measureEmbeddedThroughput(
  deps: ThroughputDeps,
  o: ThroughputOptions = DEFAULT_THROUGHPUT,
): Promise<ThroughputResult> {
  const dir = await mkdtemp(join(tmpdir(), 'jb-throughput-'));
  try {
    const usersFile = join(dir, 'users.yaml');
    for (let g = 0; g < o.publishers; g++) {
      await setUser(
        usersFile,
        { username: `gw-${g}`, password: `pw-${g}`, role: 'gateway', site: 'bench', gateway: `gw-${g}` },
        { scrypt: { N: 1024, r: 8, p: 1 }, mosquittoIterations: 1 },
      );
    }
    const pipeline = new IngestPipeline({
      sink: deps.sink,
      clock: systemClock,
      log: deps.log,
      checks: compileMessageChecks(),
      options: o.pipeline ?? {},
    });
    const ingest = await phase(deps, o, usersFile, join(dir, 'ingest'), 1, new EmbeddedIngest({ pipeline }));
    const snap = pipeline.counters.snapshot();
    let delivered = 0;
    const broker = await phase(
      deps,
      o,
      usersFile,
      join(dir, 'broker'),
      1_000_000,
      undefined,
      (b) =>
        new Promise<void>((resolve) => {
          b.aedes.subscribe(
            GATEWAY_TOPICS_FILTER,
            (_packet, cb) => {
              delivered++;
              cb();
            },
            () => resolve(),
          );
        }),
    );
    if (delivered < o.messages) throw new Error(`the subscriber got ${delivered} of ${o.messages} messages`);
    return {
      ingest: {
        ...ingest,
        storeCalls: snap.storeCalls,
        meanStoreMs: snap.storeLatency.count ? snap.storeLatency.sumMs / snap.storeLatency.count : 0,
      },
      broker,
      ratio: ingest.readingsPerS / broker.readingsPerS,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function phase(
  deps: ThroughputDeps,
  o: ThroughputOptions,
  usersFile: string,
  dataDir: string,
  seqBase: number,
  gate: PublishGate | undefined,
  attach?: (b: EmbeddedBroker) => Promise<void>,
): Promise<Rate> {
  const credentials = new CredentialStore({ file: usersFile, log: deps.log });
  await credentials.load();
  const broker = new EmbeddedBroker({
    options: { dataDir, tcp: { host: '127.0.0.1', port: deps.port } },
    security: new BrokerSecurity({ credentials, log: deps.log }),
    gate,
    log: deps.log,
  });
  await broker.start();
  const clients: MqttClient[] = [];
  try {
    await attach?.(broker);
    for (let g = 0; g < o.publishers; g++) {
      clients.push(
        await mqtt.connectAsync(`mqtt://127.0.0.1:${deps.port}`, {
          clientId: `bench-gw-${g}`,
          username: `gw-${g}`,
          password: `pw-${g}`,
          clean: true,
          reconnectPeriod: 0,
        }),
      );
    }
    // Payloads are built before the clock starts: the gateway's own cost is not what is measured.
    const perPublisher = Math.ceil(o.messages / o.publishers);
    const payloads = clients.map((_c, g) =>
      Array.from({ length: Math.min(perPublisher, o.messages - g * perPublisher) }, (_x, i) =>
        readingsPayload({ gateway: `gw-${g}`, seq: seqBase + i * o.readingsPerMessage, readings: o.readingsPerMessage }),
      ),
    );
    const started = performance.now();
    await Promise.all(clients.map((c, g) => publishWindowed(c, `joulebook/v1/bench/gw-${g}/readings`, payloads[g]!, o.inFlight)));
    const seconds = (performance.now() - started) / 1000;
    const messages = payloads.reduce((n, p) => n + p.length, 0);
    return { messages, seconds, messagesPerS: messages / seconds, readingsPerS: (messages * o.readingsPerMessage) / seconds };
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.stop(5000);
  }
}

async function publishWindowed(c: MqttClient, topic: string, payloads: Buffer[], inFlight: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < payloads.length) {
      const p = payloads[next++]!;
      await c.publishAsync(topic, p, { qos: 1 });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}
