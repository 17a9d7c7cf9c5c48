// An invoice as CSV (RFC 4180: comma, CRLF, quotes doubled): one row per line with the trace behind it,
// points, start and end counters, measured and estimated kWh, the energy of others' equipment inside the
// customer's points that was deducted (deducted_others_kwh; in the customer's copy the only trace of those
// points), the site of its section and the tariff or contract version, so a spreadsheet can check every figure.
// Quantities in their unit's fixed decimals (quantity.ts), as the PDF prints them. parseCsv reads it back.
import type { InvoiceLine } from '../invoice.js';
import { lineTrace, localPeriod, status, type InvoiceDocument } from './document.js';
import { formatQuantity } from './quantity.js';

export const CSV_COLUMNS = [
  'invoice',
  'status',
  'customer',
  'site',
  'period_first_day',
  'period_last_day',
  'currency',
  'line',
  'kind',
  'description',
  'tariff_version',
  'quantity',
  'unit',
  'unit_price',
  'prorate_days',
  'amount',
  'points',
  'start_counters_kwh',
  'end_counters_kwh',
  'measured_kwh',
  'estimated_kwh',
  'deducted_others_kwh',
  // Added with contracts and consolidated invoices: after the older columns, so readers by position go on working.
  'account',
  'entity',
  'prorate_basis',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Columns of text an operator typed (names, descriptions, ids); the others are numbers and dates. */
const TEXT_COLUMNS: ReadonlySet<CsvColumn> = new Set([
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
  'points',
]);

/**
 * Text that a spreadsheet would run as a formula (=, +, -, @, or a tab or CR first) gets a leading
 * apostrophe, so a description typed as `=HYPERLINK(...)` stays text (OWASP, CSV injection).
 */
export function guardFormula(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

function cell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export function renderInvoiceCsv(doc: InvoiceDocument): string {
  const { draft } = doc;
  const row = (l: InvoiceLine): Record<CsvColumn, string> => {
    const tr = lineTrace(draft, l);
    // A site's line carries its site's local month; a tax line the invoice's.
    const period = localPeriod(draft.sections.find((s) => s.site === l.site) ?? draft);
    return {
      invoice: doc.final?.number ?? '',
      status: status(doc),
      customer: draft.customer,
      account: draft.account,
      entity: draft.entity,
      site: l.site ?? '',
      period_first_day: period.first,
      period_last_day: period.last,
      currency: draft.currency,
      line: l.key,
      kind: l.kind,
      description: l.description,
      tariff_version: l.version ?? '',
      quantity: formatQuantity(l.quantity, l.unit, draft.currency),
      unit: l.unit,
      unit_price: l.unitPrice,
      prorate_days: l.prorate ? `${l.prorate.days}/${l.prorate.daysInPeriod}` : '',
      prorate_basis: l.prorate ? (l.prorate.basis ?? 'validity') : '',
      amount: l.amount,
      points: tr?.points.join(' ') ?? '',
      start_counters_kwh: tr?.startCounters.join(' ') ?? '',
      end_counters_kwh: tr?.endCounters.join(' ') ?? '',
      measured_kwh: tr ? tr.measuredKwh.toFixed(3) : '',
      estimated_kwh: tr ? tr.estimatedKwh.toFixed(3) : '',
      deducted_others_kwh: tr?.deductedKwh !== undefined ? (tr.deductedKwh + 0).toFixed(3) : '',
    };
  };
  const lines = [
    CSV_COLUMNS.join(','),
    ...draft.lines.map((l) => {
      const r = row(l);
      return CSV_COLUMNS.map((c) => cell(TEXT_COLUMNS.has(c) ? guardFormula(r[c]) : r[c])).join(',');
    }),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** Rows of RFC 4180 text as records keyed by the header row. Throws on an unterminated quote. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new Error('CSV ends inside a quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}
