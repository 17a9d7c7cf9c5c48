// The API at scale: the invoice benchmark's world (110,000 metered outlets, 2,000 customers, one month
// with swaps and contract changes) in SQLite, and a customer's month view as the portal loads it (its
// energy by rack and its invoices of that month, both at once) requested over HTTP with the customer's
// API token, again and again across several customers. Filling the store is not timed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { authService } from '../../central/api/compose.js';
import { cachedCustomerEnergy } from '../../central/api/energy-cache.js';
import { startApi } from '../../central/api/compose.js';
import { CentralConfig } from '../../central/config/central-schema.js';
import { buildModel } from '../../central/model/build.js';
import { fixedModel } from '../../central/model/holder.js';
import { draftOf } from './invoice-drafts.js';
import { openSqliteAccessStore } from '../../central/storage/access/sqlite.js';
import { openSqliteBillingStore } from '../../central/storage/billing/sqlite.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import type { CentralStore } from '../../central/storage/readings/types.js';
import type { Bench } from '../bench.js';
import { invoiceInventory, invoiceTariffs, rackBatches, sequenceCounter, type InvoiceWorldSpec } from './invoice-data.js';
import { round } from './round.js';

const SPEC: InvoiceWorldSpec = {
  racksPerSite: Number(process.env.JB_BENCH_INVOICE_RACKS ?? 1000),
  outletsPerPdu: 25,
  racksPerGateway: 50,
  changeEvery: 20,
  swapEvery: 100,
  secondSiteEvery: 5,
  contractChangeEvery: 20,
  overageEvery: 0,
  commitmentPriceEvery: 4,
  windowMin: 5,
  full: false,
  fullRacks: 1,
  month: '2026-10',
};
const REQUESTS = Number(process.env.JB_BENCH_API_REQUESTS ?? 300);
const CUSTOMERS = 20;
const log = pino({ level: 'silent' });

async function fill(store: CentralStore): Promise<number> {
  let rows = 0;
  let call: Parameters<CentralStore['store']>[0][number][] = [];
  const seq = sequenceCounter();
  for (const batches of rackBatches(SPEC, seq)) {
    call.push(...batches);
    if (call.length >= 40) {
      for (const r of await store.store(call)) rows += r.inserted;
      call = [];
    }
  }
  if (call.length > 0) for (const r of await store.store(call)) rows += r.inserted;
  return rows;
}

const pct = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export const apiBench: Bench = {
  name: 'api',
  description: "a customer's month view (energy by rack + invoices) over HTTP with 110,000 points in SQLite",
  async run(out) {
    const file = join(mkdtempSync(join(tmpdir(), 'jb-bench-api-')), 'central.db');
    const t0 = performance.now();
    const store = await openSqliteStore({ file, log });
    const rows = await fill(store);
    const fillS = (performance.now() - t0) / 1000;
    out(`store: ${rows.toLocaleString('en')} readings and events in ${fillS.toFixed(1)} s (not timed)`);
    const t1 = performance.now();
    const built = buildModel(invoiceInventory(SPEC));
    if (!built.ok) throw new Error(`bench inventory does not build: ${built.problems[0]?.message}`);
    const model = built.model;
    const modelS = (performance.now() - t1) / 1000;
    const billing = openSqliteBillingStore({ file, log });
    const access = openSqliteAccessStore({ file, log });
    const clock = { now: () => Date.UTC(2026, 10, 9) };
    const config = CentralConfig.parse({});
    const auth = authService(config, access, (id) => model.customers.has(id), log, clock);
    const customers = [...model.customers.keys()]
      .filter((_, i) => i % Math.floor(model.customers.size / CUSTOMERS) === 0)
      .slice(0, CUSTOMERS);
    const run = await billing.ensureRun('ams1', SPEC.month, 'drafted', clock.now());
    await billing.addDrafts(
      run.id,
      customers.map((c) => ({ draft: draftOf(c, '100.00', 'ams1', SPEC.month), review: [] })),
      clock.now(),
    );
    for (const inv of await billing.invoices({ runId: run.id })) await billing.finalize(inv.id, { atMs: clock.now(), year: 2026 });
    const tokens: string[] = [];
    for (const c of customers) {
      await auth.addUser({ username: `u-${c}`, role: 'customer', customer: c, password: `pw-${c}-long-enough` });
      tokens.push((await auth.createToken(`u-${c}`)).text);
    }
    // Moved past the caches' lifetime after the timed views, to see what a request pays when they expire.
    let skewMs = 0;
    const api = await startApi(
      {
        store,
        models: fixedModel(model, invoiceTariffs(SPEC)),
        auth,
        clock,
        log,
        energy: cachedCustomerEnergy({ store, clock: { now: () => Date.now() + skewMs } }),
        billing: { store: billing, render: async () => '', renderNote: async () => '' },
      },
      { host: '127.0.0.1', port: 0 },
    );
    const view = async (token: string): Promise<number> => {
      const s = performance.now();
      const headers = { authorization: `Bearer ${token}` };
      const [e, i] = await Promise.all([
        fetch(`${api.url}/api/v1/energy?from=${SPEC.month}-01&to=2026-11-01&by=rack`, { headers }),
        fetch(`${api.url}/api/v1/invoices?period=${SPEC.month}`, { headers }),
      ]);
      const [eb, ib] = await Promise.all([e.json() as Promise<{ rows?: unknown[] }>, i.json() as Promise<unknown[]>]);
      if (e.status !== 200 || i.status !== 200 || !eb.rows?.length || ib.length !== 1)
        throw new Error(`month view failed: ${e.status} ${i.status} ${JSON.stringify(eb).slice(0, 200)}`);
      return performance.now() - s;
    };
    const first: number[] = [];
    for (const tk of tokens) first.push(await view(tk));
    const times: number[] = [];
    for (let k = 0; k < REQUESTS; k++) times.push(await view(tokens[k % tokens.length]!));
    skewMs = 61_000;
    const expired: number[] = [];
    for (const tk of tokens) expired.push(await view(tk));
    const all = [...first, ...times].sort((a, b) => a - b);
    const cold = [...first].sort((a, b) => a - b);
    out(
      `first view per customer (no cache): p50 ${pct(cold, 50).toFixed(1)} ms, max ${cold[cold.length - 1]!.toFixed(1)} ms ` +
        `(the very first: ${first[0]!.toFixed(1)} ms, loading the series index); ` +
        `all ${all.length} views: p50 ${pct(all, 50).toFixed(1)} ms, p95 ${pct(all, 95).toFixed(1)} ms`,
    );
    const late = [...expired].sort((a, b) => a - b);
    out(
      `after the caches expire (index refreshed in the background): p50 ${pct(late, 50).toFixed(1)} ms, max ${late[late.length - 1]!.toFixed(1)} ms`,
    );
    await api.close();
    await store.close();
    billing.close();
    await access.close();
    return {
      customer_month_p95_ms: round(pct(all, 95), 1),
      customer_month_p50_ms: round(pct(all, 50), 1),
      customer_month_first_p50_ms: round(pct(cold, 50), 1),
      customer_month_first_max_ms: round(cold[cold.length - 1]!, 1),
      customer_month_very_first_ms: round(first[0]!, 1),
      customer_month_expired_p50_ms: round(pct(late, 50), 1),
      customer_month_expired_max_ms: round(late[late.length - 1]!, 1),
      count: all.length,
      customers: customers.length,
      points: model.points.size,
      store_rows: rows,
      fill_s: round(fillS, 1),
      model_build_s: round(modelS, 2),
      method:
        `the month view = GET /api/v1/energy?by=rack and GET /api/v1/invoices?period=${SPEC.month} at once, over HTTP with a customer token; ` +
        `${customers.length} customers, each viewed once cold, then ${REQUESTS} views round-robin; p95 over all views; ` +
        'then each once more after the caches expired (not in p95)',
    };
  },
};
