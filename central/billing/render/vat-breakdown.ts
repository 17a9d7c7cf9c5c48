// The VAT breakdown an invoice or note prints (VAT Directive art. 226 (8)–(11), EN 16931 BG-23): per
// category and rate the taxable base, the rate and the tax, and the legal mentions its categories need.
// billing/vat.ts decides each line's VAT; this only prints it. The draft's tax lines ARE the breakdown
// (quantity = base, unit price = rate fraction, amount = tax, `vat` = category and rate); a zero-rated
// category without a tax line gets a row summing its lines, at no tax. Pure.
import { dec, formatMoney, sumDec } from '../money.js';
import type { InvoiceLine, LineVat, NoteLine, VatCategory } from '../types.js';

export interface VatRow {
  /** The tax's own name and rate as the price list calls it ("BTW 21%"), or the category's for derived rows. */
  label: string;
  category?: VatCategory;
  /** Percent, as written ("21", "0"). */
  ratePct: string;
  base: string;
  tax: string;
  exemptionReason?: string;
}

export interface NoteVatRow extends Omit<VatRow, 'base' | 'tax'> {
  baseWas: string;
  baseNow: string;
  baseDelta: string;
  taxDelta: string;
}

export const CATEGORY_NAMES: Readonly<Record<VatCategory, string>> = {
  S: 'Standard rate',
  Z: 'Zero rated',
  AE: 'Reverse charge',
  G: 'Export outside the EU',
  E: 'Exempt from VAT',
};

/** Trailing zeros make no other rate (21 = 21.00, as EN 16931 compares them). */
const rateKey = (v: Pick<LineVat, 'category' | 'ratePct'>): string => `${v.category}:${dec(v.ratePct).toString()}`;

/** A tax line's rate in percent: its VAT's, else its unit price (the rate as a fraction) × 100. */
const ratePctOf = (l: Pick<InvoiceLine, 'vat' | 'unitPrice'>): string => l.vat?.ratePct ?? dec(l.unitPrice).times(100).toString();

/** The invoice's VAT breakdown: one row per tax line, then a row per category of lines that no tax line covers. */
export function vatBreakdown(lines: readonly InvoiceLine[], currency: string): VatRow[] {
  const taxes = lines.filter((l) => l.kind === 'tax');
  const rows: VatRow[] = taxes.map((l) => ({
    label: l.description,
    ...(l.vat ? { category: l.vat.category } : {}),
    ratePct: ratePctOf(l),
    base: formatMoney(l.quantity, currency),
    tax: l.amount,
    ...(l.vat?.exemptionReason !== undefined ? { exemptionReason: l.vat.exemptionReason } : {}),
  }));
  const covered = new Set(taxes.flatMap((l) => (l.vat ? [rateKey(l.vat)] : [])));
  const uncovered = new Map<string, { vat: LineVat; amounts: string[] }>();
  for (const l of lines) {
    if (l.kind === 'tax' || !l.vat || covered.has(rateKey(l.vat))) continue;
    // Only a rate of 0 can go without its tax line; a standard rate without one is the tax line's absence
    // in an old draft, and printing a tax of 0 for it would be wrong.
    if (!dec(l.vat.ratePct).isZero()) continue;
    const k = rateKey(l.vat);
    const u = uncovered.get(k) ?? { vat: l.vat, amounts: [] };
    u.amounts.push(l.amount);
    uncovered.set(k, u);
  }
  for (const { vat, amounts } of uncovered.values())
    rows.push({
      label: CATEGORY_NAMES[vat.category],
      category: vat.category,
      ratePct: vat.ratePct,
      base: formatMoney(sumDec(amounts), currency),
      tax: formatMoney(0, currency),
      ...(vat.exemptionReason !== undefined ? { exemptionReason: vat.exemptionReason } : {}),
    });
  return rows;
}

/** A note's VAT breakdown difference: its tax lines' bases as invoiced and as recomputed, and the tax's difference. */
export function noteVatBreakdown(lines: readonly NoteLine[], currency: string): NoteVatRow[] {
  return lines
    .filter((l) => l.kind === 'tax')
    .map((l) => ({
      label: l.description,
      ...(l.vat ? { category: l.vat.category } : {}),
      ratePct: ratePctOf(l),
      baseWas: formatMoney(l.was.quantity, currency),
      baseNow: formatMoney(l.now.quantity, currency),
      baseDelta: formatMoney(l.quantityDelta, currency),
      taxDelta: l.amountDelta,
      ...(l.vat?.exemptionReason !== undefined ? { exemptionReason: l.vat.exemptionReason } : {}),
    }));
}

export const REVERSE_CHARGE_MENTION = 'Reverse charge: VAT to be accounted for by the recipient, art. 196 Directive 2006/112/EC.';

/**
 * The legal mentions the lines' categories need, once each (art. 226 (11), (11a)): reverse charge for AE,
 * the export or exemption ground for G and E, with the reason the draft carries.
 */
export function vatMentions(vats: readonly (LineVat | undefined)[]): string[] {
  const out = new Set<string>();
  for (const v of vats) {
    if (!v) continue;
    const reason = v.exemptionReason?.replace(/\.$/, '');
    if (v.category === 'AE') {
      out.add(REVERSE_CHARGE_MENTION);
      // A ground of the account's own besides the plain "Reverse charge" (billing/vat.ts's default) is printed too.
      if (reason !== undefined && !/^reverse charge$/i.test(reason)) out.add(`${reason}.`);
    } else if (v.category === 'G') out.add(`VAT not charged: ${reason ?? 'export outside the EU'}.`);
    else if (v.category === 'E')
      out.add(reason === undefined ? 'Exempt from VAT.' : /^exempt/i.test(reason) ? `${reason}.` : `Exempt from VAT: ${reason}.`);
  }
  return [...out];
}
