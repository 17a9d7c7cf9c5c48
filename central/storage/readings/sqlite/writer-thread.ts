// The embedded store's writes on a thread of their own. better-sqlite3 works on the calling thread, so
// inline every insert held up the broker, JSON parsing and validation; here those go on while the
// previous group commits, on the second core. Plans cross as columns (../columns.ts), their
// typed arrays transferred, not copied. A thread that dies fails what it held (ingest retries, nothing
// was acknowledged) and the next write starts a new one.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { WritePlan } from '../plan.js';
import type { StoreResult } from '../types.js';
import { errorFrom, type ThreadReply, type ThreadRequest } from './writer-thread-protocol.js';

/** The thread's entry, beside this file and of its kind (.js when built, .ts under the test runner). */
const ENTRY = new URL(`./writer-thread-main${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

interface Pending {
  resolve: (r: StoreResult[]) => void;
  reject: (e: Error) => void;
}

export interface SqliteWriterThreadDeps {
  file: string;
  log: Logger;
  /** Starts the thread; tests pass their own to hold on to it. */
  spawn?: (entry: URL, workerData: { file: string }) => Worker;
}

const spawnWorker = (entry: URL, workerData: { file: string }) => new Worker(entry, { workerData });

export class SqliteWriterThread {
  private worker: Promise<Worker> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(private readonly deps: SqliteWriterThreadDeps) {}

  /** Starts the thread and waits until its connection is open (an unopenable file fails here). */
  async start(): Promise<void> {
    await this.ensureWorker();
  }

  async write(plan: WritePlan): Promise<StoreResult[]> {
    if (this.closed) throw new Error('the SQLite writer thread is closed');
    const worker = await this.ensureWorker();
    const id = ++this.nextId;
    const c = plan.readings;
    return new Promise<StoreResult[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: ThreadRequest = { type: 'write', id, plan };
      worker.postMessage(request, [c.batch.buffer, c.ts.buffer, c.energyImportKwh.buffer, c.powerW.buffer] as ArrayBuffer[]);
    });
  }

  /** Lets the thread finish what it holds, then ends it. */
  async close(): Promise<void> {
    this.closed = true;
    const started = this.worker;
    this.worker = undefined;
    if (!started) return;
    const worker = await started.catch(() => undefined);
    if (!worker) return;
    const exited = new Promise<void>((r) => worker.once('exit', () => r()));
    worker.postMessage({ type: 'close' } satisfies ThreadRequest);
    await exited;
  }

  private ensureWorker(): Promise<Worker> {
    this.worker ??= this.spawn().catch((err: unknown) => {
      this.worker = undefined;
      throw err;
    });
    return this.worker;
  }

  private spawn(): Promise<Worker> {
    const worker = (this.deps.spawn ?? spawnWorker)(ENTRY, { file: this.deps.file });
    return new Promise<Worker>((resolve, reject) => {
      worker.on('message', (m: ThreadReply) => {
        if (m.type === 'ready') resolve(worker);
        else if (m.type === 'failed') reject(errorFrom(m.error));
        else this.settle(m);
      });
      worker.on('error', (err) => {
        this.deps.log.error({ err }, 'SQLite writer thread failed');
        reject(err);
      });
      worker.on('exit', (code) => {
        if (this.closed) return;
        this.deps.log.error({ code }, 'SQLite writer thread exited; the next write starts another');
        this.worker = undefined;
        reject(new Error(`SQLite writer thread exited with code ${code}`));
        this.failPending(new Error(`SQLite writer thread exited with code ${code} before answering`));
      });
    });
  }

  private settle(m: Extract<ThreadReply, { id: number }>): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === 'written') p.resolve(m.results);
    else p.reject(errorFrom(m.error));
  }

  private failPending(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }
}
