// The lines of an e-invoice (BG-25): one per non-tax line of the invoice or note, with figures a receiver
// can recompute. PEPPOL-EN16931-R120 wants quantity × price / base quantity = line amount within 0.02,
// and the price never negative (BR-27), so:
// - a whole-month line is sent as it is priced: quantity and unit price, base quantity 1;
// - a prorated monthly line (amount = quantity × price × days / daysInPeriod, money.ts rule 3) is sent
//   exactly as days (unit DAY) at the monthly price of the whole quantity per daysInPeriod days: "16 DAY
//   at 1500.00 per 31 DAY". The kW or months it is for and their unit price go in item properties;
// - a line whose own figures cannot satisfy R120 (a note's prorated fee, a price that changed) is sent as
//   one unit (C62) at the absolute amount, negative amounts as quantity −1.
// Pure. Facts: ../shared/reference/invoicing.md C8 and D3.
import { dec, formatMoney, type Dec } from '../money.js';
import type { InvoiceDraft, InvoiceLine, LineUnit, LineVat, NoteLine } from '../types.js';
import { localPeriod, prorateLabel, type InvoiceDocument, type NoteDocument } from './document.js';
import { UblDataError, type ItemProperty, type LocalRange, type UblLine } from './ubl-model.js';

/** UN/ECE Rec 20 (BR-CL-23). Not "KW" for kilowatt: that is kilogram per millimetre (invoicing.md C8). */
export const UNIT_CODES: Readonly<Record<LineUnit, string>> = { kWh: 'KWH', kW: 'KWT', month: 'MON', amount: 'C62' };

/** How a unit price reads in an item property: per kWh, per kW per month, per month. */
const PER: Readonly<Record<LineUnit, string>> = { kWh: 'per kWh', kW: 'per kW per month', month: 'per month', amount: '' };

/**
 * Our own bound on quantity × price / base − amount: the figures we send differ from the amount only by
 * the amount's rounding (half a cent; a note's difference of two rounded amounts: under a cent), well
 * inside R120's 0.02.
 */
const TOLERANCE = dec('0.01');

export interface LineFigures {
  quantity: Dec;
  unitCode: string;
  price: Dec;
  baseQuantity: Dec;
  /** The line's own figures could not satisfy R120: one unit at the amount. */
  lumpSum: boolean;
  /** Sent as days of a monthly amount. */
  days: boolean;
}

/** A decimal as UBL writes it: no exponent, no negative zero. */
export const plain = (d: Dec): string => (d.isZero() ? '0' : d.toFixed());

/** Whether figures satisfy PEPPOL-EN16931-R120 for an amount (within our tighter bound). */
export function r120Holds(f: Pick<LineFigures, 'quantity' | 'price' | 'baseQuantity'>, amount: Dec): boolean {
  return f.quantity.times(f.price.div(f.baseQuantity)).minus(amount).abs().lte(TOLERANCE);
}

export interface FigureInput {
  quantity: string;
  unit: LineUnit;
  unitPrice: string;
  prorate?: InvoiceLine['prorate'];
  /** Signed as sent. */
  amount: Dec;
}

function candidate(l: FigureInput): Omit<LineFigures, 'lumpSum'> {
  const p = l.prorate;
  if (p && p.days !== p.daysInPeriod)
    return {
      quantity: dec(p.days),
      unitCode: 'DAY',
      price: dec(l.quantity).times(l.unitPrice),
      baseQuantity: dec(p.daysInPeriod),
      days: true,
    };
  return { quantity: dec(l.quantity), unitCode: UNIT_CODES[l.unit], price: dec(l.unitPrice), baseQuantity: dec(1), days: false };
}

/** The quantity, unit, price and base quantity a line is sent with. */
export function lineFigures(l: FigureInput): LineFigures {
  let f: Omit<LineFigures, 'lumpSum'> | undefined;
  try {
    f = candidate(l);
  } catch {
    f = undefined; // not a decimal (a draft from before some change): the amount alone is sent
  }
  // BR-27: the price is never negative; the sign goes on the quantity.
  if (f && f.price.isNegative()) f = { ...f, price: f.price.neg(), quantity: f.quantity.neg() };
  if (f && f.baseQuantity.gt(0) && r120Holds(f, l.amount)) return { ...f, lumpSum: false };
  return {
    quantity: dec(l.amount.lt(0) ? -1 : 1),
    unitCode: UNIT_CODES.amount,
    price: l.amount.abs(),
    baseQuantity: dec(1),
    lumpSum: true,
    days: false,
  };
}

/** A quantity as the draft wrote it, with its unit (an 'amount' line has none). */
const quantityText = (quantity: string, unit: LineUnit): string => (unit === 'amount' ? '' : `${quantity} ${unit}`);

function siteProperties(doc: { siteNames?: Readonly<Record<string, string>> }, site?: string, version?: string): ItemProperty[] {
  const out: ItemProperty[] = [];
  if (site !== undefined) {
    const name = doc.siteNames?.[site];
    out.push({ name: 'Site', value: name && name !== site ? `${name} (${site})` : site });
  }
  if (version !== undefined) out.push({ name: 'Terms', value: version });
  return out;
}

/** A section's local period clipped inside the document's (R110/R111); undefined when they do not meet. */
function linePeriod(draft: InvoiceDraft, site: string | undefined, doc: LocalRange): LocalRange | undefined {
  const section = draft.sections.find((s) => s.site === site);
  if (!section) return doc;
  const own = localPeriod(section);
  const start = own.first > doc.start ? own.first : doc.start;
  const end = own.last < doc.end ? own.last : doc.end;
  return start <= end ? { start, end } : undefined;
}

/** The line's VAT, its rate as UBL writes it ('21', not '21.00'). */
function vatOf(l: InvoiceLine | NoteLine): LineVat {
  if (!l.vat)
    throw new UblDataError(
      `line "${l.description}" has no VAT category (made before lines carried one, or its terms have no single VAT rate)`,
    );
  return { ...l.vat, ratePct: plain(dec(l.vat.ratePct)) };
}

function ublLine(f: LineFigures, amount: Dec, currency: string, rest: Pick<UblLine, 'name' | 'vat' | 'period' | 'properties'>): UblLine {
  return {
    quantity: plain(f.quantity),
    unitCode: f.unitCode,
    amount: formatMoney(amount, currency),
    price: plain(f.price),
    baseQuantity: plain(f.baseQuantity),
    ...rest,
  };
}

/** The invoice's lines but its taxes, in its order. */
export function invoiceLines(doc: InvoiceDocument, period: LocalRange): UblLine[] {
  const { draft } = doc;
  const cur = draft.currency;
  return draft.lines
    .filter((l) => l.kind !== 'tax')
    .map((l) => {
      const amount = dec(l.amount);
      const f = lineFigures({ ...l, amount });
      const properties = siteProperties(doc, l.site, l.version);
      if (f.days || f.lumpSum) {
        if (l.prorate) properties.push({ name: 'Prorated', value: prorateLabel(l.prorate) });
        if (l.unit !== 'amount') properties.push({ name: 'Quantity', value: quantityText(l.quantity, l.unit) });
        properties.push({ name: 'Unit price', value: `${l.unitPrice} ${cur} ${PER[l.unit]}`.trim() });
      }
      const linePeriodOf = linePeriod(draft, l.site, period);
      return ublLine(f, amount, cur, {
        name: l.description,
        vat: vatOf(l),
        ...(linePeriodOf ? { period: linePeriodOf } : {}),
        properties,
      });
    });
}

/**
 * A note's lines but its taxes. `sign` is −1 on a CreditNote, whose amounts are the credited ones: a line
 * credited is positive there, a line that went the other way negative.
 */
export function noteLines(doc: NoteDocument, sign: 1 | -1): UblLine[] {
  const { note } = doc;
  const cur = note.currency;
  return note.lines
    .filter((l) => l.kind !== 'tax')
    .map((l) => {
      const amount = dec(l.amountDelta).times(sign);
      const f = lineFigures({ quantity: dec(l.quantityDelta).times(sign).toFixed(), unit: l.unit, unitPrice: l.unitPrice, amount });
      const state = (s: NoteLine['was']): string =>
        [quantityText(s.quantity, l.unit), `${formatMoney(s.amount, cur)} ${cur}`].filter(Boolean).join(', ');
      return ublLine(f, amount, cur, {
        name: l.description,
        vat: vatOf(l),
        properties: [
          ...siteProperties(doc, l.site, l.version),
          { name: 'Invoiced', value: state(l.was) },
          { name: 'Corrected', value: state(l.now) },
        ],
      });
    });
}
