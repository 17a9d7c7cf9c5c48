// Alerts, active or every raise and clear in a period. A customer sees the alerts of devices behind the
// points it holds, nothing of others' and nothing site-wide.
import type { RouteSpec } from '../types.js';
import { ID, period, PERIOD_PROPS, query, zoneOf } from './common.js';
import { alertVisible } from './sites.js';

export const alertRoutes: RouteSpec[] = [
  {
    id: 'listAlerts',
    method: 'GET',
    url: '/alerts',
    summary: 'Active alerts (state=active, the default) or the history of raises and clears within from..to',
    tags: ['alerts'],
    access: { who: 'everyone', customer: 'filtered' },
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          site: ID,
          state: { type: 'string', enum: ['active', 'history'], default: 'active' },
          ...PERIOD_PROPS,
          limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 1000 },
        },
      },
    },
    handler: async (ctx) => {
      const q = query<{ site?: string; state: 'active' | 'history'; from?: string; to?: string; limit: number }>(ctx);
      const interval = period(q, zoneOf(ctx, q.site));
      const list =
        q.state === 'active'
          ? await ctx.deps.store.activeAlerts(q.site !== undefined ? { site: q.site } : {})
          : await ctx.deps.store.alertHistory({ site: q.site, fromMs: interval.fromMs, toMs: interval.toMs });
      const now = ctx.deps.clock.now();
      const points = ctx.scope.points(interval);
      const visible =
        ctx.scope.customer === undefined ? list : list.filter((a) => alertVisible(ctx.scope, points, a, q.state === 'active' ? now : a.ts));
      return visible.slice(0, q.limit);
    },
  },
];
