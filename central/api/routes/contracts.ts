// Customers' contracts and billing accounts, as the model resolved them (written and implied), and the
// operators' edits of them: a new contract or the next version of one, a new billing account. Edits are
// appended, never applied to history; one the model refuses is a 400 with every problem and changes
// nothing, one that lost a race with another central instance is a 409 (model.ts says the same of
// assignments and tariffs).
import type { RouteSpec } from '../types.js';
import { body, editor, ID, query, refused } from './common.js';

const BY_CUSTOMER = { type: 'object', additionalProperties: false, properties: { customer: ID } } as const;

export const contractRoutes: RouteSpec[] = [
  {
    id: 'listContracts',
    method: 'GET',
    url: '/contracts',
    summary: "Customers' contracts with every version, files and edits (absent sites: every site; account resolved)",
    tags: ['contracts'],
    access: { who: 'staff' },
    schema: { querystring: BY_CUSTOMER },
    handler: async (ctx) => {
      const { customer } = query<{ customer?: string }>(ctx);
      return [...ctx.snapshot.model.parties.contracts.values()].filter((c) => customer === undefined || c.customer === customer);
    },
  },
  {
    id: 'addContractVersion',
    method: 'POST',
    url: '/contracts',
    summary:
      'A new contract (customer needed), or the next version of one valid from its validFrom, ' +
      "which must be after the latest version's; the version before it ends there",
    tags: ['contracts'],
    access: { who: 'operator' },
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['contract', 'version'],
        properties: {
          contract: ID,
          customer: ID,
          account: ID,
          sites: { type: 'array', minItems: 1, items: ID },
          version: { type: 'object', description: 'a contract version, as in the inventory (config-inventory.md)' },
        },
      },
    },
    handler: async (ctx) => {
      const r = await editor(ctx).addContractVersion(body(ctx), ctx.principal!.username);
      if (!r.ok) throw refused('the contract version was refused; nothing changed', r);
      void ctx.reply.status(201);
      return { contract: r.snapshot.model.parties.contracts.get(r.value.contract), modelVersion: r.snapshot.version };
    },
  },
  {
    id: 'listAccounts',
    method: 'GET',
    url: '/accounts',
    summary: "Billing accounts, written and implied (a customer without one is its own), each saying whether it is its customer's default",
    tags: ['contracts'],
    access: { who: 'staff' },
    schema: { querystring: BY_CUSTOMER },
    handler: async (ctx) => {
      const { customer } = query<{ customer?: string }>(ctx);
      const { accounts, defaultAccount } = ctx.snapshot.model.parties;
      return [...accounts.values()]
        .filter((a) => customer === undefined || a.customer === customer)
        .map((a) => ({ ...a, default: defaultAccount.get(a.customer) === a.id }));
    },
  },
  {
    id: 'addAccount',
    method: 'POST',
    url: '/accounts',
    summary:
      "A new billing account of a customer (an id no account has), with its legal details if given; a customer's first account becomes its default",
    tags: ['contracts'],
    access: { who: 'operator' },
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'customer', 'name'],
        properties: {
          id: ID,
          customer: ID,
          name: { type: 'string', minLength: 1, maxLength: 500 },
          externalRef: { type: 'string', maxLength: 160 },
          // Checked whole by the inventory's schema (model/contracts/legal.ts AccountDetails), errors by path.
          details: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'object' } },
        },
      },
    },
    handler: async (ctx) => {
      const r = await editor(ctx).addAccount(body(ctx), ctx.principal!.username);
      if (!r.ok) throw refused('the account was refused; nothing changed', r);
      void ctx.reply.status(201);
      return { account: r.snapshot.model.parties.accounts.get(r.value.id), modelVersion: r.snapshot.version };
    },
  },
];
