// Where the data of a report ends. Energy over a period that reaches past the newest reading would be
// made up: the boundary core extrapolates a missing end counter for up to estimateWindowMs (consumption
// that has not happened, as "estimated") and beyond that finds no counter at all (0 kWh, which a share of
// 0/0 called fully measured). A report (energy, site energy, portal) therefore counts energy only up to the
// newest reading of the series it reads and says where it stopped; the time after it counts as not
// measured in the measured share, which stays a share of the period asked for. Invoices do not use this:
// a closed month is invoiced to its edge, estimated where its last reading is a few minutes short (billing
// refuses months that have not closed, billing/run/invoiceable.ts). Pure.
import { measuredShare } from './group.js';
import type { EnergyQuantity, SeriesSource } from './types.js';

/** What a series source needs to answer here: the readings around the period's end. */
export type EndProbe = Pick<SeriesSource, 'counterAtOrBefore' | 'counterAtOrAfter'>;

/**
 * The instant energy over [fromMs, toMs) must stop at: undefined when some series has a reading at or
 * after toMs (the data reaches the end); otherwise the newest reading before toMs, or fromMs when that
 * lies before the period or there is none.
 */
export function clipToNewestReading(sources: readonly EndProbe[], fromMs: number, toMs: number): number | undefined {
  let newest = -Infinity;
  for (const s of sources) {
    if (s.counterAtOrAfter(toMs) !== undefined) return undefined;
    newest = Math.max(newest, s.counterAtOrBefore(toMs)?.ts ?? -Infinity);
  }
  return Math.max(fromMs, newest);
}

/** The share of [fromMs, toMs) that has data: 1 unless clipped. */
export function coverage(fromMs: number, toMs: number, clippedToMs: number | undefined): number {
  return clippedToMs === undefined || !(toMs > fromMs) ? 1 : Math.max(0, Math.min(1, (clippedToMs - fromMs) / (toMs - fromMs)));
}

/**
 * Measured share of a figure over the whole period asked for, of which `cover` (0..1) has data: the
 * energy's own measured share, times the share of the time it covers. What lies past the newest reading is
 * not measured (nor known): 0 kWh over a period with no data at all is 0 % measured, not 100 %.
 */
export function measuredShareOver(q: EnergyQuantity, cover: number): number {
  return measuredShare(q) * cover;
}

/**
 * The measured share of a sum of figures, each with its coverage: measured energy over the energy each
 * would have had over its whole period at the rate it had (kWh / coverage). Figures of no energy add no
 * weight; if none has energy, the lowest coverage.
 */
export function combinedMeasuredShare(parts: readonly { q: EnergyQuantity; cover: number }[]): number {
  let measured = 0;
  let expected = 0;
  for (const { q, cover } of parts) {
    if (!(q.kWh > 0)) continue;
    measured += q.measuredKwh;
    expected += cover > 0 ? q.kWh / cover : Infinity;
  }
  if (expected > 0) return Number.isFinite(expected) ? Math.min(1, measured / expected) : 0;
  return parts.length === 0 ? 1 : Math.min(...parts.map((p) => p.cover));
}
