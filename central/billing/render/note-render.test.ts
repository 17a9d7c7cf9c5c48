// A note as JSON and CSV: its number, issue date, the invoice it corrects, names and local period; one CSV
// row per line with was, now and the difference, under the invoice CSV's conventions (formula guard, RFC
// 4180). A note carries no trace: made from an invoice whose energy line deducts another customer's point,
// neither format names that point.
import t from 'tap';
import { draftOf } from '../../../scripts/benches/invoice-drafts.js';
import { noteFor } from '../notes.js';
import type { InvoiceDraft } from '../types.js';
import { parseCsv } from './csv.js';
import type { NoteDocument } from './document.js';
import { NOTE_CSV_COLUMNS, renderNoteCsv } from './note-csv.js';
import { renderNoteJson } from './note-json.js';

const ENERGY = { kWh: 50, measuredKwh: 50, estimatedKwh: 0, interpolatedKwh: 0 };

/** acme's invoice: an energy line on its own point less beta's server in its rack, and a fee typed as a formula. */
function invoiceDraft(kWh: string, amount: string): InvoiceDraft {
  const d = draftOf('acme', amount);
  return {
    ...d,
    period: {
      label: '2026-10',
      timeZone: 'Europe/Amsterdam',
      fromMs: Date.UTC(2026, 8, 30, 22),
      toMs: Date.UTC(2026, 9, 31, 23),
      days: 31,
    },
    lines: [
      {
        ...d.lines[0]!,
        quantity: kWh,
        amount,
        energy: {
          ...ENERGY,
          window: 'standard',
          intervals: [[0, 1]],
          points: [
            { pointId: 'acme-pdu-1', seriesId: 's1', ...ENERGY },
            { pointId: 'beta-secret-server', seriesId: 's2', ...ENERGY, kWh: -3, deducted: true },
          ],
        },
      },
      {
        key: 'fixed_fee:v1:=cmd',
        site: 'ams1',
        kind: 'fixed_fee',
        description: '=HYPERLINK("x")',
        quantity: '1',
        unit: 'month',
        unitPrice: '5.00',
        amount: '5.00',
      },
    ],
    trace: [
      {
        site: 'ams1',
        version: 'v1',
        fromMs: 0,
        toMs: 1,
        points: [
          { pointId: 'beta-secret-server', seriesId: 's2', deducted: true, pieces: [], events: [], estimatedBoundaries: [], anomalies: [] },
        ],
      },
    ],
  };
}

const invoice = { ...invoiceDraft('50', '10.00'), number: 'AMS1-2026-000007' };
const note = noteFor(invoice, invoiceDraft('40', '8.00'))!;
const doc: NoteDocument = {
  note,
  number: 'AMS1-CN-2026-000001',
  issuedOn: '2026-11-20',
  invoice: { number: 'AMS1-2026-000007', issuedOn: '2026-11-01' },
  customerName: 'Acme',
  entityName: 'Polder Colocation B.V.',
  siteNames: { ams1: 'Amsterdam 1' },
};

t.test('JSON: number, dates, the invoice corrected, names, local period, each line was/now/delta', async (t) => {
  t.equal(note.kind, 'credit');
  const j = JSON.parse(renderNoteJson(doc)) as Record<string, unknown>;
  t.match(j, {
    number: 'AMS1-CN-2026-000001',
    kind: 'credit',
    issuedOn: '2026-11-20',
    invoice: { number: 'AMS1-2026-000007', issuedOn: '2026-11-01' },
    invoiceNumber: 'AMS1-2026-000007',
    customer: { id: 'acme', name: 'Acme' },
    account: { id: 'acme' },
    entity: { id: 'ams1', name: 'Polder Colocation B.V.' },
    currency: 'EUR',
    totalDelta: '-2.00',
    localPeriod: { first: '2026-10-01', last: '2026-10-31' },
    lines: [
      {
        key: 'energy:v1:standard',
        siteName: 'Amsterdam 1',
        was: { quantity: '50', amount: '10.00' },
        now: { quantity: '40', amount: '8.00' },
        quantityDelta: '-10',
        amountDelta: '-2.00',
      },
    ],
  });
  t.notOk('dueOn' in j, 'a credit note has no due date');
  t.same(JSON.parse(renderNoteJson({ ...doc, dueOn: '2026-12-04' })).dueOn, '2026-12-04');
});

t.test('CSV: one row per line with was, now and delta, typed text guarded', async (t) => {
  const text = renderNoteCsv(doc);
  t.ok(text.endsWith('\r\n') && text.split('\r\n')[0] === NOTE_CSV_COLUMNS.join(','), 'header row, CRLF');
  const rows = parseCsv(text);
  t.same(rows.length, 1, 'only the lines that changed');
  t.match(rows[0], {
    note: 'AMS1-CN-2026-000001',
    note_kind: 'credit',
    issued_on: '2026-11-20',
    invoice: 'AMS1-2026-000007',
    invoice_issued_on: '2026-11-01',
    customer: 'acme',
    account: 'acme',
    entity: 'ams1',
    site: 'ams1',
    period_first_day: '2026-10-01',
    period_last_day: '2026-10-31',
    currency: 'EUR',
    line: 'energy:v1:standard',
    kind: 'energy',
    tariff_version: 'v1',
    unit: 'kWh',
    unit_price: '0.20',
    was_quantity: '50',
    was_amount: '10.00',
    now_quantity: '40',
    now_amount: '8.00',
    quantity_delta: '-10',
    amount_delta: '-2.00',
  });
  const gone = noteFor(invoice, { ...invoiceDraft('50', '10.00'), lines: [invoiceDraft('50', '10.00').lines[0]!] })!;
  const [fee] = parseCsv(renderNoteCsv({ ...doc, note: gone }));
  t.match(fee, { description: `'=HYPERLINK("x")`, was_amount: '5.00', now_amount: '0.00', amount_delta: '-5.00' }, 'a formula stays text');
});

t.test("no other customer's point reaches a note: it carries no trace", async (t) => {
  t.notMatch(renderNoteJson(doc), /beta-secret|acme-pdu-1|pointId/);
  t.notMatch(renderNoteCsv(doc), /beta-secret|acme-pdu-1/);
  t.notOk(
    note.lines.some((l) => 'energy' in l || 'demand' in l),
    'note lines keep amounts and quantities only',
  );
  t.notOk('trace' in note);
});
