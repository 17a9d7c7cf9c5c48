// The VAT breakdown (BG-23) and the document totals (BG-22) of an e-invoice. The draft's tax lines are
// its breakdown (one per tax name, category and rate, money.ts rule 5); EN 16931 wants one per category
// and rate, whose taxable amount is the sum of the lines under it (BR-S-08, BR-AE-08, …). The totals are
// the draft's own, to the cent: a breakdown or total that disagrees with the lines is refused here rather
// than sent for a receiver to reject. Pure. Facts: ../shared/reference/invoicing.md C6, C7.
import { dec, formatMoney, sumDec, type Dec } from '../money.js';
import type { LineVat } from '../types.js';
import { VAT_MENTIONS } from '../vat.js';
import { plain } from './ubl-lines.js';
import { UblDataError, type MonetaryTotals, type UblLine, type VatSubtotal } from './ubl-model.js';

/** A tax line of the draft or note, signed as sent: its base (the taxable amount) and its tax. */
export interface TaxLineInput {
  description: string;
  vat?: LineVat;
  base: Dec;
  tax: Dec;
}

/** What a category needs besides its rate: the mention BT-120 and code BT-121 (BR-AE-10, BR-G-10, BR-E-10). */
const EXEMPTION_DEFAULTS: Partial<Record<LineVat['category'], { reason: string; code: string }>> = {
  AE: { reason: VAT_MENTIONS.AE.exemptionReason, code: VAT_MENTIONS.AE.exemptionCode },
  G: { reason: VAT_MENTIONS.G.exemptionReason, code: VAT_MENTIONS.G.exemptionCode },
};

interface Group {
  category: LineVat['category'];
  ratePct: string;
  taxable: Dec;
  vat: LineVat;
  taxBase?: Dec;
  tax: Dec;
}

const keyOf = (v: LineVat): string => `${v.category}:${plain(dec(v.ratePct))}`;

function exemption(g: Group): Pick<VatSubtotal, 'exemptionReason' | 'exemptionCode'> {
  // S and Z must not carry one (BR-S-10, BR-Z-10).
  if (g.category === 'S' || g.category === 'Z') return {};
  const fallback = EXEMPTION_DEFAULTS[g.category];
  const reason = g.vat.exemptionReason ?? fallback?.reason;
  const code = g.vat.exemptionCode ?? fallback?.code;
  if (reason === undefined && code === undefined)
    throw new UblDataError(`the ${g.category} lines have no exemption reason (BT-120) to state the legal ground`);
  return { ...(reason !== undefined ? { exemptionReason: reason } : {}), ...(code !== undefined ? { exemptionCode: code } : {}) };
}

/** One breakdown per category and rate the lines fall under, in the order they first appear. */
export function vatBreakdown(lines: readonly UblLine[], taxes: readonly TaxLineInput[], currency: string): VatSubtotal[] {
  const groups = new Map<string, Group>();
  for (const l of lines) {
    const key = keyOf(l.vat);
    const g = groups.get(key) ?? { category: l.vat.category, ratePct: plain(dec(l.vat.ratePct)), taxable: dec(0), vat: l.vat, tax: dec(0) };
    groups.set(key, { ...g, taxable: g.taxable.plus(l.amount) });
  }
  for (const t of taxes) {
    if (!t.vat) throw new UblDataError(`tax line "${t.description}" has no VAT category (made before lines carried one)`);
    const g = groups.get(keyOf(t.vat));
    if (!g) {
      if (t.base.isZero() && t.tax.isZero()) continue;
      throw new UblDataError(`tax line "${t.description}" has a base of ${plain(t.base)} but no line falls under ${keyOf(t.vat)}`);
    }
    // The tax line's mention wins: it is the breakdown the customer's copy prints.
    g.vat = { ...g.vat, ...t.vat };
    g.taxBase = (g.taxBase ?? dec(0)).plus(t.base);
    g.tax = g.tax.plus(t.tax);
  }
  return [...groups.values()].map((g) => {
    if (g.category !== 'S' && !dec(g.ratePct).isZero())
      throw new UblDataError(`category ${g.category} is at ${g.ratePct} %; only S has a rate above zero (BR-${g.category}-05)`);
    if (g.taxBase === undefined ? g.category === 'S' && !g.taxable.isZero() : !g.taxBase.eq(g.taxable))
      throw new UblDataError(
        `the VAT breakdown ${keyOf(g.vat)} is on ${g.taxBase === undefined ? 'no tax line' : plain(g.taxBase)} but its lines sum to ${plain(g.taxable)}`,
      );
    return {
      category: g.category,
      ratePct: g.ratePct,
      taxable: formatMoney(g.taxable, currency),
      tax: formatMoney(g.tax, currency),
      ...exemption(g),
    };
  });
}

/** The draft's (or note's) own figures, signed as sent. */
export interface ExpectedTotals {
  subtotal: Dec;
  taxTotal: Dec;
  total: Dec;
}

/** BG-22 from the lines and breakdowns, refused unless it is the draft's subtotal, tax and total to the cent (BR-CO-10…16). */
export function monetaryTotals(
  lines: readonly UblLine[],
  vat: readonly VatSubtotal[],
  expected: ExpectedTotals,
  currency: string,
): MonetaryTotals {
  const lineSum = sumDec(lines.map((l) => l.amount));
  const taxSum = sumDec(vat.map((v) => v.tax));
  const m = (d: Dec): string => formatMoney(d, currency);
  if (!lineSum.eq(expected.subtotal)) throw new UblDataError(`its lines sum to ${m(lineSum)}, its subtotal is ${m(expected.subtotal)}`);
  if (!taxSum.eq(expected.taxTotal)) throw new UblDataError(`its VAT breakdown sums to ${m(taxSum)}, its tax is ${m(expected.taxTotal)}`);
  if (!lineSum.plus(taxSum).eq(expected.total))
    throw new UblDataError(`its total ${m(expected.total)} is not the subtotal ${m(lineSum)} plus the tax ${m(taxSum)}`);
  return {
    lineExtension: m(lineSum),
    taxExclusive: m(lineSum),
    taxInclusive: m(expected.total),
    payable: m(expected.total),
    tax: m(taxSum),
  };
}
