// Central ingest, sustained, against the broker it runs behind, in one run:
//   (a) readings/s stored in SQLite through the embedded broker (a PUBACK means stored), by startCentral;
//   (b) the embedded broker's own delivery rate of the same messages to an in-process subscriber doing nothing;
//   (c) readings/s stored in PostgreSQL (a fresh schema, dropped after) consumed from the machine's Mosquitto;
//   (d) Mosquitto's delivery rate of the same messages to an MQTT.js subscriber doing nothing.
//   (a') as (a) with the store written on the main thread (writerThread: false), for the thread's gain;
//   (f) each store alone (ingest-floor.ts): the same messages parsed beforehand, store() timed, nothing else;
//   (s) the PostgreSQL server inserting the rows of (f) again by INSERT ... SELECT ... ON CONFLICT DO NOTHING
//       (ingest-server.ts): what postgres_readings_per_s is read against (postgres_vs_server_insert).
// Gateways are MQTT.js clients in a child process (ingest-gateways.ts): QoS 1, a window of 16 messages
// awaiting PUBACK each, messages of 200 readings with 9 values (~62 KB). The rate of a case is all its
// readings over the time from "go" to the last one taken by the receiver.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { DEFAULT_PIPELINE_OPTIONS } from '../../central/ingest/pipeline.js';
import { openPostgresStore } from '../../central/storage/readings/postgres/store.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import type { CentralStore } from '../../central/storage/readings/types.js';
import { PACKAGE_ROOT } from '../../gateway/paths.js';
import { freePort } from '../../sim/wiring.js';
import type { Bench } from '../bench.js';
import { type FloorResult, storeFloor } from './ingest-floor.js';
import type { FromGateways, ToGateways } from './ingest-gateways.js';
import {
  dropSchema,
  embeddedBare,
  embeddedCentral,
  mosquittoBare,
  mosquittoCentral,
  type Receiver,
  type ReceiverEnv,
} from './ingest-receivers.js';
import { round } from './round.js';
import { serverInsertRate, type ServerInsertResult } from './ingest-server.js';

const GATEWAYS = 8;
const READINGS_PER_MESSAGE = 200;
/** 1,200,000 readings per case; JB_BENCH_MESSAGES overrides (messages per gateway) for a quick look. */
const MESSAGES_PER_GATEWAY = Number(process.env.JB_BENCH_MESSAGES ?? 750);
/** JB_BENCH_ONLY=a,c runs only those cases (for profiling one; i is a'); the figures of the others, and ratios to them, are then 0. */
const ONLY = new Set((process.env.JB_BENCH_ONLY ?? 'a,i,b,c,d,f').split(','));
/** The pipeline's default group size, as the central node runs it. */
const READINGS_PER_STORE_CALL = DEFAULT_PIPELINE_OPTIONS.maxReadings;
const IN_FLIGHT = 16;
/** Messages the publishers may be ahead of the receiver: under Mosquitto's default max_queued_messages (1000). */
const MAX_AHEAD = 512;
const SEQ_BASE = 1;
const POLL_MS = 10;
const TIMEOUT_MS = Number(process.env.JB_BENCH_TIMEOUT_MS ?? 300_000);
const MOSQUITTO_URL = process.env.JB_BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const PG_URL = process.env.JB_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface CaseResult {
  readingsPerS: number;
  seconds: number;
  cpuS: number;
  rssMb: number;
  storeCalls?: number;
  meanStoreMs?: number;
  readingsPerStoreCall?: number;
}

function gatewaysProcess(): {
  child: ChildProcess;
  next: (type: FromGateways['type']) => Promise<FromGateways>;
  send: (m: ToGateways) => void;
} {
  const child = fork(join(PACKAGE_ROOT, 'dist/scripts/benches/ingest-gateways.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const inbox: FromGateways[] = [];
  let notify: (() => void) | undefined;
  child.on('message', (m: FromGateways) => {
    inbox.push(m);
    notify?.();
  });
  const next = async (type: FromGateways['type']) => {
    for (;;) {
      const i = inbox.findIndex((m) => m.type === type || m.type === 'failed');
      if (i >= 0) {
        const m = inbox.splice(i, 1)[0]!;
        if (m.type === 'failed') throw new Error(`gateways: ${m.error}`);
        return m;
      }
      if (child.exitCode !== null) throw new Error(`gateways exited with ${child.exitCode}`);
      await new Promise<void>((r) => {
        notify = r;
        setTimeout(r, 1000);
      });
    }
  };
  return { child, next, send: (m) => child.send(m) };
}

const SKIPPED: CaseResult = { readingsPerS: 0, seconds: 0, cpuS: 0, rssMb: 0 };
const NO_FLOOR: FloorResult = { readingsPerS: 0, seconds: 0 };
/** ours / base, or 0 when the base case was skipped (JB_BENCH_ONLY), like the skipped figures themselves. */
const ratio = (ours: number, base: number): number => (base > 0 ? round(ours / base, 3) : 0);

async function floor(name: string, open: () => Promise<CentralStore>, site: string, out: (l: string) => void): Promise<FloorResult> {
  const store = await open();
  try {
    const r = await storeFloor(store, {
      gateways: GATEWAYS,
      messagesPerGateway: MESSAGES_PER_GATEWAY,
      readingsPerMessage: READINGS_PER_MESSAGE,
      readingsPerCall: READINGS_PER_STORE_CALL,
      site,
    });
    out(
      `${name} alone: ${Math.round(r.readingsPerS).toLocaleString('en')} readings/s ` +
        `(${r.seconds.toFixed(2)} s in store(), groups of ${READINGS_PER_STORE_CALL.toLocaleString('en')})`,
    );
    return r;
  } finally {
    await store.close();
  }
}

async function measure(
  name: string,
  start: (env: ReceiverEnv) => Promise<Receiver>,
  env: ReceiverEnv,
  out: (l: string) => void,
): Promise<CaseResult> {
  const receiver = await start(env);
  const gw = gatewaysProcess();
  const total = GATEWAYS * MESSAGES_PER_GATEWAY * READINGS_PER_MESSAGE;
  try {
    gw.send({
      type: 'run',
      url: receiver.url,
      gateways: receiver.gateways,
      messagesPerGateway: MESSAGES_PER_GATEWAY,
      readingsPerMessage: READINGS_PER_MESSAGE,
      inFlight: IN_FLIGHT,
      seqBase: SEQ_BASE,
      maxAhead: MAX_AHEAD,
    });
    await gw.next('ready');
    const before = receiver.readings();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let rssMb = 0;
    gw.send({ type: 'go' });
    // Counted readings may include other traffic on the shared broker: the end is when ours are all stored.
    const done = async (taken: number) =>
      taken >= total && (!receiver.complete || (await receiver.complete(SEQ_BASE, MESSAGES_PER_GATEWAY * READINGS_PER_MESSAGE)));
    for (let taken = 0; !(await done(taken)); taken = receiver.readings() - before) {
      if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`${name}: ${taken} of ${total} readings after ${TIMEOUT_MS / 1000} s`);
      gw.send({ type: 'credit', received: Math.floor(taken / READINGS_PER_MESSAGE) });
      rssMb = Math.max(rssMb, process.memoryUsage.rss() / 2 ** 20);
      await sleep(POLL_MS);
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    gw.send({ type: 'credit', received: total / READINGS_PER_MESSAGE });
    await gw.next('published');
    const r: CaseResult = { readingsPerS: total / seconds, seconds, cpuS: (cpu.user + cpu.system) / 1e6, rssMb };
    const c = receiver.counters?.();
    if (c)
      Object.assign(r, {
        storeCalls: c.storeCalls,
        meanStoreMs: c.storeLatency.sumMs / Math.max(1, c.storeLatency.count),
        readingsPerStoreCall: c.readingsStored / Math.max(1, c.storeCalls),
      });
    out(
      `${name}: ${total.toLocaleString('en')} readings in ${seconds.toFixed(2)} s = ${Math.round(r.readingsPerS).toLocaleString('en')} readings/s; ` +
        `central process CPU ${r.cpuS.toFixed(1)} s` +
        (c ? `; ${c.storeCalls} store calls, ${r.readingsPerStoreCall!.toFixed(0)} readings and ${r.meanStoreMs!.toFixed(1)} ms each` : ''),
    );
    return r;
  } finally {
    gw.send({ type: 'end' });
    await new Promise((r) => (gw.child.exitCode !== null ? r(undefined) : gw.child.once('exit', r)));
    await receiver.stop();
  }
}

export const ingestBench: Bench = {
  name: 'ingest',
  description:
    `${GATEWAYS} gateways x ${MESSAGES_PER_GATEWAY} messages of ${READINGS_PER_MESSAGE} readings (QoS 1, inFlight ${IN_FLIGHT}): ` +
    "SQLite via the embedded broker, PostgreSQL via Mosquitto, each against the broker's bare delivery and its store alone",
  async run(out) {
    const dir = await mkdtemp(join(tmpdir(), 'jb-bench-ingest-'));
    const readingsPerCase = GATEWAYS * MESSAGES_PER_GATEWAY * READINGS_PER_MESSAGE;
    const runId = `jb_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const env = async (sub: string): Promise<ReceiverEnv> => ({
      dir: await mkdtemp(join(dir, `${sub}-`)),
      port: await freePort(),
      gateways: GATEWAYS,
      readingsPerMessage: READINGS_PER_MESSAGE,
      log: pino({ level: process.env.JB_BENCH_LOG ?? 'warn' }),
      runId: `${runId}_${sub}`,
      mosquittoUrl: MOSQUITTO_URL,
      pgUrl: PG_URL,
    });
    try {
      const a = ONLY.has('a') ? await measure('embedded + SQLite (writer thread)', embeddedCentral, await env('a'), out) : SKIPPED;
      const inline = ONLY.has('i')
        ? await measure('embedded + SQLite (written inline)', (e) => embeddedCentral(e, true), await env('i'), out)
        : SKIPPED;
      const b = ONLY.has('b') ? await measure('embedded broker, bare subscriber', embeddedBare, await env('b'), out) : SKIPPED;
      const c = ONLY.has('c') ? await measure('Mosquitto + PostgreSQL', mosquittoCentral, await env('c'), out) : SKIPPED;
      const d = ONLY.has('d') ? await measure('Mosquitto, bare subscriber', mosquittoBare, await env('d'), out) : SKIPPED;
      const fs = ONLY.has('f')
        ? await floor(
            'SQLite store',
            async () => openSqliteStore({ file: join((await env('fs')).dir, 'floor.db'), log: pino({ level: 'warn' }) }),
            'bench',
            out,
          )
        : NO_FLOOR;
      const fpSchema = `${runId}_fp`;
      const fp = ONLY.has('f')
        ? await floor(
            'PostgreSQL store',
            () => openPostgresStore({ connectionString: PG_URL, schema: fpSchema, log: pino({ level: 'warn' }) }),
            'bench',
            out,
          ).catch(async (err: unknown) => {
            await dropSchema(PG_URL, fpSchema);
            throw err;
          })
        : NO_FLOOR;
      const server: ServerInsertResult = ONLY.has('f')
        ? await serverInsertRate(PG_URL, fpSchema, READINGS_PER_STORE_CALL).finally(() => dropSchema(PG_URL, fpSchema))
        : { rows: 0, rowsPerS: 0, seconds: 0 };
      if (ONLY.has('f'))
        out(
          `PostgreSQL server, INSERT ... SELECT ... ON CONFLICT DO NOTHING of the same ${server.rows.toLocaleString('en')} rows: ` +
            `${Math.round(server.rowsPerS).toLocaleString('en')} rows/s (${server.seconds.toFixed(2)} s)`,
        );
      return {
        embedded_readings_per_s: Math.round(a.readingsPerS),
        postgres_readings_per_s: Math.round(c.readingsPerS),
        postgres_server_insert_rows_per_s: Math.round(server.rowsPerS),
        postgres_vs_server_insert: ratio(c.readingsPerS, server.rowsPerS),
        postgres_floor_vs_server_insert: ratio(fp.readingsPerS, server.rowsPerS),
        vs_broker_embedded: ratio(a.readingsPerS, b.readingsPerS),
        vs_broker_mosquitto: ratio(c.readingsPerS, d.readingsPerS),
        embedded_inline_readings_per_s: Math.round(inline.readingsPerS),
        writer_thread_gain: ratio(a.readingsPerS, inline.readingsPerS),
        sqlite_floor_readings_per_s: Math.round(fs.readingsPerS),
        postgres_floor_readings_per_s: Math.round(fp.readingsPerS),
        sqlite_floor_vs_broker_embedded: ratio(fs.readingsPerS, b.readingsPerS),
        postgres_floor_vs_broker_mosquitto: ratio(fp.readingsPerS, d.readingsPerS),
        embedded_broker_readings_per_s: Math.round(b.readingsPerS),
        mosquitto_readings_per_s: Math.round(d.readingsPerS),
        readings_per_case: readingsPerCase,
        embedded_s: round(a.seconds, 2),
        postgres_s: round(c.seconds, 2),
        embedded_cpu_s_per_m_readings: round(a.cpuS / (readingsPerCase / 1e6), 2),
        postgres_cpu_s_per_m_readings: round(c.cpuS / (readingsPerCase / 1e6), 2),
        embedded_readings_per_store_call: Math.round(a.readingsPerStoreCall ?? 0),
        embedded_mean_store_ms: round(a.meanStoreMs ?? 0, 2),
        postgres_readings_per_store_call: Math.round(c.readingsPerStoreCall ?? 0),
        postgres_mean_store_ms: round(c.meanStoreMs ?? 0, 2),
        gateways: GATEWAYS,
        readings_per_message: READINGS_PER_MESSAGE,
        in_flight: IN_FLIGHT,
        readings_per_store_call_floor: READINGS_PER_STORE_CALL,
        rss_mb: round(Math.max(a.rssMb, inline.rssMb, b.rssMb, c.rssMb, d.rssMb), 1),
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
