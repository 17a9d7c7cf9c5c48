// The four receivers of the ingest benchmark, each started fresh: the central node (embedded broker +
// SQLite, or Mosquitto + PostgreSQL, composed by startCentral as `joulebook central` does) and, for each
// broker, a subscriber that does nothing, whose delivery rate is the ceiling ingest is compared with.
import { join } from 'node:path';
import mqtt from 'mqtt';
import pg from 'pg';
import type { Logger } from 'pino';
import { EmbeddedBroker } from '../../central/broker/broker.js';
import { CredentialStore } from '../../central/broker/credential-store.js';
import { setUser } from '../../central/broker/credentials.js';
import { BrokerSecurity } from '../../central/broker/security.js';
import { CentralConfig } from '../../central/config/central-schema.js';
import type { IngestCountersSnapshot } from '../../central/ingest/counters.js';
import { systemClock } from '../../common/clock.js';
import { startCentral, type RunningCentral } from '../../central/main.js';
import type { GatewaySpec } from './ingest-gateways.js';

export interface Receiver {
  url: string;
  gateways: GatewaySpec[];
  /** Readings taken so far: stored (central) or delivered (bare subscriber). */
  readings(): number;
  /** Ingest counters, for the central node only. */
  counters?(): IngestCountersSnapshot;
  /** Every gateway's sequence stored as one unbroken range [seqBase, seqBase + n - 1]; central node only. */
  complete?(seqBase: number, readingsPerGateway: number): Promise<boolean>;
  stop(): Promise<void>;
}

export interface ReceiverEnv {
  dir: string;
  port: number;
  gateways: number;
  readingsPerMessage: number;
  log: Logger;
  /** Unique per run: the site of every topic on the shared Mosquitto, client ids, the PostgreSQL schema. */
  runId: string;
  mosquittoUrl: string;
  pgUrl: string;
}

const EMBEDDED_SITE = 'bench';

async function embeddedUsers(env: ReceiverEnv): Promise<{ file: string; gateways: GatewaySpec[] }> {
  const file = join(env.dir, 'credentials.yaml');
  const gateways: GatewaySpec[] = [];
  for (let g = 0; g < env.gateways; g++) {
    const gateway = `gw-${g}`;
    await setUser(
      file,
      { username: gateway, password: `pw-${g}`, role: 'gateway', site: EMBEDDED_SITE, gateway },
      { scrypt: { N: 1024, r: 8, p: 1 }, mosquittoIterations: 1 },
    );
    gateways.push({
      clientId: `bench-${gateway}`,
      username: gateway,
      password: `pw-${g}`,
      topic: `joulebook/v1/${EMBEDDED_SITE}/${gateway}/readings`,
      gateway,
    });
  }
  return { file, gateways };
}

function mosquittoGateways(env: ReceiverEnv): GatewaySpec[] {
  return Array.from({ length: env.gateways }, (_x, g) => ({
    clientId: `${env.runId}-gw-${g}`,
    topic: `joulebook/v1/${env.runId}/gw-${g}/readings`,
    gateway: `gw-${g}`,
  }));
}

function centralReceiver(
  running: RunningCentral,
  url: string,
  gateways: GatewaySpec[],
  site: string,
  extraStop: () => Promise<void>,
): Receiver {
  return {
    url,
    gateways,
    readings: () => running.pipeline.counters.snapshot().readingsStored,
    counters: () => running.pipeline.counters.snapshot(),
    async complete(seqBase, n) {
      for (const g of gateways) {
        const r = await running.store.sequenceRanges(site, g.gateway);
        if (r.length !== 1 || r[0]!.fromSeq !== seqBase || r[0]!.toSeq !== seqBase + n - 1) {
          if (process.env.JB_DEBUG) process.stderr.write(`${site}/${g.gateway}: ${JSON.stringify(r)}\n`);
          return false;
        }
      }
      return true;
    },
    async stop() {
      await running.stop();
      await extraStop();
    },
  };
}

/**
 * (a) The central node as composed by default: embedded broker, ingest before each PUBACK, SQLite written
 * on its writer thread; with `inline`, written on the main thread instead (writerThread: false).
 */
export async function embeddedCentral(env: ReceiverEnv, inline = false): Promise<Receiver> {
  const users = await embeddedUsers(env);
  const config = CentralConfig.parse({
    dataDir: join(env.dir, 'central'),
    broker: { embedded: { host: '127.0.0.1', port: env.port, credentials: users.file } },
    storage: { sqlite: { file: join(env.dir, 'central.db'), writerThread: !inline } },
  });
  const running = await startCentral({ config, clock: systemClock, log: env.log });
  return centralReceiver(running, `mqtt://127.0.0.1:${env.port}`, users.gateways, EMBEDDED_SITE, async () => undefined);
}

/** (b) The same embedded broker (same security), no ingest gate, one in-process subscriber doing nothing. */
export async function embeddedBare(env: ReceiverEnv): Promise<Receiver> {
  const users = await embeddedUsers(env);
  const credentials = new CredentialStore({ file: users.file, log: env.log });
  await credentials.load();
  const broker = new EmbeddedBroker({
    options: { dataDir: join(env.dir, 'bare'), tcp: { host: '127.0.0.1', port: env.port } },
    security: new BrokerSecurity({ credentials, log: env.log }),
    log: env.log,
  });
  await broker.start();
  let messages = 0;
  await new Promise<void>((resolve) =>
    broker.aedes.subscribe(
      `joulebook/v1/${EMBEDDED_SITE}/+/+`,
      (_p, cb) => {
        messages++;
        cb();
      },
      () => resolve(),
    ),
  );
  return {
    url: `mqtt://127.0.0.1:${env.port}`,
    gateways: users.gateways,
    readings: () => messages * env.readingsPerMessage,
    stop: () => broker.stop(5000),
  };
}

/** (c) The central node past one machine: Mosquitto consumed by MqttIngestConsumer, PostgreSQL in a fresh schema. */
export async function mosquittoCentral(env: ReceiverEnv): Promise<Receiver> {
  const schema = env.runId.replace(/-/g, '_');
  const clientId = `${env.runId}-central`;
  const config = CentralConfig.parse({
    dataDir: join(env.dir, 'central-pg'),
    broker: { external: { url: env.mosquittoUrl, clientId } },
    storage: { postgres: { url: env.pgUrl, schema } },
  });
  const running = await startCentral({ config, clock: systemClock, log: env.log });
  return centralReceiver(running, env.mosquittoUrl, mosquittoGateways(env), env.runId, async () => {
    // The consumer's session is persistent (clean:false); a clean connect ends it on the shared broker.
    const c = await mqtt.connectAsync(env.mosquittoUrl, { clientId, clean: true, reconnectPeriod: 0 });
    await c.endAsync();
    await dropSchema(env.pgUrl, schema);
  });
}

/** Drops a benchmark's PostgreSQL schema and everything in it. */
export async function dropSchema(pgUrl: string, schema: string): Promise<void> {
  const db = new pg.Client({ connectionString: pgUrl });
  await db.connect();
  try {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await db.end();
  }
}

/** (d) Mosquitto's delivery of the same messages to an MQTT.js subscriber (QoS 1) that does nothing. */
export async function mosquittoBare(env: ReceiverEnv): Promise<Receiver> {
  const c = await mqtt.connectAsync(env.mosquittoUrl, {
    clientId: `${env.runId}-bare`,
    clean: true,
    reconnectPeriod: 0,
    protocolVersion: 4,
  });
  let messages = 0;
  c.on('message', () => {
    messages++;
  });
  await c.subscribeAsync(`joulebook/v1/${env.runId}/+/+`, { qos: 1 });
  return {
    url: env.mosquittoUrl,
    gateways: mosquittoGateways(env),
    readings: () => messages * env.readingsPerMessage,
    stop: () => c.endAsync(),
  };
}
