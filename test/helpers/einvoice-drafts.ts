// Builders of invoice drafts and documents as billing makes them once parties and VAT are on the drafts:
// lines priced by money.ts's rules (each line rounded once, taxes on the rounded sums of the lines under
// their category and rate, one tax line per name), final documents, and notes made by billing's own
// noteFor from a recomputation. For the e-invoice tests (einvoice-documents.ts has the documents).
import { monthPeriod } from '../../common/local-time.js';
import { dec, formatMoney, roundMoney, sumDec } from '../../central/billing/money.js';
import { noteFor } from '../../central/billing/notes.js';
import { addDays, type InvoiceDocument, type NoteDocument } from '../../central/billing/render/document.js';
import type { DataQuality, DraftParties, InvoiceDraft, InvoiceLine, LineKind, LineUnit, LineVat } from '../../central/billing/types.js';

export const VAT = {
  nl21: { category: 'S', ratePct: '21' },
  sg9: { category: 'S', ratePct: '9' },
  reverseCharge: { category: 'AE', ratePct: '0', exemptionReason: 'Reverse charge', exemptionCode: 'VATEX-EU-AE' },
} satisfies Record<string, LineVat>;

export interface LineSpec {
  kind: Exclude<LineKind, 'tax'>;
  description: string;
  site: string;
  version: string;
  quantity: string;
  unit: LineUnit;
  unitPrice: string;
  prorate?: InvoiceLine['prorate'];
  vat: LineVat;
}

/** money.ts rule 3: quantity × price (× days / days in the period), rounded once. */
export function pricedLine(s: LineSpec, currency: string): InvoiceLine {
  const factor = s.prorate ? dec(s.prorate.days).div(s.prorate.daysInPeriod) : dec(1);
  const amount = roundMoney(dec(s.quantity).times(s.unitPrice).times(factor), currency);
  return { key: `${s.kind}:${s.version}:${s.description}`, ...s, amount: formatMoney(amount, currency) };
}

/** The minimum's top-up of a site: one 'amount' line at the shortfall (none when there is none). */
export function topUp(
  specs: readonly LineSpec[],
  site: string,
  version: string,
  minimum: string,
  vat: LineVat,
  currency: string,
): LineSpec[] {
  const sum = sumDec(specs.filter((s) => s.site === site).map((s) => pricedLine(s, currency).amount));
  const shortfall = dec(minimum).minus(sum);
  if (!shortfall.gt(0)) return [];
  const description = `Minimum charge ${formatMoney(minimum, currency)} ${currency}`;
  return [{ kind: 'minimum_topup', description, site, version, quantity: '1', unit: 'amount', unitPrice: shortfall.toFixed(), vat }];
}

export interface DraftSpec {
  customer: string;
  entity: string;
  currency: string;
  month: string;
  timeZone: string;
  sites: string[];
  lines: LineSpec[];
  /** One tax line per name: its base is the lines under its category and rate (rule 5). */
  taxes: { name: string; vat: LineVat }[];
  parties?: DraftParties;
  estimatedKwh?: number;
}

function quality(kWh: number, estimatedKwh: number): DataQuality {
  const measuredKwh = kWh - estimatedKwh;
  return {
    kWh,
    measuredKwh,
    estimatedKwh,
    interpolatedKwh: 0,
    measuredShare: kWh > 0 ? measuredKwh / kWh : 1,
    estimatedBoundaries: estimatedKwh > 0 ? 1 : 0,
    anomalies: 0,
  };
}

const sameVat = (a: LineVat, b: LineVat): boolean => a.category === b.category && dec(a.ratePct).eq(b.ratePct);

export function invoiceDraft(d: DraftSpec): InvoiceDraft {
  const cur = d.currency;
  const period = monthPeriod(d.month, d.timeZone);
  const lines = d.lines.map((s) => pricedLine(s, cur));
  const taxes: InvoiceLine[] = d.taxes.map((t) => {
    const base = sumDec(lines.filter((l) => sameVat(l.vat!, t.vat)).map((l) => l.amount));
    const rate = dec(t.vat.ratePct).div(100);
    return {
      key: `tax:${t.name}:${t.vat.ratePct}`,
      kind: 'tax',
      description: `${t.name} ${t.vat.ratePct}%`,
      quantity: base.toFixed(),
      unit: 'amount',
      unitPrice: rate.toFixed(),
      amount: formatMoney(roundMoney(base.times(rate), cur), cur),
      vat: t.vat,
    };
  });
  const subtotal = sumDec(lines.map((l) => l.amount));
  const taxTotal = sumDec(taxes.map((l) => l.amount));
  const kWhOf = (ls: readonly InvoiceLine[]) => ls.filter((l) => l.kind === 'energy').reduce((s, l) => s + Number(l.quantity), 0);
  const estimated = d.estimatedKwh ?? 0;
  const sections = d.sites.map((site) => {
    const own = lines.filter((l) => l.site === site);
    const share = kWhOf(lines) > 0 ? kWhOf(own) / kWhOf(lines) : 0;
    return {
      site,
      period,
      versions: [...new Set(own.map((l) => l.version!))],
      subtotal: formatMoney(sumDec(own.map((l) => l.amount)), cur),
      quality: quality(kWhOf(own), estimated * share),
    };
  });
  return {
    customer: d.customer,
    account: d.parties?.buyer.id ?? d.customer,
    entity: d.entity,
    currency: cur,
    period,
    sections,
    versions: sections.flatMap((s) => s.versions),
    lines: [...lines, ...taxes],
    subtotal: formatMoney(subtotal, cur),
    taxTotal: formatMoney(taxTotal, cur),
    total: formatMoney(subtotal.plus(taxTotal), cur),
    quality: quality(kWhOf(lines), estimated),
    trace: [],
    ...(d.parties ? { parties: d.parties } : {}),
  };
}

/** A final invoice: numbered, issued on the 1st after its month, due after the parties' terms. */
export function finalDocument(draft: InvoiceDraft, number: string, issuedOn: string, siteNames?: Record<string, string>): InvoiceDocument {
  const dueOn = draft.parties ? addDays(issuedOn, draft.parties.paymentTermsDays) : undefined;
  return { draft, final: { number, issuedOn, ...(dueOn ? { dueOn } : {}) }, ...(siteNames ? { siteNames } : {}) };
}

/** The note billing makes when `recomputed` differs from the final invoice `doc`. */
export function noteDocument(doc: InvoiceDocument, recomputed: InvoiceDraft, number: string, issuedOn: string): NoteDocument {
  const note = noteFor({ ...doc.draft, number: doc.final!.number }, recomputed);
  if (!note) throw new Error(`the recomputation of ${doc.final!.number} changes nothing`);
  const dueOn = note.kind === 'debit' && note.parties ? addDays(issuedOn, note.parties.paymentTermsDays) : undefined;
  return {
    note,
    number,
    issuedOn,
    ...(dueOn ? { dueOn } : {}),
    invoice: { number: doc.final!.number, issuedOn: doc.final!.issuedOn },
    ...(doc.siteNames ? { siteNames: doc.siteNames } : {}),
  };
}
