// The parts of an invoice or note PDF about who and how to pay: the seller's logo, the seller and buyer
// blocks (VAT Directive art. 226 (3)–(5): full names and addresses, VAT ids, registration), the payment
// block (where to pay, how much, by when, with which reference) and the VAT mentions. Shared by the
// invoice (pdf.ts) and the note (note-pdf.ts).
import type { PostalAddress } from '../../model/contracts/legal.js';
import type { BuyerParty, DraftParties, SellerParty } from '../types.js';
import type { DocumentNames } from './document.js';
import { logoImage } from './logo.js';
import { printable } from './pdf-text.js';
import { FULL, MARGIN, WIDTH, type Writer } from './pdf-writer.js';

const LOGO_BOX: [number, number] = [170, 60];
const HALF = (WIDTH - 15) / 2;

/** The seller's logo at the top left, when the caller passed one pdfkit can embed; nothing otherwise. */
export function drawLogo(w: Writer, bytes: Uint8Array | undefined): void {
  const image = logoImage(bytes);
  if (image === undefined) return;
  try {
    // openImage parses (and throws on) the image before anything is drawn; its size gives the box's height.
    const img = (w.doc as unknown as { openImage(src: Buffer): { width: number; height: number } }).openImage(image);
    const [bw, bh] = LOGO_BOX;
    const h = img.width / img.height > bw / bh ? (bw * img.height) / img.width : bh;
    w.doc.image(img as unknown as Buffer, MARGIN, w.y, { fit: LOGO_BOX });
    w.y += h + 10;
  } catch {
    // Not an image pdfkit reads after all: the invoice goes out without the decoration.
  }
}

let regionNames: Intl.DisplayNames | undefined;
/** "Netherlands" for NL; the code itself where the runtime has no names. */
export function countryName(code: string): string {
  try {
    regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

export function addressLines(a: PostalAddress | undefined): string[] {
  if (!a) return [];
  const city = [a.postalCode, a.city].filter((x) => x !== undefined).join(' ');
  return [a.street, a.additionalStreet, city || undefined, a.region, countryName(a.country)].filter((x): x is string => x !== undefined);
}

/** The registers known by their ISO 6523 ICD code (BT-30 scheme). */
const REGISTERS: Readonly<Record<string, string>> = {
  '0106': 'KvK',
  '0208': 'Enterprise number',
  '0002': 'SIREN',
  '0009': 'SIRET',
  '0007': 'Organisationsnummer',
  '0192': 'Organisasjonsnummer',
  '0195': 'UEN',
  '0196': 'Kennitala',
  '0183': 'UID',
};

function registrationLine(r: SellerParty['registration']): string[] {
  if (!r) return [];
  return [`${(r.scheme !== undefined ? REGISTERS[r.scheme] : undefined) ?? 'Registration no.'} ${r.id}`];
}

function contactLine(c: SellerParty['contact'], prefix: string): string[] {
  const parts = [c?.name, c?.email, c?.phone].filter((x): x is string => x !== undefined);
  return parts.length === 0 ? [] : [`${prefix}${parts.join(', ')}`];
}

export function sellerLines(s: SellerParty): string[] {
  return [
    s.legalName,
    ...(s.tradingName !== undefined ? [`Trading as ${s.tradingName}`] : []),
    ...addressLines(s.address),
    ...(s.vatId !== undefined ? [`VAT id ${s.vatId}`] : []),
    ...registrationLine(s.registration),
    ...contactLine(s.contact, 'Contact: '),
  ];
}

export function buyerLines(b: BuyerParty): string[] {
  return [
    b.legalName,
    ...addressLines(b.address),
    ...(b.vatId !== undefined ? [`VAT id ${b.vatId}`] : []),
    ...registrationLine(b.registration),
    ...(b.purchaseOrder !== undefined ? [`Purchase order ${b.purchaseOrder}`] : []),
    ...(b.buyerReference !== undefined ? [`Buyer reference ${b.buyerReference}`] : []),
    ...contactLine(b.contact, 'Attn. '),
  ];
}

/** Seller at the left, buyer at the right: a heading, the legal name in bold, then the details. */
export function partiesBlock(w: Writer, p: DraftParties): void {
  const blocks: [string, string[], number][] = [
    ['Seller', sellerLines(p.seller), MARGIN],
    ['Buyer', buyerLines(p.buyer), MARGIN + HALF + 15],
  ];
  const height = (lines: string[]) =>
    lines.reduce(
      (h, s, i) =>
        h +
        w.doc
          .font(i === 0 ? 'Helvetica-Bold' : 'Helvetica')
          .fontSize(9)
          .heightOfString(printable(s), { width: HALF }) +
        1,
      14,
    );
  w.room(Math.max(...blocks.map(([, lines]) => height(lines))));
  const top = w.y;
  let end = top;
  for (const [title, lines, x] of blocks) {
    w.y = top;
    w.y += w.text(title.toUpperCase(), x, HALF, { bold: true, size: 8 }) + 4;
    lines.forEach((s, i) => {
      w.y += w.text(s, x, HALF, { bold: i === 0 }) + 1;
    });
    end = Math.max(end, w.y);
  }
  w.y = end + 10;
}

/** Who issues and receives a document without legal details: the names, as such documents always printed them. */
export function namesFacts(names: DocumentNames, ids: { customer: string; account: string }): [string, string][] {
  return [
    ...(names.entityName !== undefined ? [['Issued by', names.entityName] as [string, string]] : []),
    ['Customer', `${names.customerName ?? ids.customer}${names.customerRef ? ` (${names.customerRef})` : ''}`],
    ...(names.accountName !== undefined ? [['Billed to', `${names.accountName} (account ${ids.account})`] as [string, string]] : []),
  ];
}

/** "NL91 ABNA 0417 1643 00": an IBAN as printed for people, in groups of four. */
export const printedIban = (iban: string): string => iban.replace(/(.{4})(?=.)/g, '$1 ');

export function paymentTermsText(days: number): string {
  return days === 0 ? 'Due on receipt' : `${days} days net`;
}

export interface PaymentFacts {
  heading: string;
  /** "1234.56 EUR". */
  amount: [label: string, value: string];
  /** The due date, or what sets it on a draft ("30 days after the issue date"). */
  dueOn: string;
  /** The document's number; undefined on a draft (then the reference is given once it is final). */
  reference: string | undefined;
}

/** Where and by when to pay: amount, due date, the seller's bank account and the reference to quote. */
export function paymentBlock(w: Writer, seller: SellerParty, f: PaymentFacts): void {
  const bank = seller.bank;
  const rows: [string, string][] = [
    f.amount,
    ['Due date', f.dueOn],
    ...(bank
      ? ([
          ['Pay to', bank.accountName ?? seller.legalName],
          ['IBAN', printedIban(bank.iban)],
          ...(bank.bic !== undefined ? [['BIC', bank.bic] as [string, string]] : []),
        ] as [string, string][])
      : []),
    ['Payment reference', f.reference ?? 'the invoice number, once the invoice is final'],
  ];
  w.heading(f.heading, { keep: rows.length * 13 });
  w.facts(rows, 95);
  if (bank && f.reference !== undefined) w.paragraphs([`Please quote ${f.reference} with your payment.`]);
  w.gap(6);
}

/** The VAT mentions (reverse charge, export, exemption), each once, in bold: the buyer must act on them. */
export function mentionsBlock(w: Writer, mentions: readonly string[]): void {
  if (mentions.length === 0) return;
  for (const m of mentions) w.line([[m, FULL, 'left']], true);
  w.gap(6);
}
