// The VAT of the lines terms price, in EN 16931's categories (types.ts VatCategory): a standard treatment
// charges the listed tax (S at its rate, Z at 0 %); reverse charge, export and exemption charge 0 % with the
// legal mention the invoice must print (VAT Directive art. 226(11), (11a)) and its VATEX code. A standard
// treatment that lists no tax or several cannot say which one VAT rate a line bears (EN 16931 allows one per
// line): its lines carry no category, and a draft with legal parties is held for review (legal-checks.ts).
// Facts: ../shared/reference/invoicing.md C6.
import type { Terms } from '../model/contracts/terms.js';
import { dec } from './money.js';
import type { LineVat } from './types.js';

/** The legal mention (BT-120) and VATEX code (BT-121) of each 0 % category, where the law gives one. */
export const VAT_MENTIONS = {
  AE: { exemptionReason: 'Reverse charge', exemptionCode: 'VATEX-EU-AE' },
  G: { exemptionReason: 'Export outside the EU', exemptionCode: 'VATEX-EU-G' },
  E: { exemptionReason: 'Exempt from VAT' },
} as const satisfies Partial<Record<LineVat['category'], Pick<LineVat, 'exemptionReason' | 'exemptionCode'>>>;

const ZERO_RATED: Record<Exclude<Terms['tax']['treatment'], 'standard'>, Omit<LineVat, 'ratePct'>> = {
  'reverse-charge': { category: 'AE', ...VAT_MENTIONS.AE },
  export: { category: 'G', ...VAT_MENTIONS.G },
  exempt: { category: 'E', ...VAT_MENTIONS.E },
};

/** What the tax line of a 0 % treatment is called when the terms list no tax to take the name from. */
const DEFAULT_TAX_NAME = 'VAT';

export interface TermsTaxRate {
  name: string;
  /** Normalised decimal string ("21", "0"). */
  ratePct: string;
  vat?: LineVat;
}

/** The taxes the terms charge, each with the VAT breakdown it is (undefined: not one VAT rate per line). */
export function termsTaxes(terms: Pick<Terms, 'taxes' | 'tax'>): TermsTaxRate[] {
  const { treatment, exemptionReason } = terms.tax;
  if (treatment !== 'standard') {
    const zero = ZERO_RATED[treatment];
    const reason = exemptionReason ?? zero.exemptionReason;
    return [
      {
        name: terms.taxes[0]?.name ?? DEFAULT_TAX_NAME,
        ratePct: '0',
        vat: { ...zero, ratePct: '0', ...(reason !== undefined ? { exemptionReason: reason } : {}) },
      },
    ];
  }
  const single = terms.taxes.length === 1;
  return terms.taxes.map((t) => {
    const ratePct = dec(t.ratePct).toString();
    return { name: t.name, ratePct, ...(single ? { vat: { category: dec(ratePct).isZero() ? 'Z' : 'S', ratePct } } : {}) };
  });
}

/** The VAT every line the terms price falls under, when there is exactly one. */
export function lineVatOf(terms: Pick<Terms, 'taxes' | 'tax'>): LineVat | undefined {
  const taxes = termsTaxes(terms);
  return taxes.length === 1 ? taxes[0]!.vat : undefined;
}

/** How a tax line reads: "BTW 21%", "BTW 0% (reverse charge)". */
export function taxDescription(name: string, ratePct: string, vat: LineVat | undefined): string {
  const base = `${name} ${ratePct}%`;
  if (!vat || vat.category === 'S' || vat.category === 'Z') return base;
  return `${base} (${vat.exemptionReason ?? vat.category})`;
}

/** A tax line's key: as it always was for a standard rate, with the category for a 0 % treatment. */
export function taxKey(name: string, ratePct: string, vat: LineVat | undefined): string {
  return !vat || vat.category === 'S' || vat.category === 'Z' ? `tax:${name}:${ratePct}` : `tax:${name}:${vat.category}`;
}
