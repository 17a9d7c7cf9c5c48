// Invoicing as an operator does it, through the `joulebook` command on a central.yaml: October of the
// example inventory (readings of test/energy/example-data.ts in SQLite) invoiced, listed, shown as PDF
// and CSV, written to the output folder, and the energy behind it asked for.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ON_NOV_5_2026 } from '../helpers/anchored-clock.js';
import { runCli } from '../helpers/cli.js';
import { exampleCentralConfig } from '../helpers/example-config.js';
import { needPeer } from '../helpers/env.js';
import { hasPdftotext, pdftotextPages } from '../helpers/pdf.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** The command on 5 November 2026, so October's invoices are numbered 2026 whatever day the suite runs. */
const cli = (args: string[], opts: { timeoutMs?: number } = {}) => runCli(args, { ...opts, env: ON_NOV_5_2026 });

const exampleCentral = (opts: { readings?: boolean } = {}) => exampleCentralConfig({ ...opts, prefix: 'jb-invoice-cli-' });

t.test('invoice run, list, show; energy', async (t) => {
  const { dir, config } = await exampleCentral();

  // Both Amsterdam sites are invoiced by entity nl-bv: one run, numbered per entity and year (finalized in
  // the order of the accounts: acme, fjord, kestrel, nordwind-nl).
  const run = await cli(['invoice', '-c', config, 'run', '--period', '2026-10', '--entity', 'nl-bv'], { timeoutMs: 60_000 });
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /nl-bv 2026-10: finalized NL-BV-2026-000001, NL-BV-2026-000002, NL-BV-2026-000003, NL-BV-2026-000004/);

  const list = await cli(['invoice', '-c', config, 'list', '--entity', 'nl-bv']);
  t.equal(list.code, 0, list.stderr);
  t.match(
    list.stdout,
    /NL-BV-2026-000001\tnl-bv\t2026-10\tacme\tfinal\t1909\.28 EUR/,
    "acme's October, as worked out by hand in test/energy/drafts.test.ts",
  );
  t.match(
    list.stdout,
    /NL-BV-2026-000004\tnl-bv\t2026-10\tnordwind\tnordwind-nl\tfinal\t1142\.40 EUR/,
    "Nordwind's one invoice for both Amsterdam sites, to its Dutch account (drafts.test.ts)",
  );

  const pdf = await cli(['invoice', '-c', config, 'show', 'NL-BV-2026-000001', '--format', 'pdf']);
  t.equal(pdf.code, 0, pdf.stderr);
  t.ok(pdf.stdout.startsWith('%PDF-'), 'a PDF');
  const csv = await cli(['invoice', '-c', config, 'show', 'NL-BV-2026-000001', '--format', 'csv']);
  t.match(csv.stdout, /^invoice,status,customer,site,period_first_day/, 'a CSV with its header');
  t.match(
    csv.stdout,
    // The quantity in its unit's decimals: 1579.2 kWh printed 1579.200.
    new RegExp(
      'NL-BV-2026-000001,final,acme,ams1,2026-10-01,2026-10-31,EUR,energy:ams1-2026a:standard,energy,Energy,ams1-2026a,' +
        '1579\\.200,kWh,0\\.2150,,339\\.53,.*,acme,nl-bv,\r',
    ),
    'lines with their trace',
  );
  const out = join(dir, 'data', 'invoices', 'nl-bv', '2026-10');
  t.ok(existsSync(out), 'outputs written under dataDir/invoices/<entity>');
  t.same(
    readdirSync(out).sort(),
    [...[1, 2, 3, 4].flatMap((n) => ['csv', 'json', 'pdf', 'xml'].map((f) => `NL-BV-2026-00000${n}.${f}`)), 'summary.json'],
    'every format, the UBL e-invoice (.xml) included',
  );
  t.match(
    readFileSync(join(out, 'NL-BV-2026-000003.pdf')).toString('latin1'),
    /\/Subtype \/Image[\s\S]*\/Width 160[\s\S]*\/Height 48|\/Height 48[\s\S]*\/Width 160/,
    "the seller's logo (inventory/polder-logo.png, 160 × 48) is printed",
  );
  // Kestrel, a German business, under reverse charge: the PDF as its finance team reads it.
  if (needPeer(t, hasPdftotext(), 'pdftotext (poppler-utils)')) {
    const pages = pdftotextPages(readFileSync(join(out, 'NL-BV-2026-000003.pdf')));
    const text = pages.join(' ');
    for (const s of [
      'Kestrel Games GmbH',
      'VAT id DE298765432',
      'VAT id NL859123456B01',
      'Reverse charge: VAT to be accounted for by the recipient, art. 196 Directive 2006/112/EC.',
      'NL91 ABNA 0417 1643 00',
      'NL-BV-2026-000003',
    ])
      t.ok(text.includes(s), `Kestrel's PDF reads "${s}"`);
    pages.forEach((p, i) => t.ok(p.includes(`Page ${i + 1} of ${pages.length}`), `page ${i + 1} of ${pages.length}`));
  }
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { state: string; invoices: unknown[] };
  t.same([summary.state, summary.invoices.length], ['complete', 4], 'the summary of a complete run says so');

  const again = await cli(['invoice', '-c', config, 'run', '--period', '2026-10', '--entity', 'nl-bv'], { timeoutMs: 60_000 });
  t.match(again.stdout, /nothing new to finalize/, 'a finalized month is not invoiced twice');

  const energy = await cli(['energy', '-c', config, '--customer', 'acme', '--from', '2026-10-01', '--to', '2026-11-01', '--json']);
  t.equal(energy.code, 0, energy.stderr);
  const report = JSON.parse(energy.stdout) as { rows: { site: string; kWh: number }[] };
  t.same(report.rows.map((r) => r.site).sort(), ['ams1', 'sin1'], 'acme holds points in both sites');
});

// issue 17: `invoice run --period 2099-01` stored drafts that `release` then numbered, the month in progress
// was drafted, and `--period 1900-01` printed nothing and exited 0. The command runs on 5 November 2026
// (JB_NOW), so November is the month in progress.
// A draft that could not be a lawful invoice is held with the reason, not finalized: Kestrel is invoiced
// under reverse charge, which needs its VAT id, and the operators' copy of the inventory lost it.
t.test('reverse charge without the buyer VAT id: the draft is held with the reason, the others finalized', async (t) => {
  const { dir, config } = await exampleCentral();
  cpSync(join(ROOT, 'config', 'inventory'), join(dir, 'inventory'), { recursive: true });
  const text = readFileSync(join(ROOT, 'config', 'inventory.example.yaml'), 'utf8');
  const vat = '        vatId: DE298765432\n';
  t.ok(text.includes(vat), "Kestrel's VAT id is where the test removes it");
  writeFileSync(join(dir, 'inventory.yaml'), text.replace(vat, ''));
  writeFileSync(config, readFileSync(config, 'utf8').replace(join(ROOT, 'config', 'inventory.example.yaml'), join(dir, 'inventory.yaml')));
  const run = await cli(['invoice', '-c', config, 'run', '--period', '2026-10', '--entity', 'nl-bv'], { timeoutMs: 60_000 });
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /nl-bv 2026-10: finalized NL-BV-2026-000001, NL-BV-2026-000002, NL-BV-2026-000003; 1 held for review/);
  const held = await cli(['invoice', '-c', config, 'list', '--status', 'held']);
  t.match(
    held.stdout,
    /nl-bv\t2026-10\tkestrel\theld\t1305\.79 EUR\treview: .*reverse charge needs the buyer's VAT id: account "kestrel" has none in its legal details/,
  );
});

t.test('invoice run refuses a future month, the month in progress and a month before billing began; nothing is stored', async (t) => {
  const { config } = await exampleCentral({ readings: false });
  const future = await cli(['invoice', '-c', config, 'run', '--period', '2099-01']);
  t.equal(future.code, 1, 'exit 1');
  t.equal(future.stdout, '', 'nothing run');
  t.match(
    future.stderr,
    new RegExp(
      String.raw`^joulebook: nothing was run: nl-bv 2099-01 has not closed yet: it can be invoiced from 2099-02-01 06:00 \(Europe/Amsterdam\).*; ` +
        String.raw`sin1 2099-01 has not closed yet: it can be invoiced from 2099-02-01 06:00 \(Asia/Singapore\)`,
    ),
  );
  const one = await cli(['invoice', '-c', config, 'run', '--period', '2099-01', '--entity', 'nl-bv']);
  t.equal(one.code, 1);
  t.equal(
    one.stderr,
    'joulebook: nl-bv 2099-01 has not closed yet: it can be invoiced from 2099-02-01 06:00 (Europe/Amsterdam), ' +
      "after the month's end and the grace period (billing.graceHours); the schedule invoices it then by itself\n",
  );

  const open = await cli(['invoice', '-c', config, 'run', '--period', '2026-11', '--site', 'sin1']);
  t.equal(open.code, 1, 'the month in progress (2026-11) is refused');
  t.match(
    open.stderr,
    /^joulebook: sin1 2026-11 has not closed yet: it can be invoiced from 2026-12-01 06:00 \(Asia\/Singapore\)/,
    '--site names a site that invoices alone',
  );

  const early = await cli(['invoice', '-c', config, 'run', '--period', '1900-01']);
  t.equal(early.code, 1, '1900-01: exit 1');
  t.match(early.stderr, /nl-bv 1900-01 is before billing began \(billing\.since: 2026-10\); months from 2026-10 on can be invoiced/);
  t.match(early.stderr, /sin1 1900-01 is before billing began/, 'both entities named');

  const list = await cli(['invoice', '-c', config, 'list']);
  t.equal(list.code, 0, list.stderr);
  t.equal(
    list.stdout,
    '',
    'no run stored anything: no draft, no held draft, no invoice (dry runs, release and recompute: test/billing/runner.test.ts)',
  );
});

// issue 17: `joulebook energy` with --to past the newest reading extrapolated energy not yet used as
// "estimated" (up to 7 days) or answered 0 kWh at 100 % measured (beyond). The example data ends a day
// after October at each site: 1 Nov 23:00Z in Amsterdam, 1 Nov 16:00Z in Singapore.
t.test('energy with --to in the future ends at the newest reading and says so', async (t) => {
  const { config } = await exampleCentral();
  const json = await runCli(['energy', '-c', config, '--customer', 'acme', '--from', '2026-10-25', '--to', '2099-01-01', '--json']);
  t.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as {
    rows: { site: string; kWh: number; estimatedKwh: number; measuredShare: number; clippedToMs: number | null }[];
    clipped: { site: string; clippedToMs: number }[];
    total: { kWh: number; estimatedKwh: number; measuredShare: number };
  };
  t.same(
    report.clipped,
    [
      { site: 'ams1', clippedToMs: Date.UTC(2026, 10, 1, 23) },
      { site: 'sin1', clippedToMs: Date.UTC(2026, 10, 1, 16) },
    ],
    "where each site's data ends",
  );
  // ams1 from local midnight of the 25th (24 Oct 22:00Z, the clocks go back that night): 193 h × 8.7 kW;
  // sin1 from 24 Oct 16:00Z: 192 h × 0.2 kW. Nothing after the newest readings, nothing estimated.
  t.equal(report.total.kWh.toFixed(3), (193 * 8.7 + 192 * 0.2).toFixed(3));
  t.equal(report.total.estimatedKwh, 0);
  t.ok(
    report.total.measuredShare > 0 && report.total.measuredShare < 0.001,
    `measured ${(report.total.measuredShare * 100).toFixed(4)} % of a period to 2099, not 100 %`,
  );
  t.ok(
    report.rows.every((r) => r.clippedToMs !== null),
    'every row says where its energy stops',
  );

  const table = await runCli(['energy', '-c', config, '--customer', 'acme', '--from', '2026-10-25', '--to', '2026-11-05']);
  t.equal(table.code, 0, table.stderr);
  t.match(
    table.stdout,
    /^total\s+1717\.500\s+1717\.500\s+0\.000\s+\d+\.\d\d%$/m,
    'within 7 days of the newest reading: no extrapolated energy either',
  );
  t.match(
    table.stdout,
    /^ams1: no reading after 2026-11-02 00:00 \(Europe\/Amsterdam\); energy counted until then, the rest of the period counts as not measured$/m,
  );
  t.match(table.stdout, /^sin1: no reading after 2026-11-02 00:00 \(Asia\/Singapore\); energy counted until then/m);
});
