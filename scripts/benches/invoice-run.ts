// The timed part of the invoice benchmark, as its own process so its peak RSS is the run's alone:
// builds the model, opens the store the parent filled, makes every draft of every issuing entity for the month,
// and prints one JSON line. Arguments: <spec json> sqlite <file> | postgres <url> <schema>.
import { pino } from 'pino';
import { streamEntityDrafts } from '../../central/billing/drafts.js';
import { dec, sumDec } from '../../central/billing/money.js';
import { buildModel } from '../../central/model/build.js';
import { openPostgresStore } from '../../central/storage/readings/postgres/store.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import type { CentralStore } from '../../central/storage/readings/types.js';
import { invoiceInventory, invoiceTariffs, type InvoiceWorldSpec } from './invoice-data.js';

const [specJson, kind, a, b] = process.argv.slice(2);
const spec = JSON.parse(specJson!) as InvoiceWorldSpec;
const log = pino({ level: 'silent' });
const built = buildModel(invoiceInventory(spec));
if (!built.ok)
  throw new Error(
    `bench inventory does not build: ${built.problems
      .slice(0, 3)
      .map((p) => p.message)
      .join('; ')}`,
  );
const model = built.model;
const tariffs = invoiceTariffs(spec);
const store: CentralStore =
  kind === 'sqlite'
    ? await openSqliteStore({ file: a!, log })
    : await openPostgresStore({ connectionString: a!, schema: b!, log, maxConnections: 2 });

const t0 = performance.now();
const cpu0 = process.cpuUsage();
let drafts = 0;
let failures = 0;
/** Site sections of all drafts, and drafts with more than one (a customer in two sites of one entity). */
let sections = 0;
let multiSection = 0;
const totals: Record<string, string> = {};
const stats = {
  boundaryQueries: 0,
  boundaryCalls: 0,
  eventQueries: 0,
  passes: 0,
  misses: 0,
  points: 0,
  customers: 0,
  estimatedKwh: 0,
  lines: 0,
};
for (const entity of model.parties.entities.values()) {
  // Each draft is handed over as it is made and let go, as an invoice run stores them.
  const r = await streamEntityDrafts({ store, model, tariffs }, entity.id, spec.month, (d) => {
    totals[d.currency] = sumDec([totals[d.currency] ?? dec(0), d.total]).toFixed(2);
    stats.estimatedKwh += d.quality.estimatedKwh;
    stats.lines += d.lines.length;
    sections += d.sections.length;
    if (d.sections.length > 1) multiSection++;
  });
  drafts += r.drafts;
  failures += r.failures.length;
  for (const k of ['boundaryQueries', 'boundaryCalls', 'eventQueries', 'misses', 'points', 'customers'] as const) stats[k] += r.stats[k];
  stats.passes = Math.max(stats.passes, r.stats.passes);
}
const runS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
await store.close();
const { contracts, entities } = model.parties;
const contractVersions = [...contracts.values()].reduce((n, c) => n + c.versions.length, 0);
const overageContracts = [...contracts.values()].filter((c) => c.versions.some((v) => v.overagePricePerKw !== undefined)).length;
// stats.customers counts a customer once per site it is priced at.
const figures = {
  customers: model.customers.size,
  customerSections: stats.customers,
  contracts: contracts.size,
  contractVersions,
  overageContracts,
  entities: entities.size,
  sections,
  multiSection,
};
process.stdout.write(
  `${JSON.stringify({ runS, cpuS, peakRssMb: process.resourceUsage().maxRSS / 1024, drafts, failures, totals, ...stats, ...figures })}\n`,
);
