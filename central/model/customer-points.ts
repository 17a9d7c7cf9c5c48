// Which points bill a customer at a site, and when. Of the points the customer holds, those no other held
// point covers (cover.ts): a rack's branch circuit, not also its PDUs. Where such a point covers a point
// someone else holds at the time (another customer's outlet in this customer's PDU), that point's energy
// over those times is deducted, so nothing is billed twice. Pure, from holdings and topology alone: the
// customer's energy report (energy/), its invoices (billing/) and the portal all start from it.
import { covers, topPoints } from './cover.js';
import { customerHoldings, holdersOf } from './holders.js';
import type { HeldSpan, IntervalMs, InventoryModel, PointInfo } from './types.js';

export interface BillablePoint {
  point: PointInfo;
  held: HeldSpan[];
}

export interface BillablePoints {
  /** Points whose energy is billed over their spans. */
  plus: BillablePoint[];
  /** Points inside those whose energy over their spans is someone else's: subtracted. */
  minus: BillablePoint[];
  /** When the customer held anything at the site within the period (merged): what fees are prorated by. */
  heldAny: IntervalMs[];
  /** Each rack it held something in, and when (merged): what a commitment per rack follows. */
  racks: Map<string, IntervalMs[]>;
}

function intersect(a: readonly HeldSpan[], b: readonly HeldSpan[]): HeldSpan[] {
  const out: HeldSpan[] = [];
  for (const x of a) {
    for (const y of b) {
      const from = Math.max(x.fromMs, y.fromMs);
      const to = Math.min(x.toMs ?? Infinity, y.toMs ?? Infinity);
      if (from < to) out.push(to === Infinity ? { fromMs: from } : { fromMs: from, toMs: to });
    }
  }
  return out;
}

/** Points measured below (or on the phases of) a point, found down the chain from its node. */
function pointsUnder(model: InventoryModel, p: PointInfo): PointInfo[] {
  const out: PointInfo[] = [];
  const stack = [p.node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const id of model.pointsByNode.get(n) ?? []) {
      const q = model.points.get(id)!;
      if (covers(p, q)) out.push(q);
    }
    stack.push(...(model.nodes.get(n)?.children ?? []));
  }
  return out;
}

export function billablePoints(model: InventoryModel, customer: string, site: string, period: IntervalMs): BillablePoints {
  const held = customerHoldings(model, customer, period).filter((h) => h.point.site === site && h.point.scope !== 'aux');
  const spans = new Map(held.map((h) => [h.point.id, h.segments.map((s) => ({ fromMs: s.fromMs, toMs: s.toMs }))]));
  const plus = topPoints(model, spans.keys()).map((point) => ({ point, held: spans.get(point.id)! }));
  const minusSpans = new Map<string, HeldSpan[]>();
  for (const b of plus) {
    for (const q of pointsUnder(model, b.point)) {
      const others = holdersOf(model, q.id, period)
        .filter((s) => s.customer !== customer)
        .map((s) => ({ fromMs: s.fromMs, toMs: s.toMs }));
      const overlap = intersect(b.held, others);
      if (overlap.length > 0) minusSpans.set(q.id, [...(minusSpans.get(q.id) ?? []), ...overlap]);
    }
  }
  // Of the others' points, only the outermost: an outlet inside another customer's PDU is in that PDU's figure.
  const minus = topPoints(model, minusSpans.keys()).map((point) => ({ point, held: mergeSpans(minusSpans.get(point.id)!) }));
  const closed = (list: readonly HeldSpan[]): IntervalMs[] =>
    mergeSpans(list).map((h) => ({ fromMs: h.fromMs, toMs: h.toMs ?? period.toMs }));
  const racks = new Map<string, HeldSpan[]>();
  for (const h of held)
    if (h.point.rack !== undefined) racks.set(h.point.rack, [...(racks.get(h.point.rack) ?? []), ...spans.get(h.point.id)!]);
  return {
    plus,
    minus,
    heldAny: closed([...spans.values()].flat()),
    racks: new Map([...racks].map(([rack, list]) => [rack, closed(list)])),
  };
}

function mergeSpans(spans: readonly HeldSpan[]): HeldSpan[] {
  const sorted = [...spans].sort((a, b) => a.fromMs - b.fromMs);
  const out: HeldSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && (last.toMs ?? Infinity) >= s.fromMs) {
      const to = Math.max(last.toMs ?? Infinity, s.toMs ?? Infinity);
      if (to === Infinity) delete last.toMs;
      else last.toMs = to;
    } else out.push({ ...s });
  }
  return out;
}
