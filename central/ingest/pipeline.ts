// The ingest pipeline: each MQTT message is validated, valid ones are gathered into small groups (up to
// maxDelayMs or maxReadings) and handed to the sink one group at a time, in arrival order; groups that
// closed while the sink was busy go to it together, within the same limits. A message's
// promise settles only after its group's store resolved, and the consumer acknowledges it to the broker
// then. A failing sink is retried with backoff for as long as it takes: nothing is acknowledged meanwhile,
// nothing is dropped, and a sender that went away has its unstored messages left to the broker's redelivery.
import type { Logger } from 'pino';
import type { IngestBatch, IngestSink, StoreResult } from './batch.js';
import type { Clock } from '../../common/clock.js';
import { IngestCounters } from './counters.js';
import type { MessageChecks } from './message-checks.js';
import { RateLimitedLog } from '../../common/rate-limited-log.js';
import { type RejectReason, validateMessage } from './validate.js';
import { doublingDelayMs } from '../../common/backoff.js';

export interface IngestPipelineOptions {
  /** A group is handed to the sink at most this long after its first message. */
  maxDelayMs: number;
  /** ...or as soon as it holds this many readings. */
  maxReadings: number;
  /** ...or this many messages (events, status and meta carry no readings). */
  maxMessages: number;
  retryMinMs: number;
  retryMaxMs: number;
  maxPayloadBytes?: number;
  /** Rejection log lines per reason per window; the counters stay exact. */
  logBurst: number;
  logWindowMs: number;
}

export const DEFAULT_PIPELINE_OPTIONS: IngestPipelineOptions = {
  maxDelayMs: 5,
  maxReadings: 10_000,
  maxMessages: 500,
  retryMinMs: 100,
  retryMaxMs: 10_000,
  logBurst: 10,
  logWindowMs: 60_000,
};

export interface IngestPipelineDeps {
  sink: IngestSink;
  clock: Clock;
  log: Logger;
  options?: Partial<IngestPipelineOptions>;
  /** Compiled validators (compileMessageChecks): the same verdicts as zod's, ~18x faster on readings. */
  checks?: MessageChecks;
}

export type IngestOutcome =
  | { status: 'stored'; inserted: number; duplicates: number }
  | { status: 'rejected'; reason: RejectReason }
  /** Not stored and not to be acknowledged: its sender went away, or the pipeline stopped first. */
  | { status: 'abandoned' };

export interface SubmitOptions {
  /** Asked before each store attempt; true drops the message from its group (the broker redelivers it). */
  gone?: () => boolean;
}

/** What a consumer needs from the pipeline. */
export interface IngestPort {
  submit(topic: string, payload: Uint8Array, opts?: SubmitOptions): Promise<IngestOutcome>;
}

interface Entry {
  batch: IngestBatch;
  readings: number;
  gone: (() => boolean) | undefined;
  settle: (o: IngestOutcome) => void;
}

interface Group {
  entries: Entry[];
  readings: number;
}

export class IngestPipeline implements IngestPort {
  readonly counters = new IngestCounters();
  private readonly opt: IngestPipelineOptions;
  private readonly rejectLog: RateLimitedLog;
  private open: Group = { entries: [], readings: 0 };
  private openSeq = 0;
  private readonly ready: Group[] = [];
  private running = false;
  private stopping = false;
  private aborted = false;
  private abortNow: () => void = () => undefined;
  /** Settles when stop() gives up waiting: a hung store or a retry pause ends at once. */
  private readonly abortSignal = new Promise<'aborted'>((r) => {
    this.abortNow = () => r('aborted');
  });
  /** The open group's window timer, cancelled when the group closes early, so no timer outlives its use. */
  private window: AbortController | undefined;
  /** Ends a retry pause's timer when stop() gives up. */
  private readonly retryTimers = new AbortController();
  private idleWaiters: (() => void)[] = [];
  private consecutiveFailures = 0;

  constructor(private readonly deps: IngestPipelineDeps) {
    this.opt = { ...DEFAULT_PIPELINE_OPTIONS, ...deps.options };
    this.rejectLog = new RateLimitedLog({
      log: deps.log,
      nowMs: () => deps.clock.monotonicMs(),
      options: { burst: this.opt.logBurst, windowMs: this.opt.logWindowMs },
    });
  }

  /** Messages accepted and not yet settled. */
  get pending(): number {
    return this.open.entries.length + this.ready.reduce((n, g) => n + g.entries.length, 0);
  }

  submit(topic: string, payload: Uint8Array, opts: SubmitOptions = {}): Promise<IngestOutcome> {
    this.counters.messageIn();
    const v = validateMessage(topic, payload, this.deps.clock.now(), this.opt.maxPayloadBytes, this.deps.checks);
    if (!v.ok) {
      this.counters.rejected(v.reason);
      this.rejectLog.warn(v.reason, { topic: topic.slice(0, 200), gateway: v.gateway, detail: v.detail }, `message rejected: ${v.reason}`);
      return Promise.resolve({ status: 'rejected', reason: v.reason });
    }
    if (this.stopping) {
      this.counters.abandoned(1);
      return Promise.resolve({ status: 'abandoned' });
    }
    return new Promise<IngestOutcome>((settle) => {
      const g = this.open;
      g.entries.push({ batch: v.batch, readings: v.readings, gone: opts.gone, settle });
      g.readings += v.readings;
      if (g.readings >= this.opt.maxReadings || g.entries.length >= this.opt.maxMessages) this.closeOpenGroup();
      else if (g.entries.length === 1) void this.closeAfterDelay(this.openSeq, (this.window = new AbortController()).signal);
    });
  }

  /**
   * Stops taking messages, stores what is queued, and resolves when the sink is idle. If the sink has not
   * caught up after timeoutMs, the rest is abandoned (not acknowledged, so the broker keeps it).
   */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.closeOpenGroup();
    if (!this.running) return;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<void>((r) => this.idleWaiters.push(r));
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), timeoutMs);
    });
    const outcome = await Promise.race([idle, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.aborted = true;
      this.abortNow();
      this.retryTimers.abort();
      await idle;
    }
  }

  private async closeAfterDelay(seq: number, signal: AbortSignal): Promise<void> {
    await this.deps.clock.sleep(this.opt.maxDelayMs, signal);
    if (seq === this.openSeq) this.closeOpenGroup();
  }

  private closeOpenGroup(): void {
    if (this.open.entries.length === 0) return;
    this.window?.abort();
    this.window = undefined;
    this.ready.push(this.open);
    this.open = { entries: [], readings: 0 };
    this.openSeq++;
    if (!this.running) void this.drainReady();
  }

  private async drainReady(): Promise<void> {
    this.running = true;
    try {
      for (let g = this.takeReady(); g; g = this.takeReady()) await this.storeGroup(g);
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /**
   * The next group to store, joined with the groups that closed behind it while the sink was busy, as far
   * as the limits allow: a busy sink then commits fewer, larger groups instead of falling further behind.
   */
  private takeReady(): Group | undefined {
    const g = this.ready.shift();
    if (!g) return undefined;
    for (let next = this.ready[0]; next; next = this.ready[0]) {
      if (g.readings + next.readings > this.opt.maxReadings || g.entries.length + next.entries.length > this.opt.maxMessages) break;
      this.ready.shift();
      g.entries.push(...next.entries);
      g.readings += next.readings;
    }
    return g;
  }

  private async storeGroup(group: Group): Promise<void> {
    let entries = group.entries;
    for (;;) {
      entries = this.dropAbandoned(entries);
      if (entries.length === 0) return;
      const started = this.deps.clock.monotonicMs();
      let results: StoreResult[] | 'aborted';
      try {
        results = await Promise.race([this.deps.sink.store(entries.map((e) => e.batch)), this.abortSignal]);
      } catch (err) {
        await this.afterFailure(err, entries.length);
        continue;
      }
      // Stopped while the sink was still busy: unacknowledged, so the broker keeps these for later.
      if (results === 'aborted') continue;
      this.settleStored(entries, Array.isArray(results) ? results : [], this.deps.clock.monotonicMs() - started);
      return;
    }
  }

  private dropAbandoned(entries: Entry[]): Entry[] {
    const live = this.aborted ? [] : entries.filter((e) => !e.gone?.());
    if (live.length === entries.length) return entries;
    const dropped = entries.filter((e) => !live.includes(e));
    this.counters.abandoned(dropped.length);
    for (const e of dropped) e.settle({ status: 'abandoned' });
    return live;
  }

  private async afterFailure(err: unknown, messages: number): Promise<void> {
    this.counters.storeFailed();
    this.consecutiveFailures++;
    const delayMs = doublingDelayMs(this.opt.retryMinMs, this.consecutiveFailures, this.opt.retryMaxMs);
    this.rejectLog.error(
      'store_failed',
      { err, messages, attempt: this.consecutiveFailures, retryInMs: delayMs },
      'storing a group failed; retrying, nothing acknowledged',
    );
    await Promise.race([this.deps.clock.sleep(delayMs, this.retryTimers.signal), this.abortSignal]);
  }

  private settleStored(entries: Entry[], results: StoreResult[], latencyMs: number): void {
    if (this.consecutiveFailures > 0) this.deps.log.info({ failures: this.consecutiveFailures }, 'storing works again');
    this.consecutiveFailures = 0;
    if (results.length !== entries.length)
      this.deps.log.error(
        { batches: entries.length, results: results.length },
        'sink returned a result count that does not match; counting what it returned',
      );
    let readings = 0;
    let other = 0;
    let duplicates = 0;
    entries.forEach((e, i) => {
      const r = results[i] ?? { inserted: 0, duplicates: 0 };
      if (e.batch.kind === 'readings') readings += r.inserted;
      // A status or meta message is one item, kept as the gateway's latest or superseded: the store
      // reports no rows inserted for it.
      else if (e.batch.kind === 'status' || e.batch.kind === 'meta') other += 1;
      else other += r.inserted;
      duplicates += r.duplicates;
      e.settle({ status: 'stored', inserted: r.inserted, duplicates: r.duplicates });
    });
    this.counters.stored(entries.length, readings, other, duplicates, latencyMs);
  }
}
