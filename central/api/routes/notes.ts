// Credit, debit and adjustment notes: the list (by issuing entity, site, period, customer, account, kind and
// the invoice they correct), one, and its JSON, CSV, PDF or UBL e-invoice. A note corrects a final invoice,
// so a customer sees every note of its own invoices and none of others' (404 by id). Notes carry no trace
// (no points, no counters): the customer's copy is the note itself. Staff also see each note's delivery.
import type { InvoiceFormat } from '../../billing/run/types.js';
import type { StoredNote } from '../../storage/billing/types.js';
import { ApiError, notFound } from '../errors.js';
import type { RouteContext, RouteSpec } from '../types.js';
import { ID, MONTH, params, query } from './common.js';
import { DOWNLOAD_RESPONSES, FORMAT_PARAM, sendDocument } from './documents.js';

const NOTE_ID = { type: 'object', required: ['note'], properties: { note: { type: 'string', pattern: '^[0-9]{1,12}$' } } } as const;
const KINDS = ['credit', 'debit', 'adjustment'] as const;

export function noteSummary(n: StoredNote, ctx: Pick<RouteContext, 'scope'>) {
  return {
    id: n.id,
    number: n.number,
    kind: n.kind,
    invoiceNumber: n.invoiceNumber,
    entity: n.entity,
    /** The sites whose lines it corrects (tax lines belong to none). */
    sites: [...new Set(n.note.lines.flatMap((l) => (l.site !== undefined ? [l.site] : [])))],
    period: n.period,
    customer: n.customer,
    account: n.account,
    currency: n.currency,
    subtotalDelta: n.note.subtotalDelta,
    taxDelta: n.note.taxDelta,
    totalDelta: n.totalDelta,
    createdAt: n.createdAt,
    /** An e-invoice (ubl) can be made: the note has its invoice's parties' legal details. */
    eInvoice: n.note.parties !== undefined,
    ...(ctx.scope.customer === undefined
      ? {
          renderedAt: n.renderedAt ?? null,
          deliveredAt: n.deliveredAt ?? null,
          deliveryAttempts: n.deliveryAttempts,
          lastDeliveryError: n.lastDeliveryError ?? null,
        }
      : {}),
  };
}

async function noteOf(ctx: RouteContext): Promise<StoredNote> {
  const { note: id } = params<{ note: string }>(ctx);
  const note = await ctx.deps.billing?.store.note(Number(id));
  if (!note) throw notFound(`note ${id}`);
  return note;
}

const guard = { guard: 'note', in: 'params', key: 'note' } as const;

export const noteRoutes: RouteSpec[] = [
  {
    id: 'listNotes',
    method: 'GET',
    url: '/notes',
    summary:
      'Credit and debit notes by issuing entity, site, period (YYYY-MM), customer, account, kind and invoice number; a customer sees its own',
    tags: ['invoices'],
    access: { who: 'everyone', customer: 'filtered' },
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          entity: ID,
          site: ID,
          period: MONTH,
          customer: ID,
          account: ID,
          kind: { type: 'string', enum: [...KINDS] },
          invoice: { ...ID, description: 'the number of the invoice the notes correct' },
        },
      },
    },
    handler: async (ctx) => {
      const q = query<{
        entity?: string;
        site?: string;
        period?: string;
        customer?: string;
        account?: string;
        kind?: StoredNote['kind'];
        invoice?: string;
      }>(ctx);
      if (!ctx.deps.billing) return [];
      const own = ctx.scope.customer;
      if (own !== undefined && q.customer !== undefined && q.customer !== own) return [];
      const list = await ctx.deps.billing.store.notes({
        entity: q.entity || undefined,
        period: q.period || undefined,
        customer: (own ?? q.customer) || undefined,
        account: q.account || undefined,
        kind: q.kind || undefined,
        invoiceNumber: q.invoice || undefined,
      });
      return list.filter((n) => !q.site || n.note.lines.some((l) => l.site === q.site)).map((n) => noteSummary(n, ctx));
    },
  },
  {
    id: 'getNote',
    method: 'GET',
    url: '/notes/:note',
    summary: 'One note with its lines: each as invoiced, as recomputed, and the difference',
    tags: ['invoices'],
    access: { who: 'everyone', customer: guard },
    schema: { params: NOTE_ID },
    handler: async (ctx) => {
      const n = await noteOf(ctx);
      return { ...noteSummary(n, ctx), note: n.note };
    },
  },
  {
    id: 'downloadNote',
    method: 'GET',
    url: '/notes/:note/:format',
    summary: 'The note as a document: json, csv, pdf or ubl (the e-invoice, XML: a CreditNote, or an Invoice of type 383 for a debit note)',
    tags: ['invoices'],
    access: { who: 'everyone', customer: guard },
    schema: {
      params: { ...NOTE_ID, required: ['note', 'format'], properties: { ...NOTE_ID.properties, format: FORMAT_PARAM } },
      response: DOWNLOAD_RESPONSES,
    },
    handler: async (ctx) => {
      const n = await noteOf(ctx);
      const { format } = params<{ format: InvoiceFormat }>(ctx);
      const billing = ctx.deps.billing;
      if (!billing) throw new ApiError('unavailable', 'billing is not configured');
      const audience = ctx.scope.customer === undefined ? 'operator' : 'customer';
      return sendDocument(ctx, n.number, format, () => billing.renderNote(n, format, audience));
    },
  },
];
