// The portal's data routes, declared for the API's route registry (central/api/registry.ts) like every
// other route: customers may call all but the chain, and each handler confines a customer to its own
// points through the viewer (core/targets.ts). A request's errors are TargetError (400 or 404) and
// BucketError (a period longer than a history covers: 400), answered in the API's error shape. The routes: GET /api/v1/portal/{targets,live,history,compare,chain}.
import { ApiError } from '../../api/errors.js';
import type { RouteAccess, RouteContext, RouteSpec } from '../../api/types.js';
import { BucketError } from '../core/buckets.js';
import { LIVE_GROUP_BY, type LiveGroupBy } from '../core/live.js';
import { TargetError, type Viewer } from '../core/targets.js';
import { chain } from '../data/chain.js';
import { compare, history, live, type CompareBy, type HistoryRange, type ViewDeps } from '../data/views.js';
import { billablePoints } from '../../model/customer-points.js';

type Query = Record<string, string | undefined>;

interface PortalRoute {
  id: string;
  url: string;
  summary: string;
  access: RouteAccess;
  /** Query parameters accepted (all strings), and those required. */
  query: readonly string[];
  required?: readonly string[];
  handler(deps: ViewDeps, viewer: Viewer, query: Query): Promise<unknown>;
}

const ALL: RouteAccess = { who: 'everyone', customer: 'filtered' };
/** A customer asking about a site where it holds nothing gets 404 before the figure is computed. */
const OWN_SITE: RouteAccess = { who: 'everyone', customer: { guard: 'site', in: 'query', key: 'site' } };
const STAFF: RouteAccess = { who: 'staff' };
function need(q: Query, name: string): string {
  const v = q[name];
  if (v === undefined || v === '') throw new TargetError(`query parameter "${name}" is required`, 400);
  return v;
}

function by(q: Query): LiveGroupBy {
  const v = q.by ?? 'site';
  if (!(LIVE_GROUP_BY as readonly string[]).includes(v)) throw new TargetError(`by "${v}" is one of ${LIVE_GROUP_BY.join(', ')}`, 400);
  return v as LiveGroupBy;
}

/** The rooms, racks, feeds and phases a viewer may chart at a site. */
function targetsOf(deps: ViewDeps, viewer: Viewer, site: string) {
  if (!deps.model.sites.has(site)) throw new TargetError(`unknown site "${site}"`, 404);
  const nowMs = deps.clock.now();
  const points =
    viewer.customer !== undefined
      ? billablePoints(deps.model, viewer.customer, site, { fromMs: nowMs - 400 * 86_400_000, toMs: nowMs + 1 }).plus.map((b) => b.point)
      : [...deps.model.points.values()].filter((p) => p.site === site && p.scope !== 'aux');
  const list = (f: (p: (typeof points)[number]) => string | undefined) =>
    [...new Set(points.map(f).filter((x): x is string => x !== undefined))].sort();
  return { site, rooms: list((p) => p.room), racks: list((p) => p.rack), feeds: list((p) => p.feed), phases: list((p) => p.phase) };
}

const ROUTES: readonly PortalRoute[] = [
  {
    id: 'portalTargets',
    url: '/portal/targets',
    summary: 'rooms, racks, feeds and phases the caller may chart at a site',
    access: OWN_SITE,
    query: ['site'],
    required: ['site'],
    handler: async (deps, viewer, q) => targetsOf(deps, viewer, need(q, 'site')),
  },
  {
    id: 'portalLive',
    url: '/portal/live',
    summary: 'live power (kW) per site, room, rack, feed or phase',
    access: ALL,
    query: ['by', 'site'],
    handler: (deps, viewer, q) => live(deps, viewer, { by: by(q), site: q.site || undefined }),
  },
  {
    id: 'portalHistory',
    url: '/portal/history',
    summary: 'mean power and energy per bucket (at most 400) from the energy counters',
    access: OWN_SITE,
    query: ['site', 'target', 'range', 'from', 'to'],
    required: ['site'],
    handler: (deps, viewer, q) =>
      history(deps, viewer, {
        site: need(q, 'site'),
        target: q.target ?? 'site',
        range: (q.range || undefined) as HistoryRange | undefined,
        from: q.from || undefined,
        to: q.to || undefined,
      }),
  },
  {
    id: 'portalCompare',
    url: '/portal/compare',
    summary: 'two months side by side per rack, feed or customer: kWh, 15-minute peak kW, change',
    access: OWN_SITE,
    query: ['site', 'by', 'a', 'b'],
    required: ['site', 'a', 'b'],
    handler: (deps, viewer, q) =>
      compare(deps, viewer, { site: need(q, 'site'), by: (q.by ?? 'rack') as CompareBy, a: need(q, 'a'), b: need(q, 'b') }),
  },
  {
    id: 'portalChain',
    url: '/portal/chain',
    summary: 'the power chain of a site with live power and phase balance per circuit',
    access: STAFF,
    query: ['site'],
    handler: (deps, _viewer, q) => chain(deps, { site: need(q, 'site') }),
  },
];

function viewDeps(ctx: RouteContext): ViewDeps {
  return { store: ctx.deps.store, model: ctx.snapshot.model, clock: ctx.deps.clock };
}

function toSpec(r: PortalRoute): RouteSpec {
  return {
    id: r.id,
    method: 'GET',
    url: r.url,
    summary: r.summary,
    tags: ['portal'],
    access: r.access,
    schema: {
      querystring: {
        type: 'object',
        properties: Object.fromEntries(r.query.map((q) => [q, { type: 'string' }])),
        required: [...(r.required ?? [])],
        additionalProperties: false,
      },
    },
    handler: async (ctx) => {
      const viewer: Viewer = ctx.principal?.role === 'customer' ? { customer: ctx.principal.customer ?? '\u0000none' } : {};
      try {
        return await r.handler(viewDeps(ctx), viewer, ctx.req.query as Query);
      } catch (err) {
        if (err instanceof TargetError) throw new ApiError(err.status === 404 ? 'not_found' : 'bad_request', err.message);
        if (err instanceof BucketError) throw new ApiError('bad_request', err.message);
        throw err;
      }
    },
  };
}

/** The portal's data routes, for the API's registry. */
export const PORTAL_ROUTES: readonly RouteSpec[] = ROUTES.map(toSpec);
