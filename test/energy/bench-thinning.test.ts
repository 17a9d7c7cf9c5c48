// The invoice benchmark stores, for most points, only the minutes around each instant the run looks up.
// Here, on a small world with everything the big one has (contracts, a contract changing on the 20th, a
// customer in two sites of one entity, overage over a per-rack commitment): a store with every minute of
// the month and one thinned that way give the same drafts (trace included) with the same lookups, so the
// benchmark's time is the time of the real thing.
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
  type InvoiceWorldSpec,
} from '../../scripts/benches/invoice-data.js';
import { quietLog } from '../helpers/env.js';

const SPEC: InvoiceWorldSpec = {
  racksPerSite: 2,
  outletsPerPdu: 2,
  racksPerGateway: 1,
  changeEvery: 2,
  swapEvery: 2,
  secondSiteEvery: 2,
  contractChangeEvery: 1,
  overageEvery: 4,
  commitmentPriceEvery: 1,
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
  for (const entity of built.model.parties.entities.keys()) runs.push(await computeEntityDrafts(deps, entity, spec.month));
  await store.close();
  return { rows, runs };
}

t.test('every minute stored vs only the windows the run looks at: same drafts, same lookups', async (t) => {
  const full = await world(SPEC);
  const thin = await world({ ...SPEC, full: false });
  // The overage customer's points keep two minutes around each of the month's 2,976 quarter hours.
  t.ok(full.rows > 10 * thin.rows, `full store ${full.rows} rows, thinned ${thin.rows}`);
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
  t.same(
    full.runs.map((r) => r.entity),
    ['nl-bv', 'sin1'],
    'Amsterdam 1 and 2 invoiced by one entity, Singapore alone',
  );
  const ams = full.runs[0]!.drafts;
  const both = ams.find((d) => d.customer === 'c-ams1-0000')!;
  t.same(
    both.sections.map((x) => x.site),
    ['ams1', 'ams2'],
    'a customer in both Amsterdam sites: one invoice, a section per site',
  );
  t.same(
    both.versions,
    [
      'k-c-ams1-0000/2026+ams-a',
      'k-c-ams1-0000/2026+ams-b',
      'k-c-ams1-0000/2026-b+ams-b',
      'k-c-ams1-0000/2026+ams2',
      'k-c-ams1-0000/2026-b+ams2',
    ],
    'its contract over the tariff change on the 16th and its own change on the 20th',
  );
  t.ok(
    both.trace.some((v) => v.site === 'ams1' && v.points.length === 8),
    'a customer holding a second rack after the 15th',
  );
  t.same(
    both.lines.filter((l) => l.kind === 'commitment' && l.site === 'ams1').map((l) => [l.version, l.quantity, l.prorate?.days]),
    [
      ['k-c-ams1-0000/2026+ams-a', '0.24', 14],
      ['k-c-ams1-0000/2026+ams-a', '0.48', 1],
      ['k-c-ams1-0000/2026+ams-b', '0.48', 4],
      ['k-c-ams1-0000/2026-b+ams-b', '0.48', 12],
    ],
    'committed power per rack held, following the second rack from the 15th',
  );
  t.equal(both.lines.filter((l) => l.kind === 'overage').length, 6, 'overage of the 15-minute peak over each level');
  t.comment(`lookups: ${JSON.stringify(full.runs.map((r) => r.stats))}`);
});
