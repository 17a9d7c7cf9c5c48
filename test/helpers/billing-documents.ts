// Invoices and notes made by hand, as the pricing fills them once parties have legal details: every
// non-tax line with its VAT, the tax lines as the VAT breakdown (quantity = base, unit price = rate, amount
// = tax). A Dutch seller (VAT id, KvK, IBAN, footer), a Dutch buyer at 21 % and a German buyer under
// reverse charge; a two-site invoice long enough for three pages. Amounts are worked out here with the
// money rules (money.ts), so the documents add up as real ones do.
import { monthPeriod } from '../../common/local-time.js';
import { dec, formatMoney, roundMoney, sumDec } from '../../central/billing/money.js';
import type {
  BuyerParty,
  DataQuality,
  DraftParties,
  InvoiceDraft,
  InvoiceLine,
  LineVat,
  NoteDraft,
  NoteLine,
  SellerParty,
  SiteSection,
  VersionTrace,
} from '../../central/billing/types.js';

export const SELLER: SellerParty = {
  id: 'jb-nl',
  legalName: 'Joulebook Colocation B.V.',
  address: { street: 'Science Park 120', postalCode: '1098 XG', city: 'Amsterdam', country: 'NL' },
  vatId: 'NL859123456B01',
  registration: { id: '81234567', scheme: '0106' },
  bank: { iban: 'NL91ABNA0417164300', bic: 'ABNANL2A', accountName: 'Joulebook Colocation B.V.' },
  paymentTermsDays: 30,
  contact: { name: 'Accounts receivable', email: 'billing@joulebook.example', phone: '+31 20 123 4567' },
  footer: 'Joulebook Colocation B.V. | Science Park 120, 1098 XG Amsterdam | KvK 81234567 | VAT NL859123456B01',
};

export const DUTCH_BUYER: BuyerParty = {
  id: 'acme',
  legalName: 'Acme Hosting B.V.',
  address: { street: 'Keizersgracht 1', postalCode: '1015 CC', city: 'Amsterdam', country: 'NL' },
  vatId: 'NL001234567B01',
  purchaseOrder: 'PO-4471',
  taxTreatment: 'standard',
};

export const GERMAN_BUYER: BuyerParty = {
  id: 'nordwind',
  legalName: 'Nordwind Rechenzentrum GmbH',
  address: { street: 'Hafenstrasse 12', postalCode: '20457', city: 'Hamburg', country: 'DE' },
  vatId: 'DE123456789',
  purchaseOrder: 'PO-2026-0815',
  buyerReference: 'NW-IT-OPS',
  taxTreatment: 'reverse-charge',
  contact: { name: 'Kreditorenbuchhaltung' },
};

export const STANDARD_21: LineVat = { category: 'S', ratePct: '21' };
export const REVERSE_CHARGE: LineVat = { category: 'AE', ratePct: '0', exemptionReason: 'Reverse charge', exemptionCode: 'VATEX-EU-AE' };

export const OCTOBER = monthPeriod('2026-10', 'Europe/Amsterdam');
const NO_ISSUES: DataQuality = {
  kWh: 0,
  measuredKwh: 0,
  estimatedKwh: 0,
  interpolatedKwh: 0,
  measuredShare: 1,
  estimatedBoundaries: 0,
  anomalies: 0,
};

/** A line as drafts made before VAT categories have it. */
export function withoutVat<T extends { vat?: LineVat }>(l: T): T {
  const copy = { ...l };
  delete copy.vat;
  return copy;
}

/** A priced non-tax line: amount = quantity × unit price, rounded to the cent. */
export function line(
  site: string,
  key: string,
  description: string,
  quantity: string,
  unit: InvoiceLine['unit'],
  unitPrice: string,
  vat?: LineVat,
): InvoiceLine {
  const [kind] = key.split(':') as [InvoiceLine['kind']];
  return {
    key,
    kind,
    description,
    site,
    version: 'v1',
    quantity,
    unit,
    unitPrice,
    amount: formatMoney(roundMoney(dec(quantity).times(unitPrice), 'EUR'), 'EUR'),
    ...(vat ? { vat } : {}),
  };
}

/** The tax line of all `lines` under one VAT: base, rate as a fraction, the tax on the base. */
export function taxLine(name: string, lines: readonly InvoiceLine[], vat: LineVat): InvoiceLine {
  const base = sumDec(lines.map((l) => l.amount));
  const rate = dec(vat.ratePct).div(100);
  return {
    key: `tax:${name}:${vat.category}:${vat.ratePct}`,
    kind: 'tax',
    description: `${name} ${vat.ratePct}%`,
    quantity: base.toString(),
    unit: 'amount',
    unitPrice: rate.toString(),
    amount: formatMoney(roundMoney(base.times(rate), 'EUR'), 'EUR'),
    vat,
  };
}

function traceOf(site: string, points: number): VersionTrace {
  return {
    site,
    version: 'v1',
    fromMs: OCTOBER.fromMs,
    toMs: OCTOBER.toMs,
    points: Array.from({ length: points }, (_, i) => ({
      pointId: `${site}-r${String(i + 1).padStart(2, '0')}-a`,
      seriesId: `${site}/gw1/pdu-r${i + 1}/total/energy_import_kwh`,
      pieces: [
        {
          fromMs: OCTOBER.fromMs,
          toMs: OCTOBER.toMs,
          start: { atMs: OCTOBER.fromMs, method: 'reading', estimated: false, valueKwh: 1000 * (i + 1) },
          end: { atMs: OCTOBER.toMs, method: 'reading', estimated: false, valueKwh: 1000 * (i + 1) + 1490 },
        },
      ],
      events: [],
      estimatedBoundaries: [],
      anomalies: [],
    })),
  };
}

/** A draft over the sites' lines (in site order) and its tax lines, between the parties (none: an old draft). */
export function invoiceDraft(o: {
  customer: string;
  sites: Record<string, InvoiceLine[]>;
  taxes: InvoiceLine[];
  parties?: DraftParties;
  tracePoints?: number;
}): InvoiceDraft {
  const sites = Object.keys(o.sites);
  const lines = sites.flatMap((s) => o.sites[s]!);
  const sections: SiteSection[] = sites.map((site) => ({
    site,
    period: { label: OCTOBER.label, timeZone: OCTOBER.timeZone, fromMs: OCTOBER.fromMs, toMs: OCTOBER.toMs, days: OCTOBER.days },
    versions: ['v1'],
    subtotal: formatMoney(sumDec(o.sites[site]!.map((l) => l.amount)), 'EUR'),
    quality: NO_ISSUES,
  }));
  const subtotal = sumDec(lines.map((l) => l.amount));
  const tax = sumDec(o.taxes.map((l) => l.amount));
  return {
    customer: o.customer,
    account: o.customer,
    entity: 'jb-nl',
    currency: 'EUR',
    period: { label: OCTOBER.label, timeZone: OCTOBER.timeZone, fromMs: OCTOBER.fromMs, toMs: OCTOBER.toMs, days: OCTOBER.days },
    sections,
    versions: sites.map((s) => `${s}:v1`),
    lines: [...lines, ...o.taxes],
    subtotal: formatMoney(subtotal, 'EUR'),
    taxTotal: formatMoney(tax, 'EUR'),
    total: formatMoney(subtotal.plus(tax), 'EUR'),
    quality: NO_ISSUES,
    trace: sites.map((s) => traceOf(s, o.tracePoints ?? 2)),
    ...(o.parties ? { parties: o.parties } : {}),
  };
}

/** Acme in Amsterdam at 21 %: energy, overhead, a fee, committed power; one tax line. */
export function dutchInvoice(parties = true): InvoiceDraft {
  const vat = parties ? STANDARD_21 : undefined;
  const lines = [
    line('ams1', 'energy:v1:standard', 'Energy, standard hours', '4088.5', 'kWh', '0.21', vat),
    line('ams1', 'overhead:v1:standard', 'Overhead (factor 1.3) on energy, standard hours', '1226.55', 'kWh', '0.21', vat),
    line('ams1', 'fixed_fee:v1:Monitoring', 'Monitoring', '1', 'month', '99.95', vat),
    line('ams1', 'commitment:v1:ams1-r12', 'Committed power, rack ams1-r12', '7', 'kW', '42.5', vat),
  ];
  const tax = taxLine('BTW', lines, STANDARD_21);
  return invoiceDraft({
    customer: 'acme',
    sites: { ams1: lines },
    taxes: parties ? [tax] : [{ ...withoutVat(tax), key: 'tax:BTW:21' }],
    ...(parties ? { parties: { seller: SELLER, buyer: DUTCH_BUYER, paymentTermsDays: 30 } } : {}),
  });
}

/** Nordwind in Amsterdam 1 and 2 under reverse charge: a committed-power line per rack, enough for three pages. */
export function reverseChargeInvoice(racksPerSite = 20): InvoiceDraft {
  const site = (s: string): InvoiceLine[] => [
    line(s, 'energy:v1:standard', 'Energy, standard hours', '12874.25', 'kWh', '0.19', REVERSE_CHARGE),
    line(s, 'fixed_fee:v1:Cross connect', 'Cross connect', '0.5', 'month', '150', REVERSE_CHARGE),
    ...Array.from({ length: racksPerSite }, (_, i) => {
      const rack = `${s}-k${String(i + 1).padStart(2, '0')}`;
      return line(s, `commitment:v1:${rack}`, `Committed power, rack ${rack}`, String(3 + (i % 3) * 4), 'kW', '38', REVERSE_CHARGE);
    }),
  ];
  const sites = { ams1: site('ams1'), ams2: site('ams2') };
  return invoiceDraft({
    customer: 'nordwind',
    sites,
    taxes: [taxLine('VAT', [...sites.ams1, ...sites.ams2], REVERSE_CHARGE)],
    parties: { seller: SELLER, buyer: GERMAN_BUYER, paymentTermsDays: 14 },
  });
}

/** The note that takes an invoice's lines to `now` (by key and site), as notes.ts would. */
export function noteOf(invoiceNumber: string, was: InvoiceDraft, now: InvoiceDraft): NoteDraft {
  const id = (l: InvoiceLine) => `${l.site ?? ''}/${l.key}`;
  const before = new Map(was.lines.map((l) => [id(l), l]));
  const lines: NoteLine[] = now.lines.flatMap((b) => {
    const a = before.get(id(b))!;
    const amountDelta = dec(b.amount).minus(a.amount);
    const quantityDelta = dec(b.quantity).minus(a.quantity);
    if (amountDelta.isZero() && quantityDelta.isZero()) return [];
    return [
      {
        key: b.key,
        ...(b.site !== undefined ? { site: b.site } : {}),
        kind: b.kind,
        description: b.description,
        ...(b.version !== undefined ? { version: b.version } : {}),
        unit: b.unit,
        unitPrice: b.unitPrice,
        ...(b.vat ? { vat: b.vat } : {}),
        was: { quantity: a.quantity, amount: a.amount },
        now: { quantity: b.quantity, amount: b.amount },
        quantityDelta: quantityDelta.toString(),
        amountDelta: formatMoney(amountDelta, 'EUR'),
      },
    ];
  });
  const sub = sumDec(lines.filter((l) => l.kind !== 'tax').map((l) => l.amountDelta));
  const tax = sumDec(lines.filter((l) => l.kind === 'tax').map((l) => l.amountDelta));
  const total = sub.plus(tax);
  return {
    kind: total.isNegative() ? 'credit' : total.isZero() ? 'adjustment' : 'debit',
    invoiceNumber,
    customer: was.customer,
    account: was.account,
    entity: was.entity,
    currency: 'EUR',
    period: was.period,
    lines,
    subtotalDelta: formatMoney(sub, 'EUR'),
    taxDelta: formatMoney(tax, 'EUR'),
    totalDelta: formatMoney(total, 'EUR'),
    quality: now.quality,
    ...(was.parties ? { parties: was.parties } : {}),
  };
}

/** The Dutch invoice recomputed with `energyKwh` on its energy line (overhead follows), its tax recomputed. */
export function dutchRecomputed(energyKwh: string): InvoiceDraft {
  const d = dutchInvoice();
  const lines = d.lines
    .filter((l) => l.kind !== 'tax')
    .map((l) =>
      l.kind === 'energy'
        ? line('ams1', l.key, l.description, energyKwh, 'kWh', '0.21', STANDARD_21)
        : l.kind === 'overhead'
          ? line('ams1', l.key, l.description, dec(energyKwh).times('0.3').toDecimalPlaces(3).toString(), 'kWh', '0.21', STANDARD_21)
          : l,
    );
  return invoiceDraft({
    customer: 'acme',
    sites: { ams1: lines },
    taxes: [taxLine('BTW', lines, STANDARD_21)],
    parties: d.parties!,
  });
}

/** A 1×1 PNG with an alpha channel (pdfkit inflates those in a callback). */
export const LOGO_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
