// Metering points, a point's readings over [from, to) in pages, and the live view of a site (the newest
// reading of every point in one store query). A customer sees its points, and readings only from the
// times it held the point.
import type { PointInfo } from '../../model/types.js';
import { sourceKey } from '../../model/types.js';
import { ApiError, notFound } from '../errors.js';
import type { RouteSpec } from '../types.js';
import { ID, params, period, PERIOD_PROPS, query, zoneOf } from './common.js';

const MAX_PAGE = 10_000;

export function pointView(p: PointInfo) {
  return {
    id: p.id,
    site: p.site,
    room: p.room,
    rack: p.rack,
    cage: p.cage,
    node: p.node,
    gateway: p.gateway,
    device: p.device,
    channel: p.channel,
    phase: p.phase,
    feed: p.feed,
    scope: p.scope,
    infrastructure: p.infrastructure,
  };
}

export const pointRoutes: RouteSpec[] = [
  {
    id: 'listPoints',
    method: 'GET',
    url: '/points',
    summary: 'Metering points, by site, room or rack; a customer sees those it held (within from..to when given)',
    tags: ['topology'],
    access: { who: 'everyone', customer: 'filtered' },
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { site: ID, room: ID, rack: ID, ...PERIOD_PROPS } } },
    handler: async (ctx) => {
      const q = query<{ site?: string; room?: string; rack?: string; from?: string; to?: string }>(ctx);
      return ctx.scope
        .points(period(q, zoneOf(ctx, q.site)))
        .filter(
          (p) =>
            (q.site === undefined || p.site === q.site) &&
            (q.room === undefined || p.room === q.room) &&
            (q.rack === undefined || p.rack === q.rack),
        )
        .map(pointView);
    },
  },
  {
    id: 'pointReadings',
    method: 'GET',
    url: '/points/:point/readings',
    summary:
      'Readings of a point with from <= ts < to, oldest first, at most `limit`; `next` continues. A customer gets only readings from while it held the point',
    tags: ['readings'],
    access: { who: 'everyone', customer: { guard: 'point', in: 'params', key: 'point' } },
    schema: {
      params: { type: 'object', required: ['point'], properties: { point: ID } },
      querystring: {
        type: 'object',
        additionalProperties: false,
        required: ['from', 'to'],
        properties: { ...PERIOD_PROPS, limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1000 } },
      },
    },
    handler: async (ctx) => {
      const { point } = params<{ point: string }>(ctx);
      const q = query<{ from: string; to: string; limit: number }>(ctx);
      const p = ctx.snapshot.model.points.get(point);
      if (!p) throw notFound(`point "${point}"`);
      const interval = period(q, zoneOf(ctx, p.site));
      const series = await ctx.deps.store.findSeries({ site: p.site, gateway: p.gateway, device: p.device, channel: p.channel });
      const readings = [];
      let next: number | undefined;
      for (const h of series ? ctx.scope.held(point, interval) : []) {
        const page = await ctx.deps.store.readings(series!.id, h.fromMs, h.toMs, { limit: q.limit - readings.length + 1 });
        readings.push(...page);
        if (readings.length > q.limit) {
          next = readings[q.limit]!.ts;
          readings.length = q.limit;
          break;
        }
      }
      return {
        point,
        from: interval.fromMs,
        to: interval.toMs,
        readings,
        next: next === undefined ? undefined : new Date(next).toISOString(),
      };
    },
  },
  {
    id: 'live',
    method: 'GET',
    url: '/live',
    summary: 'The newest reading of every point of a site (power, current, energy, time); a customer sees the points it holds now',
    tags: ['readings'],
    access: { who: 'everyone', customer: { guard: 'site', in: 'query', key: 'site' } },
    schema: { querystring: { type: 'object', additionalProperties: false, required: ['site'], properties: { site: ID } } },
    handler: async (ctx) => {
      const { site } = query<{ site: string }>(ctx);
      const m = ctx.snapshot.model;
      if (!m.sites.has(site)) throw new ApiError('not_found', `no site "${site}"`);
      const now = ctx.deps.clock.now();
      const visible = new Set(ctx.scope.points({ fromMs: now, toMs: now + 1 }).map((p) => p.id));
      const out = [];
      for (const r of await ctx.deps.store.latestReadings({ site })) {
        const id = m.bySource.get(sourceKey(r.gateway, r.device, r.channel));
        if (id === undefined || !visible.has(id)) continue;
        const v = r.values as Record<string, number | undefined>;
        out.push({
          point: id,
          ts: new Date(r.ts).toISOString(),
          power_w: v.power_w ?? null,
          current_a: v.current_a ?? null,
          energy_import_kwh: v.energy_import_kwh ?? null,
          quality: r.quality,
        });
      }
      return { site, at: new Date(now).toISOString(), points: out };
    },
  },
];
