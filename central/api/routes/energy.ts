// Energy over any period: a customer's, grouped by site, room, rack, feed, phase or point (the same
// report as `joulebook energy`), and a site's as operators see it (energy/site-report.ts).
import { customerEnergyReport, GROUP_BY, type GroupBy } from '../../energy/customer-report.js';
import { SITE_GROUP_BY, siteEnergyReport, type SiteGroupBy } from '../../energy/site-report.js';
import { notFound } from '../errors.js';
import type { RouteSpec } from '../types.js';
import { ID, params, period, PERIOD_PROPS, query, TIME, zoneOf } from './common.js';

export const energyRoutes: RouteSpec[] = [
  {
    id: 'customerEnergy',
    method: 'GET',
    url: '/energy',
    summary:
      "A customer's energy over [from, to) grouped by site, room, rack, feed, phase or point, with its measured share; a customer asks for its own (the default)",
    tags: ['energy'],
    access: { who: 'everyone', customer: { guard: 'customer', in: 'query', key: 'customer' } },
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        required: ['from', 'to'],
        properties: { customer: ID, from: TIME, to: TIME, by: { type: 'string', enum: [...GROUP_BY], default: 'rack' } },
      },
    },
    handler: async (ctx) => {
      const q = query<{ customer?: string; from: string; to: string; by: GroupBy }>(ctx);
      if (q.customer === undefined) throw notFound('customer: give ?customer=<id>');
      if (!ctx.snapshot.model.customers.has(q.customer)) throw notFound(`customer "${q.customer}"`);
      const energy = ctx.deps.energy ?? ((args) => customerEnergyReport({ store: ctx.deps.store, model: args.model }, args.query));
      return energy({
        model: ctx.snapshot.model,
        version: ctx.snapshot.version,
        query: { customer: q.customer, from: q.from, to: q.to, by: q.by },
      });
    },
  },
  {
    id: 'siteEnergy',
    method: 'GET',
    url: '/sites/:site/energy',
    summary: "A site's energy over [from, to) grouped by room, rack, feed, phase or point (top-most tenant meters)",
    tags: ['energy'],
    access: { who: 'staff' },
    schema: {
      params: { type: 'object', required: ['site'], properties: { site: ID } },
      querystring: {
        type: 'object',
        additionalProperties: false,
        required: ['from', 'to'],
        properties: { ...PERIOD_PROPS, by: { type: 'string', enum: [...SITE_GROUP_BY], default: 'rack' } },
      },
    },
    handler: async (ctx) => {
      const { site } = params<{ site: string }>(ctx);
      if (!ctx.snapshot.model.sites.has(site)) throw notFound(`site "${site}"`);
      const q = query<{ from: string; to: string; by: SiteGroupBy }>(ctx);
      const interval = period(q, zoneOf(ctx, site));
      return siteEnergyReport({ store: ctx.deps.store, model: ctx.snapshot.model }, { site, ...interval, by: q.by });
    },
  },
];
