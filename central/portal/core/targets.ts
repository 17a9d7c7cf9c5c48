// What a portal figure is about: a site, room, rack, feed side, phase, point or customer, seen by an
// operator (every meter, summed without double counting) or by a customer (only the points it is billed
// on, less the points of others' inside them: model/customer-points.ts). A customer asking for anything
// outside its own points gets nothing: the selection is empty, which the routes answer with 404. Pure.
import { billablePoints } from '../../model/customer-points.js';
import { covers, topPoints } from '../../model/cover.js';
import type { HeldSpan, IntervalMs, InventoryModel, PointInfo } from '../../model/types.js';

export const TARGET_KINDS = ['site', 'room', 'rack', 'feed', 'phase', 'point', 'customer'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export interface Target {
  kind: TargetKind;
  /** Empty for `site` (the site is given beside the target). */
  id: string;
}

/** Who looks: an operator sees everything; a customer only its own points. */
export type Viewer = { customer?: string };

export class TargetError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404,
  ) {
    super(message);
    this.name = 'TargetError';
  }
}

/** `site`, `rack:ams1-r12`, `feed:A`, `customer:acme`. */
export function parseTarget(text: string): Target {
  const i = text.indexOf(':');
  const kind = (i < 0 ? text : text.slice(0, i)) as TargetKind;
  const id = i < 0 ? '' : text.slice(i + 1);
  if (!TARGET_KINDS.includes(kind)) throw new TargetError(`target "${text}": the kind is one of ${TARGET_KINDS.join(', ')}`, 400);
  if (kind !== 'site' && id === '') throw new TargetError(`target "${text}": name the ${kind} after a colon (${kind}:<id>)`, 400);
  return { kind, id };
}

export const targetText = (t: Target): string => (t.kind === 'site' ? 'site' : `${t.kind}:${t.id}`);

export interface SelectedPoint {
  point: PointInfo;
  held: HeldSpan[];
}

/** Points whose energy adds (plus) and is taken off (minus) to make the target's figure. */
export interface Selection {
  site: string;
  target: Target;
  plus: SelectedPoint[];
  minus: SelectedPoint[];
}

function inTarget(p: PointInfo, t: Target): boolean {
  switch (t.kind) {
    case 'site':
    case 'customer':
      return true;
    case 'room':
      return p.room === t.id;
    case 'rack':
      return p.rack === t.id;
    case 'feed':
      return p.feed === t.id;
    case 'phase':
      return p.phase === t.id;
    case 'point':
      return p.id === t.id;
  }
}

/**
 * The points of a target at a site over an interval. An operator's rack is its top meters; a customer's
 * rack (or a customer target) is what that customer is billed on there.
 */
export function selectPoints(model: InventoryModel, site: string, target: Target, viewer: Viewer, interval: IntervalMs): Selection {
  if (!model.sites.has(site)) throw new TargetError(`unknown site "${site}"`, 404);
  if (target.kind === 'customer' && viewer.customer !== undefined && target.id !== viewer.customer)
    throw new TargetError(`no ${targetText(target)} at ${site}`, 404);
  const customer = viewer.customer ?? (target.kind === 'customer' ? target.id : undefined);
  if (customer !== undefined) {
    if (!model.customers.has(customer)) throw new TargetError(`unknown customer "${customer}"`, 404);
    const b = billablePoints(model, customer, site, interval);
    const plus = b.plus.filter((x) => inTarget(x.point, target));
    if (plus.length === 0)
      throw new TargetError(`no ${targetText(target)} at ${site}${viewer.customer ? ' among your points' : ` held by ${customer}`}`, 404);
    // Others' points are taken off only inside the billed points kept.
    return { site, target, plus, minus: b.minus.filter((x) => plus.some((p) => covers(p.point, x.point))) };
  }
  const ids = [...model.points.values()].filter((p) => p.site === site && p.scope !== 'aux' && inTarget(p, target)).map((p) => p.id);
  if (ids.length === 0) throw new TargetError(`no ${targetText(target)} at ${site}`, 404);
  const held: HeldSpan[] = [{ fromMs: interval.fromMs, toMs: interval.toMs }];
  return { site, target, plus: topPoints(model, ids).map((point) => ({ point, held })), minus: [] };
}
