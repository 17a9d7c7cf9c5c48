// One invoice, four documents: the JSON, CSV, PDF and UBL e-invoice that the monthly run writes for each
// of the example's October invoices (both entities, EUR and SGD, standard VAT, reverse charge, two sites)
// carry the same amounts to the cent. Read back from the files the `joulebook invoice run` command wrote:
// JSON and CSV parsed, the PDF through pdftotext (poppler-utils), the UBL as XML.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readInventory } from '../../central/config/inventory-load.js';
import { parseCsv } from '../../central/billing/render/csv.js';
import type { InvoiceDraft } from '../../central/billing/types.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import { ON_NOV_5_2026 } from '../helpers/anchored-clock.js';
import { runCli } from '../helpers/cli.js';
import { needPeer, quietLog } from '../helpers/env.js';
import { hasPdftotext, pdftotextPages } from '../helpers/pdf.js';
import { all, parseUbl } from '../helpers/ubl-xml.js';
import { exampleSeries } from '../energy/example-data.js';
import { ingest } from '../energy/stores.js';

const ROOT = join(import.meta.dirname, '..', '..');

t.test('every example invoice: JSON, CSV, PDF and UBL agree to the cent', async (t) => {
  if (!needPeer(t, hasPdftotext(), 'pdftotext (poppler-utils)')) return;
  const dir = mkdtempSync(join(tmpdir(), 'jb-formats-'));
  mkdirSync(join(dir, 'data'));
  const { model } = await readInventory(join(ROOT, 'config', 'inventory.example.yaml'));
  const store = await openSqliteStore({ file: join(dir, 'data', 'joulebook.db'), log: quietLog });
  await ingest(store, exampleSeries(model));
  await store.close();
  const config = join(dir, 'central.yaml');
  writeFileSync(
    config,
    `inventory: ${join(ROOT, 'config', 'inventory.example.yaml')}\n` +
      `billing: { tariffs: ${join(ROOT, 'config', 'tariffs.example.yaml')}, since: '2026-10', minMeasuredPct: 90 }\n`,
  );
  const run = await runCli(['invoice', '-c', config, 'run', '--period', '2026-10'], { env: ON_NOV_5_2026, timeoutMs: 90_000 });
  t.equal(run.code, 0, run.stderr);

  const folders = ['nl-bv', 'sin1'].map((e) => join(dir, 'data', 'invoices', e, '2026-10'));
  const numbers = folders.flatMap((f) =>
    readdirSync(f)
      .filter((n) => n.endsWith('.json') && n !== 'summary.json')
      .map((n) => join(f, n.slice(0, -'.json'.length))),
  );
  t.equal(numbers.length, 6, 'Acme, Fjord, Kestrel and Nordwind from nl-bv; Acme and Lumen from sin1');
  const currencies = new Set<string>();
  const categories = new Set<string>();
  for (const base of numbers) {
    const name = base.split('/').pop()!;
    const json = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as InvoiceDraft & { number: string };
    currencies.add(json.currency);
    const items = json.lines.filter((l) => l.kind !== 'tax');
    const taxes = json.lines.filter((l) => l.kind === 'tax');
    for (const l of taxes) categories.add(l.vat?.category ?? '?');

    const csv = parseCsv(readFileSync(`${base}.csv`, 'utf8'));
    t.same(
      csv.map((r) => [r.line, r.amount]),
      json.lines.map((l) => [l.key, l.amount]),
      `${name}: the CSV has every line with the JSON's amount`,
    );

    const ubl = parseUbl(readFileSync(`${base}.xml`, 'utf8'));
    const one = (path: string) => all(ubl, path).map((e) => e.text);
    t.same(
      [
        one('cac:LegalMonetaryTotal/cbc:LineExtensionAmount'),
        one('cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount'),
        one('cac:TaxTotal/cbc:TaxAmount'),
        one('cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount'),
        one('cac:LegalMonetaryTotal/cbc:PayableAmount'),
      ],
      [[json.subtotal], [json.subtotal], [json.taxTotal], [json.total], [json.total]],
      `${name}: the UBL's totals are the JSON's`,
    );
    t.same(
      one('cac:InvoiceLine/cbc:LineExtensionAmount'),
      items.map((l) => l.amount),
      `${name}: a UBL line per invoice line, same amounts`,
    );
    t.same(
      one('cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount').sort(),
      taxes.map((l) => l.amount).sort(),
      `${name}: the VAT breakdown's amounts are the tax lines'`,
    );
    t.same(one('cbc:ID'), [json.number], `${name}: the same number`);

    const pdf = pdftotextPages(readFileSync(`${base}.pdf`)).join('\n');
    const missing = [json.subtotal, json.taxTotal, json.total, ...json.lines.map((l) => l.amount)].filter((a) => !pdf.includes(a));
    t.same(missing, [], `${name}: the PDF prints every amount, subtotal, VAT and total`);
    t.match(pdf, new RegExp(`Total ${json.currency}\\s+${json.total.replace('.', '\\.')}`), `${name}: the PDF's total`);
  }
  t.same([...currencies].sort(), ['EUR', 'SGD'], 'two currencies');
  t.same([...categories].sort(), ['AE', 'S'], 'standard VAT and reverse charge');
});
