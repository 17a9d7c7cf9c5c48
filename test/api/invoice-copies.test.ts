// A rack holder's copy of its invoice, issue 17: acme holds rack ams1-r14 of the example inventory and
// Nordwind holds outlet o1 of the PDU in it. acme's October invoice is billed on the rack less that outlet,
// and its trace listed the outlet by id with its kWh and counters in the JSON, CSV and PDF that acme
// downloads. Here a central node (embedded broker, SQLite, API, the real invoice run on a fixed clock)
// invoices October by itself; acme's downloads must show one summed deduction and nothing of Nordwind's,
// the operator's the full trace, and both the same figures.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { AuthService } from '../../central/auth/service.js';
import { parseCsv } from '../../central/billing/render/csv.js';
import { systemClock } from '../../common/clock.js';
import { hasProgram, quietLog } from '../helpers/env.js';
import { startExampleCentral } from '../helpers/example-central.js';
import { pdfText } from '../helpers/pdf.js';

const OTHER = 'ams1-r14-a-o1';
const NOW = Date.UTC(2026, 10, 2, 9); // 2 Nov 2026: October is closed at both sites

interface Point {
  pointId: string;
  seriesId: string;
  kWh?: number;
  deducted?: boolean;
  pieces?: { start: { valueKwh?: number }; end: { valueKwh?: number } }[];
}
interface InvoiceJson {
  total: string;
  subtotal: string;
  lines: { key: string; quantity: string; amount: string; energy?: { kWh: number; points: Point[]; othersDeducted?: { kWh: number } } }[];
  trace: { version: string; points: Point[] }[];
}

t.test("a rack holder downloads one summed deduction for others' equipment; operators the full trace", async (t) => {
  // Time stands still at NOW for the node's clock (the invoice run, sign-in); timers still run.
  const clock = { ...systemClock, now: () => NOW };
  const { central, dir } = await startExampleCentral({ clock, credentials: (file) => writeFileSync(file, 'version: 1\nusers: []\n') });
  t.teardown(() => central.stop());
  const auth = new AuthService({ store: central.access!, clock, log: quietLog, scrypt: { N: 1024, r: 8, p: 1 } });
  await auth.addUser({ username: 'ops', role: 'operator' });
  await auth.addUser({ username: 'acme-admin', role: 'customer', customer: 'acme' });
  const tokens = { ops: (await auth.createToken('ops')).text, acme: (await auth.createToken('acme-admin')).text };

  // The node's first tick invoices October; wait for acme's invoice.
  const billing = central.billing!;
  let inv = (await billing.store.invoices({ entity: 'nl-bv', period: '2026-10', customer: 'acme', status: 'final' }))[0];
  for (let i = 0; !inv && i < 300; i++) {
    await new Promise((r) => setTimeout(r, 100));
    inv = (await billing.store.invoices({ entity: 'nl-bv', period: '2026-10', customer: 'acme', status: 'final' }))[0];
  }
  if (!inv) throw new Error('the node did not invoice October within 30 s');
  const api = `${central.api!.url}/api/v1`;
  const get = async (path: string, who: keyof typeof tokens) => {
    const res = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${tokens[who]}` } });
    t.equal(res.status, 200, `${who} GET ${path}`);
    return Buffer.from(await res.arrayBuffer());
  };

  const full = JSON.parse((await get(`/invoices/${inv.id}/json`, 'ops')).toString()) as InvoiceJson;
  const other = full.trace.flatMap((v) => v.points).filter((p) => p.pointId === OTHER);
  t.ok(other.length > 0 && other.every((p) => p.deducted === true), "the operator's JSON traces Nordwind's outlet, marked deducted");
  const deductedKwh = full.lines
    .filter((l) => l.key.startsWith('energy:'))
    .flatMap((l) => l.energy!.points)
    .filter((p) => p.pointId === OTHER)
    .reduce((s, p) => s + p.kWh!, 0);
  t.equal(deductedKwh.toFixed(3), '-223.500', "the outlet draws 0.3 kW over October's 745 h");
  // What must never reach acme: the outlet's id, its series, its counters.
  const secrets = [
    OTHER,
    ...new Set(other.map((p) => p.seriesId)),
    ...new Set(other.flatMap((p) => p.pieces!.flatMap((x) => [x.start.valueKwh, x.end.valueKwh])).values()),
  ].map((x) => (typeof x === 'number' ? x.toFixed(3) : String(x)));
  t.ok(secrets.length >= 4, `${secrets.length} strings of Nordwind's: ${secrets.join(', ')}`);

  const mine = JSON.parse((await get(`/invoices/${inv.id}/json`, 'acme')).toString()) as InvoiceJson;
  const mineCsv = (await get(`/invoices/${inv.id}/csv`, 'acme')).toString();
  const minePdf = await get(`/invoices/${inv.id}/pdf`, 'acme');
  const mineView = (await get(`/invoices/${inv.id}`, 'acme')).toString();
  const texts = { json: JSON.stringify(mine), csv: mineCsv, pdf: pdfText(minePdf), view: mineView };
  t.ok(texts.pdf.includes('Trace: counters behind every energy line'), 'the PDF text is read');
  for (const [format, text] of Object.entries(texts)) {
    for (const s of secrets) t.notOk(text.includes(s), `acme's ${format} does not hold "${s}"`);
  }
  if (hasProgram('pdftotext', ['-v'])) {
    const file = join(dir, 'acme.pdf');
    writeFileSync(file, minePdf);
    const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
    t.match(text, /Equipment of others in your racks: -100\.800 kWh/, 'pdftotext reads the deduction');
    for (const s of secrets) t.notOk(text.includes(s), `pdftotext: acme's PDF does not hold "${s}"`);
  } else t.comment('pdftotext (poppler-utils) is not installed: the PDF was read from its inflated streams only');

  // The deduction, summed, in each format.
  const energyLines = mine.lines.filter((l) => l.key.startsWith('energy:'));
  t.equal(
    energyLines.reduce((s, l) => s + (l.energy!.othersDeducted?.kWh ?? 0), 0).toFixed(3),
    '-223.500',
    "JSON: othersDeducted per energy line adds up to the outlet's energy",
  );
  t.ok(
    energyLines.every((l) => l.energy!.points.every((p) => p.kWh! >= 0)),
    "JSON: only acme's own points",
  );
  for (const l of energyLines) {
    const own = l.energy!.points.reduce((s, p) => s + p.kWh!, 0) + (l.energy!.othersDeducted?.kWh ?? 0);
    t.equal(own.toFixed(3), l.energy!.kWh.toFixed(3), `JSON ${l.key}: own points less the deduction make the line's kWh`);
  }
  t.match(
    texts.pdf,
    /Equipment of others in your racks: -100\.800 kWh \(deducted from the energy above\)/,
    'PDF: the deduction of the first tariff version (336 h)',
  );
  t.match(
    texts.pdf,
    /Equipment of others in your racks: -122\.700 kWh/,
    'PDF: and of the second (409 h, peak and standard windows summed)',
  );
  const csvRows = parseCsv(mineCsv);
  t.equal(
    csvRows
      .filter((r) => r.kind === 'energy')
      .reduce((s, r) => s + Number(r.deducted_others_kwh || 0), 0)
      .toFixed(3),
    '-223.500',
    'CSV: deducted_others_kwh',
  );

  // Nothing else changed: the operator's copies keep everything, the figures are the same.
  const opsCsv = (await get(`/invoices/${inv.id}/csv`, 'ops')).toString();
  const opsPdf = pdfText(await get(`/invoices/${inv.id}/pdf`, 'ops'));
  t.ok(opsCsv.includes(`-${OTHER}`) && opsCsv.includes(`${OTHER}=`), 'operator CSV: the outlet and its counters');
  t.ok(opsPdf.includes(OTHER) && opsPdf.includes("another customer's, deducted"), 'operator PDF: the outlet in the trace');
  t.ok(opsPdf.includes('Equipment of others in your racks: -100.800 kWh'), 'operator PDF: the sum too');
  t.same([mine.total, mine.subtotal], [full.total, full.subtotal], 'the totals are the same');
  t.same(
    mine.lines.map((l) => [l.key, l.quantity, l.amount]),
    full.lines.map((l) => [l.key, l.quantity, l.amount]),
    'every line is the same',
  );
  t.same(
    csvRows.map((r) => [r.line, r.quantity, r.amount]),
    parseCsv(opsCsv).map((r) => [r.line, r.quantity, r.amount]),
    'the CSV rows too',
  );
  const stored = readFileSync(join(dir, 'data', 'invoices', 'nl-bv', '2026-10', `${inv.number}.json`), 'utf8');
  t.ok(stored.includes(OTHER), 'the stored output keeps the full trace');
});
