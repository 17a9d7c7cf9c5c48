// An invoice draft's trace: what each point's energy over a tariff version's span was computed from. The
// draft's shapes live in types.ts (storage keeps them without importing this); named here too for billing.
import type { IntervalEnergy } from '../energy/group.js';
import { measuredShare } from '../energy/group.js';
import type { EnergyQuantity } from '../energy/types.js';
import type { DataQuality, PointTrace, VersionTrace } from './types.js';

export type {
  DataQuality,
  EnergyLineTrace,
  InvoiceDraft,
  InvoiceLine,
  LineKind,
  LineUnit,
  PointShare,
  PointTrace,
  VersionTrace,
} from './types.js';

/** Builds each point's trace from the energy of consecutive intervals of one span. */
export function traceOf(version: string, fromMs: number, toMs: number, intervals: readonly IntervalEnergy[]): VersionTrace {
  const byPoint = new Map<string, PointTrace>();
  const seen = new Set<string>();
  for (const iv of intervals) {
    for (const p of iv.points) {
      let pt = byPoint.get(p.pointId);
      if (!pt) {
        pt = {
          pointId: p.pointId,
          seriesId: p.seriesId,
          ...(p.deducted ? { deducted: true as const } : {}),
          pieces: [],
          events: [],
          estimatedBoundaries: [],
          anomalies: [],
        };
        byPoint.set(p.pointId, pt);
      }
      for (const e of p.pieces) {
        const last = pt.pieces[pt.pieces.length - 1];
        if (last && last.toMs === e.fromMs) {
          last.toMs = e.toMs;
          last.end = e.end;
        } else pt.pieces.push({ fromMs: e.fromMs, toMs: e.toMs, start: e.start, end: e.end });
        for (const ev of e.events) {
          // an event spanning a cut is used by both intervals; the trace lists it once, with its whole share
          const prev = pt.events.find((x) => x.old.ts === ev.old.ts && x.new.ts === ev.new.ts);
          if (prev) {
            prev.shareKwh += ev.shareKwh;
            prev.estimated ||= ev.estimated;
          } else pt.events.push({ ...ev });
        }
        for (const b of [e.start, e.end]) {
          const k = `${p.pointId}@${b.atMs}`;
          if (b.estimated && b.method !== 'in_gap' && !seen.has(k)) {
            seen.add(k);
            pt.estimatedBoundaries.push(b);
          }
        }
        pt.anomalies.push(...e.anomalies);
      }
    }
  }
  return { version, fromMs, toMs, points: [...byPoint.values()] };
}

/** The data quality of energy over these traces: measured share, estimated boundaries, anomalies. */
export function qualityOf(q: EnergyQuantity, trace: readonly VersionTrace[]): DataQuality {
  return {
    ...q,
    measuredShare: Math.floor(measuredShare(q) * 10_000) / 10_000,
    estimatedBoundaries: trace.reduce((n, v) => n + v.points.reduce((m, p) => m + p.estimatedBoundaries.length, 0), 0),
    anomalies: trace.reduce((n, v) => n + v.points.reduce((m, p) => m + p.anomalies.length, 0), 0),
  };
}
