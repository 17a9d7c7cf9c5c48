// Every kind of e-invoice Joulebook sends, checked by what a receiver runs: the OASIS UBL schema and the
// EN 16931 business rules (CEN 1.3.16), through ../shared/tools/validate-einvoice in one call (about 2 s
// per file, most of it Java starting): the hand-built documents of every kind, and the example's October
// invoices as billing prices them from stored readings (config/inventory.example.yaml's parties). A
// document with one total off by a cent must fail, or the check proves nothing. Needs xmllint, java and
// Saxon-HE (.ci/packages); skips without them unless JB_REQUIRE_PEERS=1. The Peppol-only rules the
// validator does not run are central/billing/render/ubl*.test.ts's.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import t from 'tap';
import { computeEntityDrafts } from '../../central/billing/drafts.js';
import { renderInvoiceUbl, renderNoteUbl } from '../../central/billing/render/ubl.js';
import { readInventory } from '../../central/config/inventory-load.js';
import { readTariffs } from '../../central/config/tariff-load.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import { exampleSeries } from '../energy/example-data.js';
import { ingest } from '../energy/stores.js';
import { ACME_INVOICE, renderedEInvoices } from '../helpers/einvoice-documents.js';
import { finalDocument, noteDocument } from '../helpers/einvoice-drafts.js';
import { hasProgram, needPeer, quietLog } from '../helpers/env.js';

/** CI clones the repository next to `shared`, as on the development machines. */
const VALIDATOR = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'tools', 'validate-einvoice');
const SAXON = '/usr/share/java/Saxon-HE.jar';

function peersMissing(): string | undefined {
  if (!existsSync(VALIDATOR)) return `the e-invoice validator (${VALIDATOR})`;
  if (!hasProgram('xmllint', ['--version'])) return 'xmllint (libxml2-utils)';
  if (!hasProgram('java', ['-version'])) return 'java (default-jre-headless)';
  if (!existsSync(SAXON)) return `Saxon-HE (libsaxonhe-java, ${SAXON})`;
  return undefined;
}

/** One run of the validator over files: its exit status, its report lines, the fatal ones (no "warning:"). */
function validate(files: readonly string[]): { status: number | null; lines: string[]; fatal: string[]; warnings: string[] } {
  const r = spawnSync(VALIDATOR, files, { encoding: 'utf8', timeout: 200_000 });
  const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '');
  const findings = lines.filter((l) => files.some((f) => l.startsWith(`${f}: `)));
  const warnings = findings.filter((l) => /^[^:]+: (warning|information):/.test(l));
  return { status: r.status, lines, fatal: findings.filter((l) => !warnings.includes(l)), warnings };
}

const ROOT = resolve(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'jb-einvoice-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, xml: string): string {
  const file = join(dir, `${name}.xml`);
  writeFileSync(file, xml);
  return file;
}

/**
 * The example's October invoices of both entities, from readings in SQLite, numbered and issued on 1
 * November; and the notes billing makes when the operators then correct who held what (the inventory's
 * assignments, as a review would): Nordwind's Amsterdam 2 rack from the 10th (a credit on its two-site
 * invoice), Kestrel's rack R03 from the 8th (a credit under reverse charge), Fjord's rack from the 12th (a
 * debit note).
 */
async function exampleDocuments(): Promise<{ name: string; xml: string }[]> {
  const corrected = mkdtempSync(join(dir, 'corrected-'));
  cpSync(join(ROOT, 'config', 'inventory'), join(corrected, 'inventory'), { recursive: true });
  const text = readFileSync(join(ROOT, 'config', 'inventory.example.yaml'), 'utf8');
  const fixes: [string, string][] = [
    ['rack: ams2-r01, from: 2026-09-01', 'rack: ams2-r01, from: 2026-10-10'],
    ['rack: ams2-r03, from: 2026-05-01', 'rack: ams2-r03, from: 2026-10-08'],
    ['rack: ams2-r04, from: 2026-10-16', 'rack: ams2-r04, from: 2026-10-12'],
  ];
  for (const [from] of fixes) if (!text.includes(from)) throw new Error(`the example inventory no longer says "${from}"`);
  writeFileSync(
    join(corrected, 'inventory.yaml'),
    fixes.reduce((s, [from, to]) => s.replace(from, to), text),
  );
  const { model } = await readInventory(join(ROOT, 'config', 'inventory.example.yaml'));
  const after = (await readInventory(join(corrected, 'inventory.yaml'))).model;
  const tariffs = await readTariffs([join(ROOT, 'config', 'tariffs.example.yaml')], model);
  const store = await openSqliteStore({ file: join(dir, 'central.db'), log: quietLog });
  try {
    await ingest(store, exampleSeries(model));
    const out: { name: string; xml: string }[] = [];
    let notes = 0;
    for (const entity of ['nl-bv', 'sin1']) {
      const { drafts } = await computeEntityDrafts({ store, model, tariffs }, entity, '2026-10');
      const { drafts: recomputed } = await computeEntityDrafts({ store, model: after, tariffs }, entity, '2026-10');
      drafts.forEach((draft, i) => {
        const number = `${entity.toUpperCase()}-2026-${String(i + 1).padStart(6, '0')}`;
        const doc = finalDocument(draft, number, '2026-11-01');
        out.push({ name: `example-${number}-${draft.customer}`, xml: renderInvoiceUbl(doc) });
        const again = recomputed.find((d) => d.account === draft.account && d.currency === draft.currency)!;
        if (JSON.stringify(again.lines) === JSON.stringify(draft.lines)) return;
        const note = noteDocument(doc, again, `${entity.toUpperCase()}-XN-2026-${String(++notes).padStart(6, '0')}`, '2026-11-20');
        out.push({ name: `example-${note.note.kind}-note-${draft.customer}`, xml: renderNoteUbl(note) });
      });
    }
    return out;
  } finally {
    await store.close();
  }
}

t.test('every invoice and note is valid UBL and EN 16931, in one validator run', async (t) => {
  const missing = peersMissing();
  if (!needPeer(t, missing === undefined, missing ?? '')) return;
  const examples = await exampleDocuments();
  t.same(
    examples.map((e) => e.name.replace(/^example-([A-Z0-9-]+-2026-\d+-)?/, '')),
    ['acme', 'nordwind', 'credit-note-nordwind', 'kestrel', 'credit-note-kestrel', 'fjord', 'debit-note-fjord', 'acme', 'lumen'],
    'the example: Acme, Fjord (a debit note), Kestrel (reverse charge, a credit note), Nordwind (two sites, a credit note); Acme and Lumen in SGD',
  );
  const files = [...renderedEInvoices(), ...examples].map(({ name, xml }) => write(name, xml));
  t.equal(files.length, 16, '7 built by hand, 9 from the example month');
  const r = validate(files);
  for (const l of r.lines) t.comment(l.replace(`${dir}/`, ''));
  t.equal(r.status, 0, 'the validator accepts them all');
  t.same(r.fatal, [], 'no fatal rule');
  t.ok(
    r.lines.some((l) => l === `validate-einvoice: ${files.length} file(s) valid (UBL schema and EN 16931 rules)`),
    'its summary counts every file',
  );
  t.comment(`${r.warnings.length} warning(s)`);
});

t.test('one total off by a cent is rejected (the check is not vacuous)', async (t) => {
  const missing = peersMissing();
  if (!needPeer(t, missing === undefined, missing ?? '')) return;
  const good = renderInvoiceUbl(ACME_INVOICE);
  const total = ACME_INVOICE.draft.total;
  const wrong = (Number(total) + 0.01).toFixed(2);
  const from = `<cbc:TaxInclusiveAmount currencyID="EUR">${total}</cbc:TaxInclusiveAmount>`;
  t.ok(good.includes(from), 'the total is where the test changes it');
  const file = write('off-by-a-cent', good.replace(from, `<cbc:TaxInclusiveAmount currencyID="EUR">${wrong}</cbc:TaxInclusiveAmount>`));
  const r = validate([file]);
  for (const l of r.lines) t.comment(l.replace(`${dir}/`, ''));
  t.not(r.status, 0, 'the validator refuses it');
  t.ok(
    r.fatal.some((l) => l.includes('BR-CO-15')),
    'BR-CO-15: the amount with VAT is the amount without VAT plus the VAT',
  );
});
