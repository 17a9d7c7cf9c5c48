// Sites and their topology: rooms, the power chain with phase, feed and ratings, racks, cages, points,
// and the alerts active there. A customer sees the sites where it holds points, and of a site only its
// racks, its points and the chain above them.
import type { StoredAlert } from '../../storage/readings/types.js';
import type { PointInfo } from '../../model/types.js';
import type { Scope } from '../scope.js';
import type { RouteContext, RouteSpec } from '../types.js';
import { ID, params, period, PERIOD_PROPS, query, zoneOf } from './common.js';

/** Whether a customer sees an alert: it names a device behind one of the points it held at `atMs`. */
export function alertVisible(scope: Scope, points: readonly PointInfo[], a: StoredAlert, atMs: number): boolean {
  return (
    a.device !== undefined &&
    points.some(
      (p) =>
        p.site === a.site &&
        p.gateway === a.gateway &&
        p.device === a.device &&
        (a.channel === undefined || a.channel === p.channel) &&
        scope.seesPoint(p.id, { fromMs: atMs, toMs: atMs + 1 }),
    )
  );
}

export function siteTopology(ctx: RouteContext, site: string, points: readonly PointInfo[], alerts: readonly StoredAlert[]) {
  const m = ctx.snapshot.model;
  const staff = ctx.scope.customer === undefined;
  const inSite = points.filter((p) => p.site === site);
  const nodeIds = staff
    ? [...m.nodes.values()].filter((n) => n.site === site).map((n) => n.id)
    : [...new Set(inSite.flatMap((p) => p.path))];
  const rackIds = staff
    ? [...m.racks.values()].filter((r) => r.site === site).map((r) => r.id)
    : [...new Set(inSite.flatMap((p) => (p.rack ? [p.rack] : [])))];
  const racks = rackIds.map((id) => m.racks.get(id)!);
  const cageIds = staff
    ? [...m.cages.values()].filter((c) => c.site === site).map((c) => c.id)
    : [...new Set(racks.flatMap((r) => (r.cage ? [r.cage] : [])))];
  const s = m.sites.get(site)!;
  return {
    site: { id: s.id, name: s.name, timeZone: s.timeZone, currency: s.currency },
    rooms: s.rooms.map((id) => m.rooms.get(id)!).filter((r) => staff || inSite.some((p) => p.room === r.id)),
    nodes: nodeIds.map((id) => {
      const n = m.nodes.get(id)!;
      return { ...n, children: staff ? n.children : n.children.filter((c) => nodeIds.includes(c)) };
    }),
    racks,
    cages: cageIds.map((id) => m.cages.get(id)!),
    points: inSite,
    alerts: alerts.filter((a) => staff || alertVisible(ctx.scope, inSite, a, ctx.deps.clock.now())),
  };
}

const SITE = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    timeZone: { type: 'string' },
    currency: { type: 'string' },
    rooms: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const siteRoutes: RouteSpec[] = [
  {
    id: 'listSites',
    method: 'GET',
    url: '/sites',
    summary: 'Sites (a customer: those where it holds points)',
    tags: ['topology'],
    access: { who: 'everyone', customer: 'filtered' },
    schema: { response: { 200: { type: 'array', items: SITE } } },
    handler: async (ctx) => [...ctx.snapshot.model.sites.values()].filter((s) => ctx.scope.seesSite(s.id)),
  },
  {
    id: 'siteTopology',
    method: 'GET',
    url: '/sites/:site/topology',
    summary:
      'Rooms, power chain (phase, feed, ratings), racks, cages, points and active alerts of a site; a customer sees its own (held within from..to when given)',
    tags: ['topology'],
    access: { who: 'everyone', customer: { guard: 'site', in: 'params', key: 'site' } },
    schema: {
      params: { type: 'object', required: ['site'], properties: { site: ID } },
      querystring: { type: 'object', additionalProperties: false, properties: PERIOD_PROPS },
    },
    handler: async (ctx) => {
      const { site } = params<{ site: string }>(ctx);
      if (!ctx.snapshot.model.sites.has(site)) throw Object.assign(new Error(`no site "${site}"`), { statusCode: 404 });
      const interval = period(query<{ from?: string; to?: string }>(ctx), zoneOf(ctx, site));
      return siteTopology(ctx, site, ctx.scope.points(interval), await ctx.deps.store.activeAlerts({ site }));
    },
  },
];
