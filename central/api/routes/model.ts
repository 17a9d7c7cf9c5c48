// Customers, assignments and tariffs: what the bills rest on. Operators change assignments and tariffs
// here, and only by adding: a new assignment, a new version of one that supersedes it from its `from`, a
// new tariff version from a date. The edits are stored (append-only) and the node switches to the
// rebuilt model at once (model/holder.ts); a refused edit changes nothing and says why.
import { ApiError, badRequest, notFound } from '../errors.js';
import type { RouteContext, RouteSpec } from '../types.js';
import { body, ID, params } from './common.js';

const OBJECT = { type: 'object' } as const;

function editor(ctx: RouteContext) {
  const e = ctx.deps.editor;
  if (!e) throw new ApiError('unavailable', 'this node has no model store; assignments and tariffs are read-only here');
  return e;
}

export const modelRoutes: RouteSpec[] = [
  {
    id: 'listCustomers', method: 'GET', url: '/customers', summary: 'Customers (a customer: itself)', tags: ['customers'],
    access: { who: 'everyone', customer: 'filtered' },
    schema: {},
    handler: async (ctx) => [...ctx.snapshot.model.customers.values()].filter((c) => ctx.scope.customer === undefined || c.id === ctx.scope.customer),
  },
  {
    id: 'listAssignments', method: 'GET', url: '/assignments',
    summary: 'Every version of every assignment as written (inventory files and edits), with where each applies now; a customer sees its own', tags: ['assignments'],
    access: { who: 'everyone', customer: 'filtered' },
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { customer: ID } } },
    handler: async (ctx) => {
      const q = ctx.req.query as { customer?: string };
      const own = ctx.scope.customer;
      return ctx.snapshot.model.assignments.filter((a) => (own === undefined || a.customer === own) && (q.customer === undefined || a.customer === q.customer));
    },
  },
  {
    id: 'addAssignment', method: 'POST', url: '/assignments',
    summary: 'A new assignment, or a new version of an existing id that supersedes it from `from` (history is never edited)', tags: ['assignments'],
    access: { who: 'operator' },
    schema: { body: { ...OBJECT, required: ['id', 'customer', 'from'] } },
    handler: async (ctx) => {
      const input = body<Record<string, unknown>>(ctx);
      if ('version' in input) throw badRequest('the version is given by the server: leave it out');
      const r = await editor(ctx).addAssignment(input as never, ctx.principal!.username);
      if (!r.ok) throw badRequest('the assignment was refused', r.problems);
      ctx.reply.status(201);
      return { assignment: r.value, modelVersion: r.snapshot.version };
    },
  },
  {
    id: 'listTariffs', method: 'GET', url: '/tariffs', summary: 'Every site\'s tariff versions, those of the files and those added here', tags: ['tariffs'],
    access: { who: 'staff' },
    schema: {},
    handler: async (ctx) => [...ctx.snapshot.tariffs.values()],
  },
  {
    id: 'addTariffVersion', method: 'POST', url: '/sites/:site/tariffs',
    summary: 'A new tariff version of a site, valid from its `validFrom` (it ends the one before; earlier months keep their prices)', tags: ['tariffs'],
    access: { who: 'operator' },
    schema: { params: { type: 'object', required: ['site'], properties: { site: ID } }, body: OBJECT },
    handler: async (ctx) => {
      const { site } = params<{ site: string }>(ctx);
      if (!ctx.snapshot.model.sites.has(site)) throw notFound(`site "${site}"`);
      const r = await editor(ctx).addTariffVersion(site, body<unknown>(ctx), ctx.principal!.username);
      if (!r.ok) throw badRequest('the tariff version was refused', r.problems);
      ctx.reply.status(201);
      return { tariff: r.value, modelVersion: r.snapshot.version };
    },
  },
];
