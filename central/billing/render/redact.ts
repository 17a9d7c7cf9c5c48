// The customer's copy of an invoice. A rack holder is billed on its rack's meter less the equipment that
// other customers hold inside the rack (model/customer-points.ts); the draft traces every such point by id
// with its kWh and counters, which is the operators' to see, not the rack holder's. The customer's copy
// keeps the customer's own points and shows the others' as one summed deduction per line ("Equipment of
// others in your racks: -108.543 kWh"); amounts, quantities and totals are the same. Operators, the
// stored outputs and the webhook keep the full draft. Pure.
import { billablePoints } from '../../model/customer-points.js';
import { addEnergy, ZERO_ENERGY } from '../../energy/group.js';
import type { EnergyQuantity } from '../../energy/types.js';
import type { InventoryModel } from '../../model/types.js';
import type { EnergyLineTrace, InvoiceDraft, PointShare } from '../invoice.js';
import { isDeducted, type InvoiceDocument } from './document.js';

/** How the deduction line reads in every output format. */
export const OTHERS_DEDUCTED_LABEL = 'Equipment of others in your racks';

/**
 * The points the customer was billed on at the invoice's site and period, by the model: a second fence
 * besides the deduction mark, so a stored draft's zero-kWh deduction of someone else is never shown.
 */
export function billedPointsOf(model: InventoryModel, draft: Pick<InvoiceDraft, 'customer' | 'sections'>): Set<string> {
  if (!model.customers.has(draft.customer)) return new Set();
  return new Set(
    draft.sections.flatMap((s) => {
      if (!model.sites.has(s.site)) return [];
      return billablePoints(model, draft.customer, s.site, { fromMs: s.period.fromMs, toMs: s.period.toMs }).plus.map((x) => x.point.id);
    }),
  );
}

const quantityOf = (q: EnergyQuantity): EnergyQuantity => ({
  kWh: q.kWh,
  measuredKwh: q.measuredKwh,
  estimatedKwh: q.estimatedKwh,
  interpolatedKwh: q.interpolatedKwh,
});

function redactLine(e: EnergyLineTrace, shown: (p: PointShare) => boolean): EnergyLineTrace {
  const kept = e.points.filter(shown);
  const hidden = e.points.filter((p) => !shown(p));
  if (hidden.length === 0 && e.othersDeducted === undefined) return { ...e, points: kept };
  const others = hidden.reduce<EnergyQuantity>((s, p) => addEnergy(s, quantityOf(p)), e.othersDeducted ?? ZERO_ENERGY);
  return { ...e, points: kept, othersDeducted: others };
}

/**
 * The draft as its customer sees it: energy lines list the customer's own points and one summed
 * `othersDeducted`; the trace keeps the customer's own points only. `billed` (billedPointsOf) narrows the
 * own points further where the model is at hand.
 */
export function customerDraft(draft: InvoiceDraft, billed?: ReadonlySet<string>): InvoiceDraft {
  const shown = (p: PointShare): boolean => !isDeducted(p) && (billed === undefined || billed.has(p.pointId));
  const visible = new Set(draft.lines.flatMap((l) => (l.energy ? l.energy.points.filter(shown).map((p) => p.pointId) : [])));
  return {
    ...draft,
    lines: draft.lines.map((l) => (l.energy ? { ...l, energy: redactLine(l.energy, shown) } : l)),
    trace: draft.trace.map((v) => ({ ...v, points: v.points.filter((p) => p.deducted !== true && visible.has(p.pointId)) })),
  };
}

export function customerDocument(doc: InvoiceDocument, billed?: ReadonlySet<string>): InvoiceDocument {
  return { ...doc, draft: customerDraft(doc.draft, billed) };
}
