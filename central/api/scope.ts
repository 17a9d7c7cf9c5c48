// What a caller may see, from the model: staff see everything; a customer sees the sites, racks and
// points it holds (within the period asked, when one is), and readings only while it held the point. Pure.
import type { Principal } from '../auth/service.js';
import { holdersOf } from '../model/holders.js';
import type { IntervalMs, InventoryModel, PointInfo } from '../model/types.js';

export const ALL_TIME: IntervalMs = { fromMs: -8.64e15, toMs: 8.64e15 };

export class Scope {
  constructor(
    private readonly model: InventoryModel,
    readonly principal: Principal | undefined,
  ) {}

  /** The customer the caller is confined to; undefined for staff. */
  get customer(): string | undefined {
    return this.principal?.role === 'customer' ? this.principal.customer : undefined;
  }

  /** The points visible over an interval: all for staff; for a customer those it held at some time in it. */
  points(interval: IntervalMs = ALL_TIME): PointInfo[] {
    const c = this.customer;
    if (c === undefined) return [...this.model.points.values()];
    return (this.model.pointsByCustomer.get(c) ?? [])
      .filter((id) => this.held(id, interval).length > 0)
      .map((id) => this.model.points.get(id)!);
  }

  /** The parts of the interval in which the caller may see the point's readings. */
  held(pointId: string, interval: IntervalMs): IntervalMs[] {
    if (!this.model.points.has(pointId)) return [];
    const c = this.customer;
    if (c === undefined) return interval.fromMs < interval.toMs ? [interval] : [];
    return holdersOf(this.model, pointId, interval)
      .filter((s) => s.customer === c)
      .map((s) => ({ fromMs: s.fromMs, toMs: s.toMs }));
  }

  seesPoint(pointId: string, interval: IntervalMs = ALL_TIME): boolean {
    return this.held(pointId, interval).length > 0;
  }

  seesSite(site: string, interval: IntervalMs = ALL_TIME): boolean {
    if (!this.model.sites.has(site)) return false;
    return this.customer === undefined || this.points(interval).some((p) => p.site === site);
  }

  seesCustomer(id: string): boolean {
    return this.model.customers.has(id) && (this.customer === undefined || this.customer === id);
  }

  seesRack(rack: string, interval: IntervalMs = ALL_TIME): boolean {
    return this.model.racks.has(rack) && (this.customer === undefined || this.points(interval).some((p) => p.rack === rack));
  }
}
