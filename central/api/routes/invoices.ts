// Invoices: the list (by site, period, customer, status), one with its notes, and its JSON, CSV, PDF or UBL
// e-invoice. A customer sees
// its own final invoices only (drafts and held ones are the operators' work in progress), and its own
// copy of each: other customers' equipment inside its racks summed into one deduction, never by id with
// kWh and counters (billing/render/redact.ts); staff see the full trace.
import { billedPointsOf, customerDraft } from '../../billing/render/redact.js';
import type { InvoiceFormat } from '../../billing/run/types.js';
import type { StoredInvoice } from '../../storage/billing/types.js';
import { ApiError, notFound } from '../errors.js';
import type { RouteContext, RouteSpec } from '../types.js';
import { ID, MONTH, params, query } from './common.js';
import { DOWNLOAD_RESPONSES, FORMAT_PARAM, sendDocument } from './documents.js';
import { noteSummary } from './notes.js';

const INVOICE_ID = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9]{1,12}$' } } } as const;

export function invoiceSummary(i: StoredInvoice) {
  return {
    id: i.id,
    number: i.number ?? null,
    entity: i.entity,
    /** The first section's site (the only one unless the invoice spans sites). */
    site: i.draft.sections[0]?.site ?? i.entity,
    sites: i.draft.sections.map((s) => s.site),
    period: i.period,
    customer: i.customer,
    account: i.account,
    status: i.status,
    currency: i.currency,
    total: i.total,
    review: i.review,
    createdAt: i.createdAt,
    finalizedAt: i.finalizedAt ?? null,
    kWh: i.draft.quality.kWh,
    measuredShare: i.draft.quality.measuredShare,
    /** An e-invoice (ubl) can be made: final, with its parties' legal details. */
    eInvoice: i.status === 'final' && i.draft.parties !== undefined,
  };
}

async function invoiceOf(ctx: RouteContext): Promise<StoredInvoice> {
  const { id } = params<{ id: string }>(ctx);
  const inv = await ctx.deps.billing?.store.invoice(Number(id));
  if (!inv) throw notFound(`invoice ${id}`);
  return inv;
}

const guard = { guard: 'invoice', in: 'params', key: 'id' } as const;

export const invoiceRoutes: RouteSpec[] = [
  {
    id: 'listInvoices',
    method: 'GET',
    url: '/invoices',
    summary:
      'Invoices by site (any section), issuing entity, period (YYYY-MM), customer, account and status; a customer sees its final ones',
    tags: ['invoices'],
    access: { who: 'everyone', customer: 'filtered' },
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          site: ID,
          entity: ID,
          period: MONTH,
          customer: ID,
          account: ID,
          status: { type: 'string', enum: ['draft', 'held', 'final'] },
        },
      },
    },
    handler: async (ctx) => {
      const q = query<{
        site?: string;
        entity?: string;
        period?: string;
        customer?: string;
        account?: string;
        status?: StoredInvoice['status'];
      }>(ctx);
      if (!ctx.deps.billing) return [];
      const own = ctx.scope.customer;
      if (own !== undefined && q.customer !== undefined && q.customer !== own) return [];
      if (own !== undefined && q.status !== undefined && q.status !== 'final') return [];
      const list = await ctx.deps.billing.store.invoices({
        entity: q.entity || undefined,
        period: q.period || undefined,
        customer: (own ?? q.customer) || undefined,
        status: own !== undefined ? ('final' as const) : q.status || undefined,
      });
      return list
        .filter((i) => !q.site || i.draft.sections.some((s) => s.site === q.site))
        .filter((i) => !q.account || i.account === q.account)
        .map(invoiceSummary);
    },
  },
  {
    id: 'getInvoice',
    method: 'GET',
    url: '/invoices/:id',
    summary: 'One invoice with its lines, quality and trace, and the credit and debit notes that correct it',
    tags: ['invoices'],
    access: { who: 'everyone', customer: guard },
    schema: { params: INVOICE_ID },
    handler: async (ctx) => {
      const inv = await invoiceOf(ctx);
      const draft = ctx.scope.customer === undefined ? inv.draft : customerDraft(inv.draft, billedPointsOf(ctx.snapshot.model, inv.draft));
      const notes = inv.number !== undefined ? await ctx.deps.billing!.store.notes(inv.number) : [];
      return { ...invoiceSummary(inv), draft, release: inv.release ?? null, notes: notes.map((n) => noteSummary(n, ctx)) };
    },
  },
  {
    id: 'downloadInvoice',
    method: 'GET',
    url: '/invoices/:id/:format',
    summary: 'The invoice as a document: json, csv, pdf or ubl (the e-invoice, XML)',
    tags: ['invoices'],
    access: { who: 'everyone', customer: guard },
    schema: {
      params: {
        ...INVOICE_ID,
        required: ['id', 'format'],
        properties: { ...INVOICE_ID.properties, format: FORMAT_PARAM },
      },
      response: DOWNLOAD_RESPONSES,
    },
    handler: async (ctx) => {
      const inv = await invoiceOf(ctx);
      const { format } = params<{ format: InvoiceFormat }>(ctx);
      const billing = ctx.deps.billing;
      if (!billing) throw new ApiError('unavailable', 'billing is not configured');
      const audience = ctx.scope.customer === undefined ? 'operator' : 'customer';
      return sendDocument(ctx, inv.number ?? `draft-${inv.id}`, format, () => billing.render(inv, format, audience));
    },
  },
];
