// Credit and debit notes: a finalized invoice is never edited. When a recomputation (late gateway data,
// a corrected counter) differs, the difference becomes a note against the invoice, line by line. The
// differences are of rounded amounts, so invoice + note = recomputation to the minor unit (money.ts rule 6).
import { dec, formatMoney, sumDec } from './money.js';
import type { FinalizedInvoice, InvoiceDraft, InvoiceLine, NoteDraft, NoteLine } from './types.js';

export type { FinalizedInvoice, NoteDraft, NoteLine } from './types.js';

export class NoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteError';
  }
}

/** A line's identity across recomputations: its key within its site's section (tax lines: the invoice's). */
export const lineId = (l: Pick<InvoiceLine, 'key' | 'site'>): string => (l.site === undefined ? l.key : `${l.site}/${l.key}`);

/** The note that brings a finalized invoice to a recomputation, or undefined when nothing changed. */
export function noteFor(invoice: FinalizedInvoice, recomputed: InvoiceDraft): NoteDraft | undefined {
  for (const k of ['customer', 'account', 'entity', 'currency'] as const) {
    if (invoice[k] !== recomputed[k])
      throw new NoteError(`invoice ${invoice.number}: the recomputation is for ${k} ${recomputed[k]}, not ${invoice[k]}`);
  }
  if (invoice.period.fromMs !== recomputed.period.fromMs || invoice.period.toMs !== recomputed.period.toMs)
    throw new NoteError(`invoice ${invoice.number}: the recomputation is for another period`);
  const cur = invoice.currency;
  const was = new Map(invoice.lines.map((l) => [lineId(l), l]));
  const now = new Map(recomputed.lines.map((l) => [lineId(l), l]));
  const keys = [...new Set([...was.keys(), ...now.keys()])];
  const lines: NoteLine[] = [];
  for (const id of keys) {
    const a = was.get(id);
    const b = now.get(id);
    const ref = (b ?? a)!;
    const amountDelta = dec(b?.amount ?? 0).minus(a?.amount ?? 0);
    const quantityDelta = dec(b?.quantity ?? 0).minus(a?.quantity ?? 0);
    if (amountDelta.isZero() && quantityDelta.isZero()) continue;
    lines.push({
      key: ref.key,
      ...(ref.site !== undefined ? { site: ref.site } : {}),
      kind: ref.kind,
      description: ref.description,
      ...(ref.version !== undefined ? { version: ref.version } : {}),
      unit: ref.unit,
      unitPrice: ref.unitPrice,
      was: { quantity: a?.quantity ?? '0', amount: a?.amount ?? formatMoney(0, cur) },
      now: { quantity: b?.quantity ?? '0', amount: b?.amount ?? formatMoney(0, cur) },
      quantityDelta: quantityDelta.toString(),
      amountDelta: formatMoney(amountDelta, cur),
      ...(ref.vat ? { vat: ref.vat } : {}),
    });
  }
  const subtotal = sumDec(lines.filter((l) => l.kind !== 'tax').map((l) => l.amountDelta));
  const tax = sumDec(lines.filter((l) => l.kind === 'tax').map((l) => l.amountDelta));
  const total = subtotal.plus(tax);
  if (total.isZero() && lines.every((l) => dec(l.amountDelta).isZero())) return undefined;
  return {
    kind: total.isNegative() ? 'credit' : total.isZero() ? 'adjustment' : 'debit',
    invoiceNumber: invoice.number,
    customer: invoice.customer,
    account: invoice.account,
    entity: invoice.entity,
    currency: cur,
    period: invoice.period,
    lines,
    subtotalDelta: formatMoney(subtotal, cur),
    taxDelta: formatMoney(tax, cur),
    totalDelta: formatMoney(total, cur),
    quality: recomputed.quality,
    ...(invoice.parties ? { parties: invoice.parties } : {}),
  };
}
