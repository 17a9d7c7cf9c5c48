// One invoice from a customer's sections: every site an issuing entity invoices to one billing account in
// one currency for the month, lines and trace kept per site, the taxes computed once over all of them
// (rule 5 of money.ts: one tax line per name and rate, on the rounded amounts of the lines it applies to).
import type { Period } from '../../common/local-time.js';
import { sumEnergy } from '../energy/group.js';
import { dec, formatMoney, roundMoney, sumDec, type Dec } from './money.js';
import { qualityOf } from './invoice.js';
import type { PricedSection } from './price.js';
import type { DraftParties, InvoiceDraft, InvoiceLine, LineVat } from './types.js';
import { taxDescription, taxKey } from './vat.js';

export interface InvoiceHeader {
  customer: string;
  account: string;
  entity: string;
  currency: string;
  /** The month in the entity's zone. */
  period: Period;
  /** The legal details printed (parties.ts), when the entity has them. */
  parties?: DraftParties;
}

function taxLines(sections: readonly PricedSection[], currency: string): InvoiceLine[] {
  const bases = new Map<string, { name: string; ratePct: string; base: Dec; vat?: LineVat }>();
  for (const b of sections.flatMap((s) => s.taxBases)) {
    const key = taxKey(b.name, b.ratePct, b.vat);
    const prev = bases.get(key) ?? { name: b.name, ratePct: b.ratePct, base: dec(0), ...(b.vat ? { vat: b.vat } : {}) };
    bases.set(key, { ...prev, base: prev.base.plus(b.base) });
  }
  return [...bases].map(([key, b]) => {
    const unitPrice = dec(b.ratePct).div(100);
    return {
      key,
      kind: 'tax' as const,
      description: taxDescription(b.name, b.ratePct, b.vat),
      quantity: b.base.toString(),
      unit: 'amount' as const,
      unitPrice: unitPrice.toString(),
      amount: formatMoney(roundMoney(b.base.times(unitPrice), currency), currency),
      ...(b.vat ? { vat: b.vat } : {}),
    };
  });
}

/** The invoice of `sections`, in the order given (the caller orders sites as the entity lists them). */
export function consolidate(header: InvoiceHeader, sections: readonly PricedSection[]): InvoiceDraft {
  const { currency } = header;
  const lines = sections.flatMap((s) => s.lines);
  const taxes = taxLines(sections, currency);
  const subtotal = sumDec(lines.map((l) => l.amount));
  const taxTotal = sumDec(taxes.map((l) => l.amount));
  const trace = sections.flatMap((s) => s.trace);
  const { label, timeZone, fromMs, toMs, days } = header.period;
  return {
    customer: header.customer,
    account: header.account,
    entity: header.entity,
    currency,
    period: { label, timeZone, fromMs, toMs, days },
    sections: sections.map((s) => s.section),
    versions: sections.flatMap((s) => s.section.versions),
    lines: [...lines, ...taxes],
    subtotal: formatMoney(subtotal, currency),
    taxTotal: formatMoney(taxTotal, currency),
    total: formatMoney(subtotal.plus(taxTotal), currency),
    quality: qualityOf(sumEnergy(sections.map((s) => s.section.quality)), trace),
    trace,
    ...(header.parties ? { parties: header.parties } : {}),
  };
}
