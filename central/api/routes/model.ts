// Customers, assignments (every version) and tariffs, and the operators' edits of the last two: a new
// assignment or assignment version, a new tariff version, a month's utility price (contracts and billing
// accounts: contracts.ts). An edit is appended, never applied to history;
// one the model refuses (overlaps, unknown customer or target, bad dates) is a 400 and changes nothing;
// one that lost a race with another central instance's edit (or found the stored edits unusable) is a 409.
import { notFound } from '../errors.js';
import type { RouteSpec } from '../types.js';
import { body, editor, ID, params, query, refused, TIME } from './common.js';

const TARGET = { type: 'string', minLength: 1, maxLength: 160 } as const;

export const modelRoutes: RouteSpec[] = [
  {
    id: 'listCustomers',
    method: 'GET',
    url: '/customers',
    summary: 'Customers (a customer: itself)',
    tags: ['customers'],
    access: { who: 'everyone', customer: 'filtered' },
    schema: {},
    handler: async (ctx) => [...ctx.snapshot.model.customers.values()].filter((c) => ctx.scope.seesCustomer(c.id)),
  },
  {
    id: 'getCustomer',
    method: 'GET',
    url: '/customers/:customer',
    summary: 'One customer with the racks and points it holds now',
    tags: ['customers'],
    access: { who: 'everyone', customer: { guard: 'customer', in: 'params', key: 'customer' } },
    schema: { params: { type: 'object', required: ['customer'], properties: { customer: ID } } },
    handler: async (ctx) => {
      const { customer } = params<{ customer: string }>(ctx);
      const m = ctx.snapshot.model;
      const c = m.customers.get(customer);
      if (!c) throw notFound(`customer "${customer}"`);
      const now = ctx.deps.clock.now();
      const held = (m.pointsByCustomer.get(customer) ?? [])
        .filter((id) => (m.holdings.get(id) ?? []).length > 0)
        .map((id) => m.points.get(id)!)
        .filter((p) => ctx.scope.held(p.id, { fromMs: now, toMs: now + 1 }).length > 0 || ctx.scope.customer === undefined);
      return { ...c, racks: [...new Set(held.flatMap((p) => (p.rack ? [p.rack] : [])))].sort(), points: held.map((p) => p.id).sort() };
    },
  },
  {
    id: 'listAssignments',
    method: 'GET',
    url: '/assignments',
    summary: 'Every assignment version (files and edits) with where it applies; a customer sees its own',
    tags: ['assignments'],
    access: { who: 'everyone', customer: 'filtered' },
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { customer: ID, site: ID } } },
    handler: async (ctx) => {
      const q = query<{ customer?: string; site?: string }>(ctx);
      const own = ctx.scope.customer;
      return ctx.snapshot.model.assignments
        .filter(
          (a) =>
            (own === undefined || a.customer === own) &&
            (q.customer === undefined || a.customer === q.customer) &&
            (q.site === undefined || a.site === q.site),
        )
        .map((a) => ({
          ...a,
          toMs: Number.isFinite(a.toMs) ? a.toMs : null,
          effective: a.effective ? { fromMs: a.effective.fromMs, toMs: Number.isFinite(a.effective.toMs) ? a.effective.toMs : null } : null,
        }));
    },
  },
  {
    id: 'addAssignment',
    method: 'POST',
    url: '/assignments',
    summary:
      'A new assignment, or a new version of an existing id that supersedes the earlier ones from its `from` on (history is never edited)',
    tags: ['assignments'],
    access: { who: 'operator' },
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'customer', 'from'],
        properties: {
          id: ID,
          customer: ID,
          outlet: TARGET,
          pdu: TARGET,
          rack: TARGET,
          cage: TARGET,
          feed: TARGET,
          match: { type: 'object' },
          from: TIME,
          to: TIME,
          note: { type: 'string', maxLength: 1000 },
        },
      },
    },
    handler: async (ctx) => {
      const r = await editor(ctx).addAssignment(body(ctx), ctx.principal!.username);
      if (!r.ok) throw refused('the assignment was refused; nothing changed', r);
      void ctx.reply.status(201);
      return { assignment: r.value, modelVersion: r.snapshot.version };
    },
  },
  {
    id: 'listTariffs',
    method: 'GET',
    url: '/tariffs',
    summary: 'Tariffs of every site (or one) with every version, the edits applied',
    tags: ['tariffs'],
    access: { who: 'staff' },
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { site: ID } } },
    handler: async (ctx) => {
      const { site } = query<{ site?: string }>(ctx);
      return [...ctx.snapshot.tariffs.values()].filter((t) => site === undefined || t.site === site);
    },
  },
  {
    id: 'addTariffVersion',
    method: 'POST',
    url: '/sites/:site/tariffs',
    summary: 'A new tariff version of a site valid from a local date; the version before it ends there',
    tags: ['tariffs'],
    access: { who: 'operator' },
    schema: { params: { type: 'object', required: ['site'], properties: { site: ID } }, body: { type: 'object' } },
    handler: async (ctx) => {
      const { site } = params<{ site: string }>(ctx);
      if (!ctx.snapshot.model.sites.has(site)) throw notFound(`site "${site}"`);
      const r = await editor(ctx).addTariffVersion(site, body(ctx), ctx.principal!.username);
      if (!r.ok) throw refused('the tariff version was refused; nothing changed', r);
      void ctx.reply.status(201);
      return { site, version: r.value.version, modelVersion: r.snapshot.version };
    },
  },
  {
    id: 'addUtilityPrice',
    method: 'POST',
    url: '/sites/:site/utility-prices',
    summary: "The utility's price per kWh of a month at a site, the base of pass-through contracts; a month is priced once",
    tags: ['tariffs'],
    access: { who: 'operator' },
    schema: {
      params: { type: 'object', required: ['site'], properties: { site: ID } },
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['month', 'pricePerKwh'],
        properties: {
          month: { type: 'string', description: "the site's local month, YYYY-MM" },
          pricePerKwh: { anyOf: [{ type: 'string' }, { type: 'number' }], description: 'a decimal; a string keeps every digit' },
        },
      },
    },
    handler: async (ctx) => {
      const { site } = params<{ site: string }>(ctx);
      if (!ctx.snapshot.model.sites.has(site)) throw notFound(`site "${site}"`);
      const r = await editor(ctx).addUtilityPrice(site, body(ctx), ctx.principal!.username);
      if (!r.ok) throw refused('the utility price was refused; nothing changed', r);
      void ctx.reply.status(201);
      return { site, utilityPrice: r.value.price, modelVersion: r.snapshot.version };
    },
  },
];
