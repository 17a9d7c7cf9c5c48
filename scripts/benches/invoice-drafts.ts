// An invoice draft as the billing stores keep it, for the benchmarks and for the billing contract and tests
// that need stored invoices without computing them. Imports no test framework.
import type { InvoiceDraft } from '../../central/billing/types.js';

const QUALITY = { kWh: 50, measuredKwh: 50, estimatedKwh: 0, interpolatedKwh: 0, measuredShare: 1, estimatedBoundaries: 0, anomalies: 0 };

/** A one-site invoice of `customer` (its own account) at `site` (invoicing alone). */
export const draftOf = (customer: string, total = '10.00', site = 'ams1', period = '2026-10', account = customer): InvoiceDraft => ({
  customer,
  account,
  entity: site,
  currency: 'EUR',
  period: { label: period, timeZone: 'Europe/Amsterdam', fromMs: 1, toMs: 2, days: 31 },
  sections: [
    {
      site,
      period: { label: period, timeZone: 'Europe/Amsterdam', fromMs: 1, toMs: 2, days: 31 },
      versions: ['v1'],
      subtotal: total,
      quality: QUALITY,
    },
  ],
  versions: ['v1'],
  lines: [
    {
      key: 'energy:v1:standard',
      site,
      kind: 'energy',
      description: 'Energy',
      version: 'v1',
      quantity: '50',
      unit: 'kWh',
      unitPrice: '0.20',
      amount: total,
    },
  ],
  subtotal: total,
  taxTotal: '0.00',
  total,
  quality: QUALITY,
  trace: [],
});
