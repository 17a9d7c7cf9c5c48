import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { heldPointsEnergy } from '../../energy/group.js';
import { memorySeries } from '../../../test/helpers/memory-source.js';
import { synthesize } from '../../../test/helpers/synthetic.js';
import { monthPeriod } from '../../../common/local-time.js';
import { dec, sumDec } from '../money.js';
import { priceInvoice } from '../price.js';
import { TariffVersion } from '../../model/tariffs/tariff.js';
import { CSV_COLUMNS, guardFormula, parseCsv, renderInvoiceCsv } from './csv.js';
import type { InvoiceDocument } from './document.js';
import { renderInvoiceJson } from './json.js';
import { renderInvoicePdf } from './pdf.js';
import { customerDocument, customerDraft } from './redact.js';
import { netCustomerEnergy } from '../net.js';
import type { InvoiceDraft } from '../invoice.js';

const H = 3_600_000;
const period = monthPeriod('2026-10', 'Europe/Amsterdam');
// Two PDUs: one swapped mid-month, one whose gateway was down over the month's end (estimated).
const a = synthesize({
  fromMs: period.fromMs - H,
  toMs: period.toMs + H,
  stepMs: 15 * 60_000,
  startKwh: 100,
  serial: 'S-OLD',
  power: [{ fromMs: 0, powerW: 2000 }],
  restarts: [{ atMs: Date.UTC(2026, 9, 12, 9), gapMs: 30 * 60_000, reason: 'swap', startKwh: 0, serial: 'S-NEW' }],
});
const b = synthesize({
  fromMs: period.fromMs - H,
  toMs: period.toMs + H,
  stepMs: 15 * 60_000,
  startKwh: 5,
  power: [{ fromMs: 0, powerW: 900 }],
  outages: [{ fromMs: period.toMs - 3 * H, toMs: period.toMs + H }],
});
const versions = [
  TariffVersion.parse({
    version: 'v1',
    validFrom: '2026-01-01',
    currency: 'EUR',
    energyPricePerKwh: '0.21',
    overheadFactor: '1.3',
    touWindows: [{ name: 'peak', days: 'weekdays', fromHour: 8, toHour: 20, pricePerKwh: '0.27' }],
    fixedFees: [{ name: 'Monitoring, "remote hands" included', amountPerMonth: '99.95' }],
    taxes: [{ name: 'BTW', ratePct: '21' }],
  }),
];
const draft = priceInvoice({
  customer: 'acme',
  site: 'ams1',
  period,
  versions,
  energy: heldPointsEnergy([
    { pointId: 'r12-a', series: memorySeries({ seriesId: 'ams1/gw1/pdu-r12-a/total/energy_import_kwh', ...a }), held: [{ fromMs: 0 }] },
    {
      pointId: 'r12-b',
      series: memorySeries({ seriesId: 'ams1/gw1/pdu-r12-b/total/energy_import_kwh', counters: b.counters, power: b.power }),
      held: [{ fromMs: 0 }],
    },
  ]),
});
const final: InvoiceDocument = {
  draft,
  final: { number: 'AMS1-2026-000042', issuedOn: '2026-11-03' },
  customerName: 'Acme Hosting B.V.',
  customerRef: 'C-10042',
  siteNames: { ams1: 'Amsterdam 1' },
};

t.test('the draft has what the outputs must show', async (t) => {
  t.ok(draft.quality.estimatedKwh > 0, `estimated energy: ${draft.quality.estimatedKwh.toFixed(3)} kWh`);
  t.ok(draft.lines.length >= 6);
});

t.test('JSON: the draft as is, with status, number, issue date and local period', async (t) => {
  const j = JSON.parse(renderInvoiceJson(final)) as Record<string, unknown>;
  t.match(j, {
    status: 'final',
    number: 'AMS1-2026-000042',
    issuedOn: '2026-11-03',
    customer: { id: 'acme', name: 'Acme Hosting B.V.', ref: 'C-10042' },
    localPeriod: { first: '2026-10-01', last: '2026-10-31' },
    total: draft.total,
  });
  t.same(j.lines, draft.lines);
  t.same(JSON.parse(renderInvoiceJson({ draft })).status, 'draft');
});

t.test('CSV: one row per line, amounts round-trip, trace columns filled', async (t) => {
  const text = renderInvoiceCsv(final);
  t.ok(text.startsWith(`${CSV_COLUMNS.join(',')}\r\n`));
  const rows = parseCsv(text);
  t.equal(rows.length, draft.lines.length);
  t.same(
    rows.map((r) => [r.line, r.unit_price, r.amount]),
    draft.lines.map((l) => [l.key, l.unitPrice, l.amount]),
  );
  // Quantities in their unit's fixed decimals: kWh to 0.001, a month count too, a tax's base to the cent.
  t.same(
    rows.map((r) => [r.unit, r.quantity]),
    [
      ['kWh', '1394.900'],
      ['kWh', '418.470'],
      ['kWh', '765.600'],
      ['kWh', '229.680'],
      ['month', '1.000'],
      ['amount', '749.48'],
    ],
  );
  t.equal(draft.subtotal, '749.48', "the tax's base is the subtotal");
  rows.forEach((r, i) =>
    t.ok(dec(r.quantity!).eq(draft.lines[i]!.quantity), `${r.line}: the quantity priced, ${draft.lines[i]!.quantity}`),
  );
  t.equal(sumDec(rows.map((r) => r.amount!)).toFixed(2), draft.total, 'the rows add up to the total');
  t.equal(rows.find((r) => r.kind === 'fixed_fee')?.description, 'Monitoring, "remote hands" included', 'quotes and commas survive');
  const energy = rows.find((r) => r.line === 'energy:v1:standard')!;
  t.same(energy.points!.split(' '), ['r12-a', 'r12-b']);
  t.match(energy.start_counters_kwh, /^r12-a=\d+\.\d{3} r12-b=\d+\.\d{3}$/);
  t.match(energy.end_counters_kwh, /r12-b=~\d+\.\d{3}/, 'the estimated end counter is marked');
  t.equal((Number(energy.measured_kwh) + Number(energy.estimated_kwh)).toFixed(3), draft.lines[0]!.energy!.kWh.toFixed(3));
  t.ok(Number(energy.estimated_kwh) > 0);
  t.same(
    [energy.invoice, energy.status, energy.tariff_version, energy.period_first_day],
    ['AMS1-2026-000042', 'final', 'v1', '2026-10-01'],
  );
  t.same(parseCsv('a,b\r\n"x ""y""",\n1,2'), [
    { a: 'x "y"', b: '' },
    { a: '1', b: '2' },
  ]);
  t.throws(() => parseCsv('a\n"open'), /quoted field/);
});

t.test('CSV: text an operator typed never runs as a spreadsheet formula; negative amounts stay numbers', async (t) => {
  for (const [typed, cell] of [
    ['=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['Power', 'Power'],
    ['a=b', 'a=b'],
  ]) {
    t.equal(guardFormula(typed!), cell, JSON.stringify(typed));
  }
  const fee = { ...draft.lines.find((l) => l.kind === 'fixed_fee')!, description: "=cmd|' /C calc'!A0", amount: '-5.00' };
  const evil: InvoiceDocument = { ...final, draft: { ...draft, customer: '@acme', lines: [fee] } };
  const [row] = parseCsv(renderInvoiceCsv(evil));
  t.equal(row!.description, "'=cmd|' /C calc'!A0", 'the description is text');
  t.equal(row!.customer, "'@acme", 'so is the customer id');
  t.equal(row!.amount, '-5.00', 'a negative amount is left as the number it is');
});

/** The text of an uncompressed pdfkit page stream: its hex strings in TJ arrays (WinAnsi ≈ Latin-1 here). */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  return [...raw.matchAll(/\[([^\]]*)\]\s*TJ/g)]
    .map((m) => [...m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''))
    .join('\n');
}

t.test('PDF: a valid document with the total, the quality and the trace', async (t) => {
  const pdf = await renderInvoicePdf(final);
  t.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  t.match(pdf.subarray(-6).toString(), /%%EOF/);
  const plain = pdfText(await renderInvoicePdf(final, { compress: false }));
  for (const s of [
    'Invoice AMS1-2026-000042',
    'Acme Hosting B.V. (C-10042)',
    '2026-10-01 to 2026-10-31',
    `Total EUR`,
    draft.total,
    'Data quality',
    'Trace: counters',
    'swap:',
    'S-NEW',
  ])
    t.ok(plain.includes(s), `the text has "${s}"`);
  t.ok(plain.includes(' *'), 'estimated lines marked');
  const pages = (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
  t.ok(pages >= 2, `${pages} pages: invoice, then the trace appendix`);
  const draftPdf = pdfText(await renderInvoicePdf({ draft }, { compress: false }));
  t.ok(draftPdf.includes('Invoice draft (not final)'));
  const tool = spawnSync('pdftotext', ['-v'], { stdio: 'ignore' });
  if (tool.error) {
    t.comment(
      'skipping the pdftotext check: pdftotext (poppler-utils) is not installed; the text was read from the uncompressed streams instead',
    );
    return;
  }
  const file = join(mkdtempSync(join(tmpdir(), 'jb-pdf-')), 'invoice.pdf');
  writeFileSync(file, pdf);
  const out = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  t.ok(out.stdout.includes(draft.total), 'pdftotext finds the total');
});

// issue 17: a rack holder's invoice traced another customer's outlet in its rack by id, kWh and counters.
// The rack draws 3 kW, the outlet (someone else's) 0.4 kW: 745 h in October (the clocks go back).
const rack = synthesize({
  fromMs: period.fromMs - H,
  toMs: period.toMs + H,
  stepMs: 15 * 60_000,
  startKwh: 7000,
  power: [{ fromMs: 0, powerW: 3000 }],
});
const outlet = synthesize({
  fromMs: period.fromMs - H,
  toMs: period.toMs + H,
  stepMs: 15 * 60_000,
  startKwh: 4321.5,
  power: [{ fromMs: 0, powerW: 400 }],
});
const holder = priceInvoice({
  customer: 'acme',
  site: 'ams1',
  period,
  versions,
  energy: netCustomerEnergy(
    [{ pointId: 'r14-branch', series: memorySeries({ seriesId: 'ams1/gw1/bcm/r14/energy_import_kwh', ...rack }), held: [{ fromMs: 0 }] }],
    [
      {
        pointId: 'nordwind-o1',
        series: memorySeries({ seriesId: 'ams1/gw1/pdu-r14/outlet:1/energy_import_kwh', ...outlet }),
        held: [{ fromMs: 0 }],
      },
    ],
  ),
});
const holderDoc: InvoiceDocument = { draft: holder, final: { number: 'AMS1-2026-000043', issuedOn: '2026-11-03' } };
const outletCounters = holder.trace
  .flatMap((v) => v.points)
  .filter((p) => p.pointId === 'nordwind-o1')
  .flatMap((p) => p.pieces.flatMap((x) => [x.start.valueKwh!, x.end.valueKwh!]));
/** The outlet's id, series and counters, as JSON writes them and as CSV and PDF print them. */
const OTHERS = ['nordwind-o1', 'pdu-r14/outlet:1', ...outletCounters.map(String), ...outletCounters.map((v) => v.toFixed(3))];

t.test("the customer's copy: others' equipment summed into one deduction, nothing of theirs by id or counter", async (t) => {
  t.equal(outletCounters.length, 2, "the outlet's counters at the start and end of the month");
  t.ok(
    OTHERS.slice(0, 2 + outletCounters.length).every((s) => JSON.stringify(holder).includes(s)),
    'the full draft traces the outlet',
  );
  t.ok(
    outletCounters.every((v) => renderInvoiceCsv(holderDoc).includes(`nordwind-o1=${v.toFixed(3)}`)),
    "the operator's CSV prints them",
  );
  const mine = customerDraft(holder);
  const text = JSON.stringify(mine);
  for (const s of OTHERS) t.notOk(text.includes(s), `the customer's draft does not hold "${s}"`);
  t.same(
    mine.lines.map((l) => [l.key, l.quantity, l.amount]),
    holder.lines.map((l) => [l.key, l.quantity, l.amount]),
    'the same lines',
  );
  t.same(
    [mine.subtotal, mine.taxTotal, mine.total, mine.quality],
    [holder.subtotal, holder.taxTotal, holder.total, holder.quality],
    'the same totals and quality',
  );
  const energy = mine.lines.filter((l) => l.kind === 'energy');
  t.ok(energy.length >= 2, 'one energy line per time-of-use window');
  t.equal(
    energy.reduce((s, l) => s + l.energy!.othersDeducted!.kWh, 0).toFixed(3),
    (-0.4 * 745).toFixed(3),
    "the windows' deductions add up to the outlet's energy",
  );
  for (const l of energy)
    t.equal(
      (l.energy!.points[0]!.kWh + l.energy!.othersDeducted!.kWh).toFixed(6),
      l.energy!.kWh.toFixed(6),
      `${l.key}: own point less the deduction is the line`,
    );
  t.same(
    mine.trace.flatMap((v) => v.points.map((p) => p.pointId)),
    ['r14-branch'],
    "the trace keeps the customer's own point",
  );

  const csv = parseCsv(renderInvoiceCsv(customerDocument(holderDoc)));
  const row = csv.find((r) => r.line === 'energy:v1:standard')!;
  t.same(
    [row.points, row.start_counters_kwh!.startsWith('r14-branch='), Number(row.deducted_others_kwh) < 0],
    ['r14-branch', true, true],
    'CSV: own point, its counters, the deduction',
  );
  t.equal(
    parseCsv(renderInvoiceCsv(holderDoc)).find((r) => r.line === 'energy:v1:standard')!.points,
    'r14-branch -nordwind-o1',
    "the operator's CSV lists the outlet",
  );
  const pdf = pdfText(await renderInvoicePdf(customerDocument(holderDoc), { compress: false }));
  t.match(pdf, new RegExp(`Equipment of others in your racks: ${(-0.4 * 745).toFixed(3)} kWh \\(deducted from the energy above\\)`));
  for (const s of OTHERS) t.notOk(pdf.includes(s), `the customer's PDF does not hold "${s}"`);
  const opsPdf = pdfText(await renderInvoicePdf(holderDoc, { compress: false }));
  t.ok(opsPdf.includes('nordwind-o1') && opsPdf.includes("another customer's, deducted"), "the operator's PDF traces the outlet");
});

t.test("a draft stored before deductions were marked: negative shares are others'; the model fences zero ones", async (t) => {
  const unmark = (d: InvoiceDraft): InvoiceDraft =>
    JSON.parse(JSON.stringify(d, (k, v: unknown) => (k === 'deducted' ? undefined : v))) as InvoiceDraft;
  const old = unmark(holder);
  t.notOk(JSON.stringify(old).includes('deducted'), 'no mark left');
  const text = JSON.stringify(customerDraft(old));
  for (const s of OTHERS) t.notOk(text.includes(s), `hidden by its negative kWh: "${s}"`);
  // An outlet of someone else's that drew nothing: 0 kWh, so only the customer's billed points tell it apart.
  const idle = unmark(
    priceInvoice({
      customer: 'acme',
      site: 'ams1',
      period,
      versions,
      energy: netCustomerEnergy(
        [
          {
            pointId: 'r14-branch',
            series: memorySeries({ seriesId: 'ams1/gw1/bcm/r14/energy_import_kwh', ...rack }),
            held: [{ fromMs: 0 }],
          },
        ],
        [
          {
            pointId: 'nordwind-o2',
            series: memorySeries({
              seriesId: 'ams1/gw1/pdu-r14/outlet:2/energy_import_kwh',
              counters: [
                { ts: period.fromMs - H, valueKwh: 55 },
                { ts: period.toMs + H, valueKwh: 55 },
              ],
            }),
            held: [{ fromMs: 0 }],
          },
        ],
      ),
    }),
  );
  t.ok(JSON.stringify(customerDraft(idle)).includes('nordwind-o2'), "without the model, a zero share looks like the customer's own");
  t.notOk(
    JSON.stringify(customerDraft(idle, new Set(['r14-branch']))).includes('nordwind-o2'),
    "with the customer's billed points, it is hidden",
  );
  t.same(customerDraft(idle, new Set(['r14-branch'])).total, idle.total);
});
