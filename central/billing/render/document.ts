// What every output format renders: an invoice draft, and once finalized its number and issue date, with
// the names to print. Helpers shared by the formats: local dates of the period, per-line trace figures.
import { localDateOf } from '../../../common/local-time.js';
import { prorateText } from '../prorate.js';
import type { EnergyLineTrace, InvoiceDraft, InvoiceLine, PointShare, PointTrace } from '../invoice.js';
import type { NoteDraft } from '../types.js';

/** The names a document prints besides its parties' legal details (which the draft carries). */
export interface DocumentNames {
  customerName?: string;
  customerRef?: string;
  /** The billing account's legal name, when it is not the customer itself. */
  accountName?: string;
  /** The issuing entity's legal name, when it is not a site invoicing alone. */
  entityName?: string;
  /** Site id to name. */
  siteNames?: Readonly<Record<string, string>>;
}

export interface InvoiceDocument extends DocumentNames {
  draft: InvoiceDraft;
  /**
   * Present once the invoice is finalized (numbered, immutable): its number, issue date (local, the
   * entity's zone) and, where the draft has parties, the due date (issue date + payment terms).
   */
  final?: { number: string; issuedOn: string; dueOn?: string };
}

/** A credit, debit or adjustment note: always numbered (notes are made final), against a final invoice. */
export interface NoteDocument extends DocumentNames {
  note: NoteDraft;
  number: string;
  issuedOn: string;
  /** A debit note's due date (issue date + payment terms), where the note has parties. */
  dueOn?: string;
  /** The invoice it corrects (BT-25, BT-26). */
  invoice: { number: string; issuedOn: string };
}

/** The local date `days` after a local date (YYYY-MM-DD), by the calendar. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A section's title: the site's name (or id) and its zone. */
export const sectionTitle = (doc: InvoiceDocument, site: string, timeZone: string): string =>
  `${doc.siteNames?.[site] ?? site} (${timeZone})`;

/** How a prorated monthly amount reads: "16 of 31 days held", or "15/31 days" of the terms' validity. */
export function prorateLabel(p: NonNullable<InvoiceLine['prorate']>): string {
  return p.basis === 'held' ? prorateText(p) : `${p.days}/${p.daysInPeriod} days`;
}

/** A period (the invoice's, or a section's in its site's zone) as local dates: first day and last day, both inclusive. */
export function localPeriod(of: Pick<InvoiceDraft, 'period'>): { first: string; last: string } {
  return {
    first: localDateOf(of.period.fromMs, of.period.timeZone),
    last: localDateOf(of.period.toMs - 1, of.period.timeZone),
  };
}

export interface LineTrace {
  points: string[];
  /** `point=value` at the start (end) of each held piece; `~` before an estimated value, `?` for none. */
  startCounters: string[];
  endCounters: string[];
  measuredKwh: number;
  estimatedKwh: number;
  /** The energy of others' equipment inside the customer's points taken off the line (negative); undefined: none. */
  deductedKwh: number | undefined;
}

/** The kWh deducted for others' equipment on an energy line (negative), from its points or the customer's summed figure. */
export function deductedKwhOf(e: EnergyLineTrace): number | undefined {
  if (e.othersDeducted) return e.othersDeducted.kWh;
  const deducted = e.points.filter(isDeducted);
  return deducted.length === 0 ? undefined : deducted.reduce((s, p) => s + p.kWh, 0);
}

/** The kWh deducted for others' equipment over one version of a site's terms (its energy lines, one per time-of-use window). */
export function versionDeductedKwh(draft: InvoiceDraft, site: string | undefined, version: string): number | undefined {
  const per = draft.lines
    .filter((l) => l.kind === 'energy' && l.site === site && l.version === version && l.energy)
    .map((l) => deductedKwhOf(l.energy!));
  return per.every((x) => x === undefined) ? undefined : per.reduce<number>((s, x) => s + (x ?? 0), 0);
}

const counter = (b: PointTrace['pieces'][number]['start']): string =>
  b.valueKwh === undefined ? '?' : `${b.estimated ? '~' : ''}${b.valueKwh.toFixed(3)}`;

/** A share deducted for someone else: marked by the energy core; drafts stored before the mark have negative kWh. */
export const isDeducted = (p: Pick<PointShare, 'deducted' | 'kWh'>): boolean => p.deducted === true || p.kWh < 0;

/** The points, counters and quality behind an energy or overhead line (undefined for other lines). */
export function lineTrace(draft: InvoiceDraft, line: InvoiceLine): LineTrace | undefined {
  if (!line.energy) return undefined;
  const trace = draft.trace.find((v) => v.site === line.site && v.version === line.version);
  const byPoint = new Map(trace?.points.map((p) => [p.pointId, p]) ?? []);
  const out: LineTrace = {
    points: [],
    startCounters: [],
    endCounters: [],
    measuredKwh: line.energy.measuredKwh,
    estimatedKwh: line.energy.estimatedKwh,
    deductedKwh: deductedKwhOf(line.energy),
  };
  for (const share of line.energy.points) {
    out.points.push(isDeducted(share) ? `-${share.pointId}` : share.pointId);
    for (const piece of byPoint.get(share.pointId)?.pieces ?? []) {
      out.startCounters.push(`${share.pointId}=${counter(piece.start)}`);
      out.endCounters.push(`${share.pointId}=${counter(piece.end)}`);
    }
  }
  return out;
}

export const status = (doc: InvoiceDocument): 'final' | 'draft' => (doc.final ? 'final' : 'draft');
