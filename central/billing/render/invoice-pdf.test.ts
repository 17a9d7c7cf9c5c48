// The invoice PDF as a finance team receives it, read back with pdftotext: the seller's and buyer's legal
// details, the dates and terms, quantities in their unit's decimals, the VAT breakdown and its mentions,
// where to pay, the footer and "Page n of m" on every page; a draft marked DRAFT; an old draft without
// parties printed with names only, as before. Documents made by hand (test/helpers/billing-documents.ts).
import t from 'tap';
import { needPeer } from '../../../test/helpers/env.js';
import {
  dutchInvoice,
  GERMAN_BUYER,
  invoiceDraft,
  line,
  LOGO_PNG,
  reverseChargeInvoice,
  SELLER,
  taxLine,
} from '../../../test/helpers/billing-documents.js';
import { hasPdftotext, pdfText, pdftotextPages } from '../../../test/helpers/pdf.js';
import type { InvoiceDocument } from './document.js';
import { dueDateOf, renderInvoicePdf } from './pdf.js';
import { REVERSE_CHARGE_MENTION } from './vat-breakdown.js';

const NAMES = { customerName: 'Acme Hosting B.V.', customerRef: 'C-10042', siteNames: { ams1: 'Amsterdam 1', ams2: 'Amsterdam 2' } };
const dutch: InvoiceDocument = { draft: dutchInvoice(), final: { number: 'JB-2026-000042', issuedOn: '2026-11-01' }, ...NAMES };

const hasImage = (pdf: Buffer): boolean => pdf.toString('latin1').includes('/Subtype /Image');

t.test('the due date: as given, else the issue date plus the payment terms; none on a draft', async (t) => {
  t.equal(dueDateOf(dutch), '2026-12-01', '30 days after 1 November');
  t.equal(dueDateOf({ ...dutch, final: { ...dutch.final!, dueOn: '2026-11-20' } }), '2026-11-20');
  t.equal(dueDateOf({ ...dutch, final: undefined }), undefined);
  t.equal(dueDateOf({ draft: dutchInvoice(false), final: dutch.final }), undefined, 'no parties, no terms to count from');
});

t.test('a Dutch invoice at 21 %: parties, dates, VAT breakdown, payment, footer and page numbers', async (t) => {
  const pdf = await renderInvoicePdf(dutch, { logo: LOGO_PNG });
  t.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  t.ok(hasImage(await renderInvoicePdf(dutch, { logo: LOGO_PNG, compress: false })), 'the logo is in the document');
  if (!needPeer(t, hasPdftotext(), 'pdftotext (poppler-utils)')) return;
  const pages = pdftotextPages(pdf);
  const text = pages.join(' ');
  const rows = pdftotextPages(pdf, { layout: true }).join(' ');
  for (const s of [
    'SELLER BUYER Joulebook Colocation B.V. Science Park 120 1098 XG Amsterdam Netherlands VAT id NL859123456B01 KvK 81234567',
    'Contact: Accounts receivable, billing@joulebook.example, +31 20 123 4567',
    'Acme Hosting B.V. Keizersgracht 1 1015 CC Amsterdam Netherlands VAT id NL001234567B01 Purchase order PO-4471',
  ])
    t.ok(text.includes(s), `the blocks read "${s}"`);
  for (const s of [
    'Invoice JB-2026-000042',
    'Invoice number JB-2026-000042',
    'Issue date 2026-11-01',
    'Due date 2026-12-01',
    'Payment terms 30 days net',
    'Period 2026-10-01 to 2026-10-31 (31 days, local dates)',
    // Quantities in their unit's decimals: 4088.5 kWh is printed 4088.500, one month 1.000.
    'Terms v1 Energy, standard hours 4088.500 kWh 0.21 21% 858.59',
    'Monitoring 1.000 month 99.95 21% 99.95',
    'Committed power, rack ams1-r12 7.000 kW 42.5 21% 297.50',
    'Subtotal excl. VAT 1513.62',
    // 1513.62 × 21 % = 317.8602: 317.86.
    'BTW 21% Standard rate 21% 1513.62 317.86',
    'Total VAT 317.86',
    'Total EUR 1831.48',
    'Amount due 1831.48 EUR',
    'Due date 2026-12-01',
    'Pay to Joulebook Colocation B.V.',
    'IBAN NL91 ABNA 0417 1643 00',
    'BIC ABNANL2A',
    'Payment reference JB-2026-000042',
  ])
    t.ok(rows.includes(s), `the page reads "${s}"`);
  t.notOk(/4088\.5 /.test(rows), 'no quantity without its decimals');
  t.notOk(text.includes('Reverse charge'), 'no reverse-charge mention at a standard rate');
  t.notOk(text.includes('DRAFT'), 'a final invoice is no draft');
  t.ok(pages.length >= 2, `${pages.length} pages: the invoice, then the trace`);
  pages.forEach((p, i) => {
    t.ok(p.includes(`Page ${i + 1} of ${pages.length}`), `page ${i + 1} is numbered`);
    t.ok(p.includes(SELLER.footer!), `page ${i + 1} has the seller's footer`);
  });
});

t.test('a German buyer under reverse charge over two sites: three pages, each numbered', async (t) => {
  const draft = reverseChargeInvoice();
  const doc: InvoiceDocument = { draft, final: { number: 'JB-2026-000043', issuedOn: '2026-11-01' }, ...NAMES };
  const pdf = await renderInvoicePdf(doc);
  t.equal(pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length, 3, 'three pages');
  if (!needPeer(t, hasPdftotext(), 'pdftotext (poppler-utils)')) return;
  const pages = pdftotextPages(pdf);
  const text = pages.join(' ');
  const rows = pdftotextPages(pdf, { layout: true }).join(' ');
  t.equal(pages.length, 3);
  t.ok(pages[0]!.includes('Page 1 of 3') && pages[1]!.includes('Page 2 of 3') && pages[2]!.includes('Page 3 of 3'), 'Page n of 3 on each');
  t.ok(
    text.includes('Nordwind Rechenzentrum GmbH Hafenstrasse 12 20457 Hamburg Germany VAT id DE123456789'),
    "the buyer's VAT id, which reverse charge needs (art. 226 (4))",
  );
  t.ok(text.includes('Purchase order PO-2026-0815 Buyer reference NW-IT-OPS'), 'purchase order and buyer reference');
  t.ok(text.includes('VAT id NL859123456B01'), "the seller's VAT id");
  t.ok(text.includes(REVERSE_CHARGE_MENTION), 'the reverse-charge mention');
  t.match(REVERSE_CHARGE_MENTION, /Reverse charge.*art\. 196 Directive 2006\/112\/EC/);
  // Each site: energy 2446.11 + cross connect 75.00 + 20 racks (7 × 3 kW, 7 × 7 kW, 6 × 11 kW = 136 kW × 38 = 5168) = 7689.11.
  for (const s of [
    'Subtotal Amsterdam 1 7689.11',
    'Subtotal Amsterdam 2 7689.11',
    'Amsterdam 2 (continued)',
    'Energy, standard hours 12874.250 kWh 0.19 0% AE 2446.11',
    'Cross connect 0.500 month 150 0% AE 75.00',
    'Subtotal excl. VAT 15378.22',
    'VAT 0% Reverse charge 0% 15378.22 0.00',
    'Total VAT 0.00',
    'Total EUR 15378.22',
    'Due date 2026-11-15',
    'Payment terms 14 days net',
    'Amount due 15378.22 EUR',
    'Payment reference JB-2026-000043',
  ])
    t.ok(rows.includes(s), `the page reads "${s}"`);
  t.ok(pages[2]!.startsWith('Trace: counters behind every energy line'), 'the trace appendix on the last page');
  t.ok(
    pages.slice(1).every((p) => p.startsWith('Description Quantity Unit price VAT Amount') || p.startsWith('Trace')),
    'the line table repeats its headings on the page it continues on',
  );
});

t.test('a draft with parties: DRAFT on every page, no number, the terms instead of a due date', async (t) => {
  const pdf = await renderInvoicePdf({ draft: dutchInvoice(), ...NAMES });
  const plain = pdfText(await renderInvoicePdf({ draft: dutchInvoice(), ...NAMES }, { compress: false }));
  t.ok(plain.includes('Invoice draft (not final)'));
  t.equal(plain.match(/^DRAFT$/gm)?.length, 2, 'DRAFT across both pages');
  if (!needPeer(t, hasPdftotext(), 'pdftotext (poppler-utils)')) return;
  const rows = pdftotextPages(pdf, { layout: true }).join(' ');
  for (const s of [
    'Invoice number not yet: draft',
    'Due date 30 days after the issue date',
    'Payment reference the invoice number, once the invoice is final',
    'Invoice draft acme 2026-10',
  ])
    t.ok(rows.includes(s), `the draft reads "${s}"`);
});

t.test('an old draft without parties or VAT prints names only, as before', async (t) => {
  const old: InvoiceDocument = { draft: dutchInvoice(false), final: { number: 'JB-2026-000041', issuedOn: '2026-11-01' }, ...NAMES };
  const pdf = await renderInvoicePdf(old);
  const plain = pdfText(await renderInvoicePdf(old, { compress: false }));
  for (const s of ['Invoice JB-2026-000041', 'Customer', 'Acme Hosting B.V. (C-10042)', 'Issued', 'Taxes', 'Total EUR', 'Data quality'])
    t.ok(plain.includes(s), `the text has "${s}"`);
  for (const s of ['SELLER', 'BUYER', 'VAT breakdown', 'Payment', 'IBAN', 'Due date', 'DRAFT'])
    t.notOk(plain.includes(s), `nothing of the parties' details: no "${s}"`);
  t.notOk(hasImage(await renderInvoicePdf(old, { compress: false })), 'no logo passed, none printed');
  if (!needPeer(t, hasPdftotext(), 'pdftotext (poppler-utils)')) return;
  const pages = pdftotextPages(pdf, { layout: true });
  const rows = pages.join(' ');
  for (const s of [
    'Customer Acme Hosting B.V. (C-10042)',
    'Site Amsterdam 1 (Europe/Amsterdam)',
    'Issued 2026-11-01',
    'Description Terms Quantity Unit price Amount',
    'Energy, standard hours v1 4088.500 kWh 0.21 858.59',
    'Subtotal 1513.62',
    'BTW 21% 1513.62 0.21 317.86',
    'Taxes 317.86',
    'Total EUR 1831.48',
  ])
    t.ok(rows.includes(s), `the page reads "${s}"`);
  pages.forEach((p, i) => t.ok(p.includes(`Page ${i + 1} of ${pages.length}`), `page ${i + 1} is numbered`));
});

t.test('a logo that is no image is left out; the invoice still renders', async (t) => {
  const broken = Buffer.from(LOGO_PNG);
  broken.fill(0x41, 41, 50); // inside the compressed image data
  for (const [what, logo] of [
    ['a corrupt PNG', broken],
    ['a text file', Buffer.from('not an image')],
    ['a truncated JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00])],
    ['nothing', new Uint8Array()],
  ] as const) {
    const pdf = await renderInvoicePdf(dutch, { logo, compress: false });
    t.notOk(hasImage(pdf), `${what}: no image`);
    t.ok(pdfText(pdf).includes('Invoice JB-2026-000042'), `${what}: the invoice is there`);
  }
});

t.test('an export outside the EU and an exempt line: their mentions under the breakdown', async (t) => {
  const exportVat = { category: 'G', ratePct: '0', exemptionReason: 'Export outside the EU', exemptionCode: 'VATEX-EU-G' } as const;
  const exempt = { category: 'E', ratePct: '0', exemptionReason: 'Exempt under art. 135(1)(l) Directive 2006/112/EC' } as const;
  const lines = [
    line('ams1', 'energy:v1:standard', 'Energy, standard hours', '100', 'kWh', '0.2', exportVat),
    line('ams1', 'fixed_fee:v1:Storage', 'Storage room', '1', 'month', '50', exempt),
  ];
  const buyer = {
    ...GERMAN_BUYER,
    legalName: 'Lumen Pte. Ltd.',
    address: { city: 'Singapore', country: 'SG' },
    taxTreatment: 'export' as const,
  };
  const draft = invoiceDraft({
    customer: 'lumen',
    sites: { ams1: lines },
    taxes: [taxLine('VAT', [lines[0]!], exportVat), taxLine('VAT', [lines[1]!], exempt)],
    parties: { seller: SELLER, buyer, paymentTermsDays: 30 },
  });
  const plain = pdfText(
    await renderInvoicePdf({ draft, final: { number: 'JB-2026-000044', issuedOn: '2026-11-01' } }, { compress: false }),
  );
  for (const s of [
    'VAT not charged: Export outside the EU.',
    'Exempt under art. 135(1)(l) Directive 2006/112/EC.',
    'Export outside the EU',
    'Exempt from VAT',
    '0% G',
    '0% E',
    'Singapore',
  ])
    t.ok(plain.includes(s), `the text has "${s}"`);
  t.notOk(plain.includes(REVERSE_CHARGE_MENTION));
});
