// The customer guards routes declare (types.ts CustomerScope): the named field must be the caller's own
// site, point, invoice, note or customer, or the answer is 404 (an id of someone else's is not confirmed to exist).
import { ApiError } from './errors.js';
import type { CustomerScope, RouteContext } from './types.js';

type Guard = Exclude<CustomerScope, 'self' | 'filtered'>;

export async function guardRequest(ctx: RouteContext, g: Guard): Promise<void> {
  const bag = (g.in === 'params' ? ctx.req.params : ctx.req.query) as Record<string, unknown>;
  const customer = ctx.scope.customer;
  if (customer === undefined) return;
  if (g.guard === 'customer' && bag[g.key] === undefined) bag[g.key] = customer; // a customer's own, by default
  const value = String(bag[g.key] ?? '');
  const ok =
    g.guard === 'site'
      ? ctx.scope.seesSite(value)
      : g.guard === 'point'
        ? ctx.scope.seesPoint(value)
        : g.guard === 'customer'
          ? ctx.scope.seesCustomer(value)
          : g.guard === 'note'
            ? await ownsNote(ctx, value, customer)
            : await ownsInvoice(ctx, value, customer);
  if (!ok) throw new ApiError('not_found', `no ${g.guard} "${value}"`);
}

async function ownsInvoice(ctx: RouteContext, id: string, customer: string): Promise<boolean> {
  const inv = /^\d+$/.test(id) ? await ctx.deps.billing?.store.invoice(Number(id)) : undefined;
  return inv !== undefined && inv.customer === customer && inv.status === 'final';
}

/** A note corrects a final invoice, so a customer sees the notes of its own invoices, all of them. */
async function ownsNote(ctx: RouteContext, id: string, customer: string): Promise<boolean> {
  const note = /^\d+$/.test(id) ? await ctx.deps.billing?.store.note(Number(id)) : undefined;
  return note !== undefined && note.customer === customer;
}
