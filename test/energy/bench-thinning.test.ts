// The invoice benchmark stores, for most points, only the minutes around each instant the run looks up.
// Here, on a small world: a store with every minute of the month and one thinned that way give the same
// drafts (trace included) with the same lookups, so the benchmark's time is the time of the real thing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { computeEntityDrafts } from '../../central/billing/drafts.js';
import { buildModel } from '../../central/model/build.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import {
  invoiceInventory,
  invoiceTariffs,
  rackBatches,
  sequenceCounter,
  SITES,
  type InvoiceWorldSpec,
} from '../../scripts/benches/invoice-data.js';
import { quietLog } from '../helpers/env.js';

const SPEC: InvoiceWorldSpec = {
  racksPerSite: 2,
  outletsPerPdu: 2,
  racksPerGateway: 1,
  changeEvery: 2,
  swapEvery: 2,
  windowMin: 5,
  full: true,
  fullRacks: 0,
  month: '2026-10',
};

async function world(spec: InvoiceWorldSpec) {
  const store = await openSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'jb-thin-')), 'central.db'), log: quietLog });
  let rows = 0;
  const seq = sequenceCounter();
  for (const batches of rackBatches(spec, seq)) for (const r of await store.store(batches)) rows += r.inserted;
  const built = buildModel(invoiceInventory(spec));
  if (!built.ok) throw new Error(built.problems.map((p) => p.message).join('; '));
  const deps = { store, model: built.model, tariffs: invoiceTariffs(spec) };
  const runs = [];
  for (const site of SITES) runs.push(await computeEntityDrafts(deps, site.id, spec.month));
  await store.close();
  return { rows, runs };
}

t.test('every minute stored vs only the windows the run looks at: same drafts, same lookups', async (t) => {
  const full = await world(SPEC);
  const thin = await world({ ...SPEC, full: false });
  t.ok(full.rows > 40 * thin.rows, `full store ${full.rows} rows, thinned ${thin.rows}`);
  t.same(
    thin.runs.map((r) => r.drafts),
    full.runs.map((r) => r.drafts),
    'every draft equal, line, quality and trace',
  );
  t.same(
    thin.runs.map((r) => r.stats),
    full.runs.map((r) => r.stats),
    'the same boundary pairs, calls, passes and event queries',
  );
  t.same(
    thin.runs.map((r) => r.failures),
    [[], []],
  );
  // The small world has what the big one has: swaps (estimated energy), a rack changing customer, two currencies.
  const drafts = full.runs.flatMap((r) => r.drafts);
  t.same([...new Set(drafts.map((d) => d.currency))].sort(), ['EUR', 'SGD']);
  t.ok(
    drafts.some((d) => d.quality.estimatedKwh > 0),
    'a swap estimated',
  );
  t.ok(
    drafts.some((d) => d.trace.some((v) => v.points.some((p) => p.events.some((e) => e.reason === 'swap')))),
    'the swap traced',
  );
  t.ok(
    drafts.some((d) => d.trace.some((v) => v.points.some((p) => p.pieces.some((x) => x.start.method === 'interpolated')))),
    'boundaries between readings interpolated',
  );
  const ams = full.runs[0]!.drafts;
  t.same(
    ams.map((d) => d.versions),
    [
      ['ams-a', 'ams-b'],
      ['ams-a', 'ams-b'],
    ],
    'the tariff change on the 16th',
  );
  t.ok(
    ams.some((d) => d.trace[0]!.points.length === 8),
    'a customer holding a second rack after the 15th',
  );
  t.comment(`lookups: ${JSON.stringify(full.runs.map((r) => r.stats))}`);
});
