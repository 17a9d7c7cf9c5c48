// A customer's month view over the API, with 100,000 points in the store: the invoice benchmark's world
// (scripts/benches/invoice-data.ts, its readings in SQLite), a central API on a free port with one
// customer signed in by token, and what the portal's customer page asks for a month: its energy by rack and
// its invoices of the month, both at once, over HTTP. Timed from the first byte sent to the last received,
// many times; the first (cold) view is reported apart.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { buildApi } from '../../central/api/server.js';
import { AuthService } from '../../central/auth/service.js';
import { computeDrafts } from '../../central/billing/drafts.js';
import { ModelHolder } from '../../central/model/holder.js';
import { openSqliteAccessStore } from '../../central/storage/sqlite/access.js';
import { openSqliteBillingStore } from '../../central/storage/sqlite/billing.js';
import { openSqliteStore } from '../../central/storage/sqlite/store.js';
import type { CentralStore } from '../../central/storage/types.js';
import type { Bench } from '../bench.js';
import { invoiceInventory, invoiceTariffs, rackBatches, sequenceCounter, type InvoiceWorldSpec } from './invoice-data.js';
import { round } from './round.js';

const SPEC: InvoiceWorldSpec = { racksPerSite: Number(process.env.JB_BENCH_INVOICE_RACKS ?? 1000), outletsPerPdu: 25, racksPerGateway: 50, changeEvery: 20, swapEvery: 100, windowMin: 5, full: false, fullRacks: 1, month: '2026-10' };
const VIEWS = Number(process.env.JB_BENCH_API_VIEWS ?? 200);
/** Rack 0 of Amsterdam: stored every minute of the month (fullRacks), its customer holds it all month. */
const CUSTOMER = 'c-ams1-0000';
const log = pino({ level: 'silent' });

async function fill(store: CentralStore): Promise<number> {
  let rows = 0;
  let call: Parameters<CentralStore['store']>[0][number][] = [];
  for (const batches of rackBatches(SPEC, sequenceCounter())) {
    call.push(...batches);
    if (call.length >= 40) {
      for (const r of await store.store(call)) rows += r.inserted;
      call = [];
    }
  }
  if (call.length > 0) for (const r of await store.store(call)) rows += r.inserted;
  return rows;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const apiBench: Bench = {
  name: 'api',
  description: 'a customer\'s month view (energy by rack and invoices) over HTTP with 100,000 points in the store',
  async run(out) {
    const file = join(mkdtempSync(join(tmpdir(), 'jb-bench-api-')), 'central.db');
    const store = await openSqliteStore({ file, log });
    const t0 = performance.now();
    const rows = await fill(store);
    out(`store: ${rows.toLocaleString('en')} readings and events in ${((performance.now() - t0) / 1000).toFixed(1)} s (not timed)`);
    const access = openSqliteAccessStore({ file, log });
    const billing = openSqliteBillingStore({ file, log });
    const clock = { now: () => Date.parse('2026-11-20T12:00:00Z') };
    const models = new ModelHolder({ base: { inventory: invoiceInventory(SPEC), tariffs: invoiceTariffs(SPEC) }, store: access, clock, log });
    await models.load();
    const { model, tariffs } = models.current();
    const run = await billing.ensureRun('ams1', SPEC.month, 'drafted', clock.now());
    await billing.addDrafts(run.id, (await computeDrafts({ store, model, tariffs }, 'ams1', SPEC.month, CUSTOMER)).map((draft) => ({ draft, review: [] })), clock.now());
    for (const inv of await billing.invoices({ runId: run.id })) await billing.finalize(inv.id, { atMs: clock.now(), year: 2026 });
    const auth = new AuthService({ store: access, clock, log, scrypt: { N: 1024, r: 8, p: 1 } });
    await auth.addUser({ username: 'customer', role: 'customer', customer: CUSTOMER });
    const token = (await auth.createToken('customer')).text;
    const server = await buildApi({ store, models, auth, clock, log, billing: { store: billing, render: async () => '' } });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const addr = server.app.server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api/v1`;
    const headers = { authorization: `Bearer ${token}` };
    const view = async () => {
      const started = performance.now();
      const [energy, invoices] = await Promise.all([
        fetch(`${base}/energy?from=${SPEC.month}-01&to=2026-11-01&by=rack`, { headers }).then((r) => r.json() as Promise<{ rows: unknown[]; total: { kWh: number } }>),
        fetch(`${base}/invoices?period=${SPEC.month}`, { headers }).then((r) => r.json() as Promise<{ number: string }[]>),
      ]);
      if (!energy.rows?.length || invoices.length !== 1) throw new Error(`unexpected month view: ${JSON.stringify({ energy, invoices }).slice(0, 300)}`);
      return { ms: performance.now() - started, kWh: energy.total.kWh };
    };
    try {
      const cold = await view();
      const times: number[] = [];
      for (let i = 0; i < VIEWS; i++) times.push((await view()).ms);
      times.sort((a, b) => a - b);
      const p95 = percentile(times, 95);
      out(`${VIEWS} month views of ${CUSTOMER}: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, cold ${cold.ms.toFixed(1)} ms; ${cold.kWh.toFixed(1)} kWh in the month`);
      return {
        customer_month_p95_ms: round(p95, 1),
        customer_month_p50_ms: round(percentile(times, 50), 1),
        customer_month_max_ms: round(times[times.length - 1]!, 1),
        customer_month_cold_ms: round(cold.ms, 1),
        views: VIEWS,
        points: model.points.size,
        customers: model.customers.size,
        store_rows: rows,
        view: `GET /energy (the customer's month by rack) and GET /invoices?period= at once, over HTTP with a bearer token; ${round(cold.kWh, 1)} kWh`,
      };
    } finally {
      await server.app.close();
      await store.close();
      billing.close();
      await access.close();
    }
  },
};
