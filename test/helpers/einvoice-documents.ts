// Invoices and notes for the e-invoice tests, built by hand (einvoice-drafts.ts prices them): an Amsterdam
// seller invoicing a Dutch customer at 21 % BTW, a German customer under reverse charge, a customer with
// racks in two sites (prorated fees, a minimum top-up), a Singapore entity at 9 % GST in SGD; a credit, a
// debit and an adjustment note against them.
import { dec } from '../../central/billing/money.js';
import { renderInvoiceUbl, renderNoteUbl } from '../../central/billing/render/ubl.js';
import type { BuyerParty, InvoiceDraft, LineVat, SellerParty } from '../../central/billing/types.js';
import { finalDocument, invoiceDraft, noteDocument, topUp, VAT, type DraftSpec, type LineSpec } from './einvoice-drafts.js';

export const AMSTERDAM: SellerParty = {
  id: 'jb-ams',
  legalName: 'Joulebook Colocation Amsterdam B.V.',
  address: { street: 'Science Park 610', city: 'Amsterdam', postalCode: '1098 XH', country: 'NL' },
  vatId: 'NL859876543B01',
  registration: { id: '76543210', scheme: '0106' },
  bank: { iban: 'NL91ABNA0417164300', bic: 'ABNANL2A', accountName: 'Joulebook Colocation Amsterdam B.V.' },
  paymentTermsDays: 30,
  endpoint: { scheme: '0106', id: '76543210' },
  contact: { name: 'Accounts receivable', email: 'billing@ams.joulebook.example', phone: '+31 20 555 0100' },
};

export const ACME: BuyerParty = {
  id: 'acme-nl',
  legalName: 'Acme Hosting B.V.',
  address: { street: 'Kabelweg 37', city: 'Amsterdam', postalCode: '1014 BA', country: 'NL' },
  vatId: 'NL812345678B01',
  registration: { id: '12345678', scheme: '0106' },
  endpoint: { scheme: '0106', id: '12345678' },
  purchaseOrder: 'PO-2026-0117',
  email: 'ap@acme-hosting.example',
  taxTreatment: 'standard',
};

export const RHEIN_MAIN: BuyerParty = {
  id: 'rrm-de',
  legalName: 'Rechenzentrum Rhein-Main GmbH',
  address: { street: 'Hanauer Landstraße 300', city: 'Frankfurt am Main', postalCode: '60314', country: 'DE' },
  vatId: 'DE811234567',
  endpoint: { scheme: '9930', id: 'DE811234567' },
  buyerReference: 'RRM-COLO-AMS',
  contact: { name: 'Kreditorenbuchhaltung', email: 'rechnungen@rrm.example' },
  taxTreatment: 'reverse-charge',
};

export const POLDER: BuyerParty = {
  id: 'polder',
  legalName: 'Polder Cloud B.V.',
  address: { street: 'Naritaweg 52', city: 'Amsterdam', postalCode: '1043 BZ', country: 'NL' },
  vatId: 'NL823456789B01',
  registration: { id: '23456789', scheme: '0106' },
  endpoint: { scheme: '9944', id: 'NL823456789B01' },
  taxTreatment: 'standard',
};

export const SINGAPORE: SellerParty = {
  id: 'jb-sin',
  legalName: 'Joulebook Colocation Singapore Pte. Ltd.',
  address: { street: '1 Changi Business Park Crescent', city: 'Singapore', postalCode: '486025', country: 'SG' },
  vatId: 'SG201912345K',
  registration: { id: '201912345K', scheme: '0195' },
  paymentTermsDays: 14,
  endpoint: { scheme: '0195', id: 'SGUEN201912345K' },
};

export const LION_CITY: BuyerParty = {
  id: 'lion-city',
  legalName: 'Lion City Hosting Pte. Ltd.',
  address: { street: '20 Ayer Rajah Crescent', city: 'Singapore', postalCode: '139964', country: 'SG' },
  vatId: 'SG199912345A',
  registration: { id: '199912345A', scheme: '0195' },
  endpoint: { scheme: '0195', id: 'SGUEN199912345A' },
  purchaseOrder: '4500012345',
  taxTreatment: 'standard',
};

const ams = (over: Partial<DraftSpec> & Pick<DraftSpec, 'lines'>): DraftSpec => ({
  customer: 'acme',
  entity: 'jb-ams',
  currency: 'EUR',
  month: '2026-10',
  timeZone: 'Europe/Amsterdam',
  sites: ['ams1'],
  taxes: [{ name: 'BTW', vat: VAT.nl21 }],
  parties: { seller: AMSTERDAM, buyer: ACME, paymentTermsDays: 30 },
  ...over,
});

const SITE_NAMES = { ams1: 'Amsterdam Science Park', ams2: 'Amsterdam Schiphol-Rijk', sin1: 'Singapore Changi' };

// 1. A Dutch customer, 21 % BTW, some energy estimated (a gateway was down over the month's end).
const acmeLines = (standardKwh: string, peakKwh: string): LineSpec[] => {
  const base = { site: 'ams1', version: 'ams1-2026', vat: VAT.nl21 } as const;
  return [
    { ...base, kind: 'energy', description: 'Energy', quantity: standardKwh, unit: 'kWh', unitPrice: '0.2100' },
    { ...base, kind: 'energy', description: 'Energy, peak', quantity: peakKwh, unit: 'kWh', unitPrice: '0.27' },
    {
      ...base,
      kind: 'overhead',
      description: 'Overhead (factor 1.3) on energy',
      quantity: dec(standardKwh).times('0.3').toDecimalPlaces(3).toFixed(3),
      unit: 'kWh',
      unitPrice: '0.2100',
    },
    { ...base, kind: 'fixed_fee', description: 'Monitoring, "remote hands" included', quantity: '1', unit: 'month', unitPrice: '99.95' },
    { ...base, kind: 'commitment', description: 'Committed power 20 kW', quantity: '20', unit: 'kW', unitPrice: '18.50' },
  ];
};
export const ACME_INVOICE = finalDocument(
  invoiceDraft(ams({ lines: acmeLines('8123.456', '3210.987'), estimatedKwh: 42.5 })),
  'AMS-2026-000101',
  '2026-11-01',
  SITE_NAMES,
);

// 2. A German business customer: reverse charge, 0 % with the mention and its VATEX code.
const rrmLines = (standardKwh: string, peakKwh: string): LineSpec[] => {
  const base = { site: 'ams1', version: 'ams1-rrm-2026', vat: VAT.reverseCharge } as const;
  return [
    { ...base, kind: 'energy', description: 'Energy', quantity: standardKwh, unit: 'kWh', unitPrice: '0.21' },
    { ...base, kind: 'energy', description: 'Energy, peak', quantity: peakKwh, unit: 'kWh', unitPrice: '0.27' },
    { ...base, kind: 'fixed_fee', description: 'Rack space, 47U', quantity: '1', unit: 'month', unitPrice: '450.00' },
  ];
};
const rrmSpec = (standardKwh: string, peakKwh: string): DraftSpec =>
  ams({
    customer: 'rrm',
    lines: rrmLines(standardKwh, peakKwh),
    taxes: [{ name: 'Reverse charge', vat: VAT.reverseCharge }],
    parties: { seller: AMSTERDAM, buyer: RHEIN_MAIN, paymentTermsDays: 30 },
  });
export const RHEIN_MAIN_INVOICE = finalDocument(invoiceDraft(rrmSpec('5000.000', '1000.000')), 'AMS-2026-000102', '2026-11-01', SITE_NAMES);

// 3. Racks in two sites: at ams1 held from the 16th (fees and commitment for 16 of 31 days, a
// cross-connect from noon on the 16th: 15.5 days), at ams2 the whole month under a minimum.
const polderLines = (ams1Days: number, ams1Kwh: string): LineSpec[] => {
  const a = { site: 'ams1', version: 'ams1-polder-2026', vat: VAT.nl21 } as const;
  const b = { site: 'ams2', version: 'ams2-polder-2026', vat: VAT.nl21 } as const;
  const held = (days: number) => ({ days, daysInPeriod: 31, basis: 'held' as const });
  const ams1: LineSpec[] = [
    { ...a, kind: 'energy', description: 'Energy', quantity: ams1Kwh, unit: 'kWh', unitPrice: '0.195' },
    {
      ...a,
      kind: 'commitment',
      description: 'Committed power 50 kW',
      quantity: '50',
      unit: 'kW',
      unitPrice: '18.50',
      prorate: held(ams1Days),
    },
    {
      ...a,
      kind: 'fixed_fee',
      description: 'Cabinet space, 42U',
      quantity: '1',
      unit: 'month',
      unitPrice: '1250.00',
      prorate: held(ams1Days),
    },
    {
      ...a,
      kind: 'fixed_fee',
      description: 'Cross-connect',
      quantity: '1',
      unit: 'month',
      unitPrice: '150',
      prorate: held(ams1Days - 0.5),
    },
  ];
  const ams2: LineSpec[] = [
    { ...b, kind: 'energy', description: 'Energy', quantity: '512.250', unit: 'kWh', unitPrice: '0.205' },
    { ...b, kind: 'fixed_fee', description: 'Cabinet space, 24U', quantity: '1', unit: 'month', unitPrice: '600.00' },
  ];
  return [...ams1, ...ams2, ...topUp(ams2, 'ams2', b.version, '1000.00', VAT.nl21, 'EUR')];
};
const polderSpec = (ams1Days: number, ams1Kwh: string): DraftSpec =>
  ams({
    customer: 'polder',
    sites: ['ams1', 'ams2'],
    lines: polderLines(ams1Days, ams1Kwh),
    parties: { seller: AMSTERDAM, buyer: POLDER, paymentTermsDays: 14 },
  });
export const POLDER_INVOICE = finalDocument(invoiceDraft(polderSpec(16, '4321.000')), 'AMS-2026-000103', '2026-11-01', SITE_NAMES);

// 4. Singapore: 9 % GST in SGD, no IBAN (payment terms only).
const sinBase = { site: 'sin1', version: 'sin1-2026', vat: VAT.sg9 } as const;
export const LION_CITY_INVOICE = finalDocument(
  invoiceDraft({
    customer: 'lion-city',
    entity: 'jb-sin',
    currency: 'SGD',
    month: '2026-10',
    timeZone: 'Asia/Singapore',
    sites: ['sin1'],
    lines: [
      { ...sinBase, kind: 'energy', description: 'Energy', quantity: '6543.210', unit: 'kWh', unitPrice: '0.31' },
      { ...sinBase, kind: 'fixed_fee', description: 'Rack space, 42U', quantity: '1', unit: 'month', unitPrice: '1800.00' },
      { ...sinBase, kind: 'commitment', description: 'Committed power 10 kW', quantity: '10', unit: 'kW', unitPrice: '45' },
    ],
    taxes: [{ name: 'GST', vat: VAT.sg9 }],
    parties: { seller: SINGAPORE, buyer: LION_CITY, paymentTermsDays: 14 },
  }),
  'SIN-2026-000007',
  '2026-11-01',
  SITE_NAMES,
);

// Notes. A credit: late readings moved 120 kWh off the standard window and 10 kWh onto the peak one
// (that line goes the other way: the customer owes more on it).
export const ACME_CREDIT_NOTE = noteDocument(
  ACME_INVOICE,
  invoiceDraft(ams({ lines: acmeLines('8003.456', '3220.987') })),
  'AMS-CN-2026-000011',
  '2026-11-20',
);

// A debit: the racks at ams1 were held from the 14th, not the 16th, and drew 200 kWh more.
export const POLDER_DEBIT_NOTE = noteDocument(POLDER_INVOICE, invoiceDraft(polderSpec(18, '4521.000')), 'AMS-DN-2026-000004', '2026-11-21');

// An adjustment: a time-of-use boundary corrected moves 21.00 EUR of energy from the standard to the
// peak window; the total does not change.
export const RHEIN_MAIN_ADJUSTMENT = noteDocument(
  RHEIN_MAIN_INVOICE,
  invoiceDraft(rrmSpec('4900.000', '1077.778')),
  'AMS-CN-2026-000012',
  '2026-11-22',
);

export const EINVOICE_INVOICES = {
  'nl-standard': ACME_INVOICE,
  'de-reverse-charge': RHEIN_MAIN_INVOICE,
  'two-sites': POLDER_INVOICE,
  'sg-gst': LION_CITY_INVOICE,
} as const;

export const EINVOICE_NOTES = {
  'credit-note': ACME_CREDIT_NOTE,
  'debit-note': POLDER_DEBIT_NOTE,
  adjustment: RHEIN_MAIN_ADJUSTMENT,
} as const;

/** Every document above as UBL, with its name. */
export function renderedEInvoices(): { name: string; xml: string }[] {
  return [
    ...Object.entries(EINVOICE_INVOICES).map(([name, doc]) => ({ name, xml: renderInvoiceUbl(doc) })),
    ...Object.entries(EINVOICE_NOTES).map(([name, doc]) => ({ name, xml: renderNoteUbl(doc) })),
  ];
}

/** A one-month fee at ams1 under 21 % BTW, to vary. */
export const feeSpec = (over: Partial<LineSpec>): LineSpec => ({
  kind: 'fixed_fee',
  description: 'Rack space',
  site: 'ams1',
  version: 'v1',
  quantity: '1',
  unit: 'month',
  unitPrice: '100.00',
  vat: VAT.nl21,
  ...over,
});

/** A draft of Joulebook Amsterdam for October 2026 with these lines and taxes. */
export const amsterdamDraft = (lines: LineSpec[], taxes: { name: string; vat: LineVat }[], buyer: BuyerParty = ACME): InvoiceDraft =>
  invoiceDraft({
    customer: 'c',
    entity: 'jb-ams',
    currency: 'EUR',
    month: '2026-10',
    timeZone: 'Europe/Amsterdam',
    sites: ['ams1'],
    lines,
    taxes,
    parties: { seller: AMSTERDAM, buyer, paymentTermsDays: 30 },
  });
