// What keeps a draft from being a lawful invoice once its issuing entity has legal details: a treatment
// that needs a VAT id the parties lack (reverse charge needs both, art. 226(3)–(4); BR-AE-02), a buyer
// without an address (art. 226(5)), a line that bears no single VAT rate (EN 16931 BR-CO-04). Such a
// draft is held for review with these reasons instead of becoming an invoice a receiver rejects.
import type { InvoiceDraft } from './types.js';

export function legalReasons(draft: InvoiceDraft): string[] {
  const p = draft.parties;
  if (!p) return [];
  const reasons: string[] = [];
  const lines = draft.lines.filter((l) => l.kind !== 'tax');
  const categories = new Set(lines.flatMap((l) => (l.vat ? [l.vat.category] : [])));
  if (p.seller.vatId === undefined && categories.size > 0)
    reasons.push(`the issuing entity "${p.seller.id}" has no VAT id in its legal details: an invoice under VAT needs it`);
  if (categories.has('AE') && p.buyer.vatId === undefined)
    reasons.push(`reverse charge needs the buyer's VAT id: account "${p.buyer.id}" has none in its legal details`);
  if (!p.buyer.address) reasons.push(`account "${p.buyer.id}" has no address in its legal details: an invoice must print the buyer's`);
  const versions = [...new Set(lines.filter((l) => !l.vat).map((l) => l.version ?? '?'))];
  if (versions.length > 0)
    reasons.push(
      `no single VAT rate on the lines of ${versions.map((v) => `"${v}"`).join(', ')}: a standard treatment needs exactly one tax per line`,
    );
  return reasons;
}
