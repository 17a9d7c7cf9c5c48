// The shapes of an invoice draft and its lines: plain JSON (amounts and quantities as decimal strings),
// so outputs (JSON, CSV, PDF) and the database store them as they are. Every energy line carries what it
// was computed from: the tariff version, the points, measured and estimated kWh, the intervals.
import type { IntervalEnergy, PeakDemand } from '../energy/group.js';
import type { BoundaryTrace, EnergyAnomaly, EnergyQuantity, EventUse } from '../energy/types.js';

export type LineKind = 'energy' | 'overhead' | 'fixed_fee' | 'overage' | 'minimum_topup' | 'tax';
export type LineUnit = 'kWh' | 'kW' | 'month' | 'amount';

export interface PointShare extends EnergyQuantity {
  pointId: string;
  seriesId: string;
  /** Another customer's point inside this customer's (negative figures); never shown to the customer. */
  deducted?: true;
}

export interface EnergyLineTrace extends EnergyQuantity {
  window: string;
  /** The local-time intervals this window covered within the version's span. */
  intervals: [number, number][];
  points: PointShare[];
  /**
   * Only in the customer's copy (billing/render/redact.ts): the deducted points of others, summed (negative
   * figures), in place of their entries in `points`.
   */
  othersDeducted?: EnergyQuantity;
}

export interface InvoiceLine {
  /** Stable identity across recomputations (notes match lines by it): kind, version, name. */
  key: string;
  kind: LineKind;
  description: string;
  /** The tariff version that priced it; absent on tax lines, which sum over versions. */
  version?: string;
  quantity: string;
  unit: LineUnit;
  unitPrice: string;
  /** A monthly amount for part of the period: amount = quantity × unitPrice × days / daysInPeriod. */
  prorate?: { days: number; daysInPeriod: number };
  amount: string;
  energy?: EnergyLineTrace;
  demand?: PeakDemand & { committedKw: string };
}

/** One point's energy over a version's span: the counters it starts and ends at, the epochs crossed. */
export interface PointTrace {
  pointId: string;
  seriesId: string;
  /** Another customer's point whose energy was deducted (see PointShare). */
  deducted?: true;
  /** Held pieces, contiguous ones merged: counter (with epoch, serial, method) at each end. */
  pieces: { fromMs: number; toMs: number; start: BoundaryTrace; end: BoundaryTrace }[];
  events: EventUse[];
  /** Boundaries inside the span (time-of-use cuts included) whose counter was estimated. */
  estimatedBoundaries: BoundaryTrace[];
  anomalies: EnergyAnomaly[];
}

export interface VersionTrace {
  version: string;
  fromMs: number;
  toMs: number;
  points: PointTrace[];
}

export interface DataQuality extends EnergyQuantity {
  /** measuredKwh / kWh, 0..1 (1 when there is no energy). */
  measuredShare: number;
  estimatedBoundaries: number;
  anomalies: number;
}

export interface InvoiceDraft {
  customer: string;
  site: string;
  currency: string;
  period: { label: string; timeZone: string; fromMs: number; toMs: number; days: number };
  versions: string[];
  lines: InvoiceLine[];
  subtotal: string;
  taxTotal: string;
  total: string;
  quality: DataQuality;
  trace: VersionTrace[];
}

/** Builds each point's trace from the energy of consecutive intervals of one span. */
export function traceOf(version: string, fromMs: number, toMs: number, intervals: readonly IntervalEnergy[]): VersionTrace {
  const byPoint = new Map<string, PointTrace>();
  const seen = new Set<string>();
  for (const iv of intervals) {
    for (const p of iv.points) {
      let pt = byPoint.get(p.pointId);
      if (!pt) {
        pt = { pointId: p.pointId, seriesId: p.seriesId, ...(p.deducted ? { deducted: true as const } : {}), pieces: [], events: [], estimatedBoundaries: [], anomalies: [] };
        byPoint.set(p.pointId, pt);
      }
      for (const e of p.pieces) {
        const last = pt.pieces[pt.pieces.length - 1];
        if (last && last.toMs === e.fromMs) { last.toMs = e.toMs; last.end = e.end; } else pt.pieces.push({ fromMs: e.fromMs, toMs: e.toMs, start: e.start, end: e.end });
        for (const ev of e.events) {
          // an event spanning a cut is used by both intervals; the trace lists it once, with its whole share
          const prev = pt.events.find((x) => x.old.ts === ev.old.ts && x.new.ts === ev.new.ts);
          if (prev) { prev.shareKwh += ev.shareKwh; prev.estimated ||= ev.estimated; } else pt.events.push({ ...ev });
        }
        for (const b of [e.start, e.end]) {
          const k = `${p.pointId}@${b.atMs}`;
          if (b.estimated && b.method !== 'in_gap' && !seen.has(k)) { seen.add(k); pt.estimatedBoundaries.push(b); }
        }
        pt.anomalies.push(...e.anomalies);
      }
    }
  }
  return { version, fromMs, toMs, points: [...byPoint.values()] };
}
