// What every output format renders: an invoice draft, and once finalized its number and issue date, with
// the names to print. Helpers shared by the formats: local dates of the period, per-line trace figures.
import { localDateOf } from '../../energy/zone.js';
import type { InvoiceDraft, InvoiceLine, PointTrace } from '../invoice.js';

export interface InvoiceDocument {
  draft: InvoiceDraft;
  /** Present once the invoice is finalized (numbered, immutable). */
  final?: { number: string; issuedOn: string };
  customerName?: string;
  customerRef?: string;
  siteName?: string;
}

/** The period as local dates of the site: first day and last day, both inclusive. */
export function localPeriod(draft: InvoiceDraft): { first: string; last: string } {
  return { first: localDateOf(draft.period.fromMs, draft.period.timeZone), last: localDateOf(draft.period.toMs - 1, draft.period.timeZone) };
}

export interface LineTrace {
  points: string[];
  /** `point=value` at the start (end) of each held piece; `~` before an estimated value, `?` for none. */
  startCounters: string[];
  endCounters: string[];
  measuredKwh: number;
  estimatedKwh: number;
}

const counter = (b: PointTrace['pieces'][number]['start']): string => (b.valueKwh === undefined ? '?' : `${b.estimated ? '~' : ''}${b.valueKwh.toFixed(3)}`);

/** The points, counters and quality behind an energy or overhead line (undefined for other lines). */
export function lineTrace(draft: InvoiceDraft, line: InvoiceLine): LineTrace | undefined {
  if (!line.energy) return undefined;
  const trace = draft.trace.find((v) => v.version === line.version);
  const byPoint = new Map(trace?.points.map((p) => [p.pointId, p]) ?? []);
  const out: LineTrace = { points: [], startCounters: [], endCounters: [], measuredKwh: line.energy.measuredKwh, estimatedKwh: line.energy.estimatedKwh };
  for (const share of line.energy.points) {
    out.points.push(share.kWh < 0 ? `-${share.pointId}` : share.pointId);
    for (const piece of byPoint.get(share.pointId)?.pieces ?? []) {
      out.startCounters.push(`${share.pointId}=${counter(piece.start)}`);
      out.endCounters.push(`${share.pointId}=${counter(piece.end)}`);
    }
  }
  return out;
}

export const status = (doc: InvoiceDocument): 'final' | 'draft' => (doc.final ? 'final' : 'draft');
