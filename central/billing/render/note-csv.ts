// A credit, debit or adjustment note as CSV, with the conventions of the invoice's (csv.ts): RFC 4180
// (comma, CRLF, quotes doubled), typed text guarded against formulas, the period in local dates, one row per
// line. Each row has the line as invoiced (was), as recomputed (now) and the difference, so a spreadsheet
// adds the note to the invoice line by line. parseCsv (csv.ts) reads it back.
import type { NoteLine } from '../types.js';
import { guardFormula } from './csv.js';
import { localPeriod, type NoteDocument } from './document.js';

export const NOTE_CSV_COLUMNS = [
  'note',
  'note_kind',
  'issued_on',
  'invoice',
  'invoice_issued_on',
  'customer',
  'account',
  'entity',
  'site',
  'period_first_day',
  'period_last_day',
  'currency',
  'line',
  'kind',
  'description',
  'tariff_version',
  'unit',
  'unit_price',
  'was_quantity',
  'was_amount',
  'now_quantity',
  'now_amount',
  'quantity_delta',
  'amount_delta',
] as const;
export type NoteCsvColumn = (typeof NOTE_CSV_COLUMNS)[number];

/** Columns of text an operator typed (names, descriptions, ids); the others are numbers, dates and codes. */
const TEXT_COLUMNS: ReadonlySet<NoteCsvColumn> = new Set([
  'note',
  'invoice',
  'customer',
  'account',
  'entity',
  'site',
  'line',
  'kind',
  'description',
  'tariff_version',
  'unit',
]);

const cell = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

export function renderNoteCsv(doc: NoteDocument): string {
  const { note } = doc;
  const period = localPeriod(note);
  const row = (l: NoteLine): Record<NoteCsvColumn, string> => ({
    note: doc.number,
    note_kind: note.kind,
    issued_on: doc.issuedOn,
    invoice: doc.invoice.number,
    invoice_issued_on: doc.invoice.issuedOn,
    customer: note.customer,
    account: note.account,
    entity: note.entity,
    site: l.site ?? '',
    period_first_day: period.first,
    period_last_day: period.last,
    currency: note.currency,
    line: l.key,
    kind: l.kind,
    description: l.description,
    tariff_version: l.version ?? '',
    unit: l.unit,
    unit_price: l.unitPrice,
    was_quantity: l.was.quantity,
    was_amount: l.was.amount,
    now_quantity: l.now.quantity,
    now_amount: l.now.amount,
    quantity_delta: l.quantityDelta,
    amount_delta: l.amountDelta,
  });
  const lines = [
    NOTE_CSV_COLUMNS.join(','),
    ...note.lines.map((l) => {
      const r = row(l);
      return NOTE_CSV_COLUMNS.map((c) => cell(TEXT_COLUMNS.has(c) ? guardFormula(r[c]) : r[c])).join(',');
    }),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
