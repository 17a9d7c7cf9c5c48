// The portal's data routes, declared for the API's route registry: who may call each (operators,
// read-only staff, customers) and a handler that takes the viewer, which for a customer carries its id
// so every answer is confined to its own points (core/targets.ts). Errors of the request are TargetError
// with a status (400 or 404). The routes: GET /api/v1/portal/{targets,live,history,compare,chain}.
import { LIVE_GROUP_BY, type LiveGroupBy } from '../core/live.js';
import { TargetError, type Viewer } from '../core/targets.js';
import { chain } from '../data/chain.js';
import { compare, history, live, type CompareBy, type HistoryRange, type ViewDeps } from '../data/views.js';
import { billablePoints } from '../../energy/customer-points.js';

export type PortalRole = 'operator' | 'read-only' | 'customer';

export interface PortalRoute {
  method: 'GET';
  url: string;
  summary: string;
  roles: readonly PortalRole[];
  /** Query parameters accepted (all strings). */
  query: readonly string[];
  handler(deps: ViewDeps, viewer: Viewer, query: Record<string, string | undefined>): Promise<unknown>;
}

const ALL: readonly PortalRole[] = ['operator', 'read-only', 'customer'];
const STAFF: readonly PortalRole[] = ['operator', 'read-only'];

function need(q: Record<string, string | undefined>, name: string): string {
  const v = q[name];
  if (v === undefined || v === '') throw new TargetError(`query parameter "${name}" is required`, 400);
  return v;
}

function by(q: Record<string, string | undefined>): LiveGroupBy {
  const v = q.by ?? 'site';
  if (!(LIVE_GROUP_BY as readonly string[]).includes(v)) throw new TargetError(`by "${v}" is one of ${LIVE_GROUP_BY.join(', ')}`, 400);
  return v as LiveGroupBy;
}

/** The rooms, racks, feeds and phases a viewer may chart at a site. */
function targetsOf(deps: ViewDeps, viewer: Viewer, site: string) {
  if (!deps.model.sites.has(site)) throw new TargetError(`unknown site "${site}"`, 404);
  const nowMs = deps.clock.now();
  const points = viewer.customer !== undefined
    ? billablePoints(deps.model, viewer.customer, site, { fromMs: nowMs - 400 * 86_400_000, toMs: nowMs + 1 }).plus.map((b) => b.point)
    : [...deps.model.points.values()].filter((p) => p.site === site && p.scope !== 'aux');
  const list = (f: (p: (typeof points)[number]) => string | undefined) => [...new Set(points.map(f).filter((x): x is string => x !== undefined))].sort();
  return { site, rooms: list((p) => p.room), racks: list((p) => p.rack), feeds: list((p) => p.feed), phases: list((p) => p.phase) };
}

export const PORTAL_ROUTES: readonly PortalRoute[] = [
  {
    method: 'GET', url: '/api/v1/portal/targets', summary: 'rooms, racks, feeds and phases the caller may chart at a site', roles: ALL, query: ['site'],
    handler: async (deps, viewer, q) => targetsOf(deps, viewer, need(q, 'site')),
  },
  {
    method: 'GET', url: '/api/v1/portal/live', summary: 'live power (kW) per site, room, rack, feed or phase', roles: ALL, query: ['by', 'site'],
    handler: (deps, viewer, q) => live(deps, viewer, { by: by(q), ...(q.site ? { site: q.site } : {}) }),
  },
  {
    method: 'GET', url: '/api/v1/portal/history', summary: 'mean power and energy per bucket (at most 400) from the energy counters', roles: ALL, query: ['site', 'target', 'range', 'from', 'to'],
    handler: (deps, viewer, q) => history(deps, viewer, {
      site: need(q, 'site'), target: q.target ?? 'site',
      ...(q.range ? { range: q.range as HistoryRange } : {}), ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}),
    }),
  },
  {
    method: 'GET', url: '/api/v1/portal/compare', summary: 'two months side by side per rack, feed or customer: kWh, 15-minute peak kW, change', roles: ALL, query: ['site', 'by', 'a', 'b'],
    handler: (deps, viewer, q) => compare(deps, viewer, { site: need(q, 'site'), by: (q.by ?? 'rack') as CompareBy, a: need(q, 'a'), b: need(q, 'b') }),
  },
  {
    method: 'GET', url: '/api/v1/portal/chain', summary: 'the power chain of a site with live power and phase balance per circuit', roles: STAFF, query: ['site'],
    handler: (deps, _viewer, q) => chain(deps, { site: need(q, 'site') }),
  },
];
