// Credit, debit and adjustment notes as PDF, read back with pdftotext: the title, the invoice corrected,
// the parties, was / now / difference per line (signed), the VAT breakdown's difference and the total
// difference; for a debit note the due date and where to pay, for a credit note the amount credited.
import t from 'tap';
import { needPeer } from '../../../test/helpers/env.js';
import {
  dutchInvoice,
  dutchRecomputed,
  invoiceDraft,
  line,
  noteOf,
  REVERSE_CHARGE,
  reverseChargeInvoice,
  SELLER,
  taxLine,
  withoutVat,
} from '../../../test/helpers/billing-documents.js';
import { hasPdftotext, pdfText, pdftotextPages } from '../../../test/helpers/pdf.js';
import type { NoteDraft } from '../types.js';
import type { NoteDocument } from './document.js';
import { noteDueDate, renderNotePdf } from './note-pdf.js';
import { REVERSE_CHARGE_MENTION } from './vat-breakdown.js';

const NAMES = { customerName: 'Acme Hosting B.V.', customerRef: 'C-10042', siteNames: { ams1: 'Amsterdam 1', ams2: 'Amsterdam 2' } };
const INVOICE = { number: 'JB-2026-000042', issuedOn: '2026-11-01' };
const noteDoc = (note: NoteDraft, number: string): NoteDocument => ({ note, number, issuedOn: '2026-12-02', invoice: INVOICE, ...NAMES });

const text = async (doc: NoteDocument) => {
  const pdf = Buffer.from(await renderNotePdf(doc));
  return { pdf, pages: pdftotextPages(pdf), rows: pdftotextPages(pdf, { layout: true }).join(' ') };
};

t.test('a credit note: less energy than invoiced, the amounts credited line by line', async (t) => {
  // 4088.5 kWh invoiced, 4000 recomputed: energy 858.59 → 840.00, overhead 1226.550 → 1200.000 kWh, 257.58 → 252.00;
  // VAT on 1513.62 was 317.86, on 1489.45 it is 312.78 (312.7845).
  const note = noteOf(INVOICE.number, dutchInvoice(), dutchRecomputed('4000'));
  t.equal(note.kind, 'credit');
  const doc = noteDoc(note, 'JB-CN-2026-000001');
  t.equal(noteDueDate(doc), undefined, 'nothing is due on a credit note');
  const pdf = Buffer.from(await renderNotePdf(doc));
  t.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  if (!needPeer(t, hasPdftotext(), 'pdftotext (poppler-utils)')) return;
  const { pages, rows } = await text(doc);
  const all = pages.join(' ');
  for (const s of [
    'Credit note JB-CN-2026-000001',
    'Corrects invoice JB-2026-000042 of 2026-11-01',
    'Note number JB-CN-2026-000001',
    'Issue date 2026-12-02',
    'Invoice corrected JB-2026-000042 of 2026-11-01',
    'Description Quantity was Quantity now Was Now Difference',
    'Energy, standard hours (v1) 4088.500 kWh 4000.000 kWh 858.59 840.00 -18.59',
    '1226.550 kWh 1200.000 kWh 257.58 252.00 -5.58',
    'Subtotal difference excl. VAT -24.17',
    'BTW 21% Standard rate 21% 1513.62 1489.45 -24.17 -5.08',
    'VAT difference -5.08',
    'Total difference EUR -29.25',
    'Amount credited: 29.25 EUR',
  ])
    t.ok(rows.includes(s), `the note reads "${s}"`);
  t.ok(
    all.includes('Joulebook Colocation B.V. Science Park 120 1098 XG Amsterdam Netherlands VAT id NL859123456B01 KvK 81234567'),
    'seller',
  );
  t.ok(all.includes('Acme Hosting B.V. Keizersgracht 1 1015 CC Amsterdam Netherlands VAT id NL001234567B01'), 'buyer');
  for (const s of ['Due date', 'IBAN', 'Amount due']) t.notOk(rows.includes(s), `no "${s}": nothing to pay`);
  t.equal(pages.length, 1);
  t.ok(pages[0]!.includes('Page 1 of 1') && pages[0]!.includes(SELLER.footer!), 'page number and footer');
  t.ok(pages[0]!.includes('Credit note JB-CN-2026-000001 Page 1 of 1'), "the note's number at the foot");
});

t.test('a debit note: more energy than invoiced, due in 30 days, where to pay with the note as reference', async (t) => {
  // 4200.25 kWh: energy 882.05 (+23.46), overhead 1260.075 kWh 264.62 (+7.04); VAT on 1544.12 is 324.27 (+6.41).
  const note = noteOf(INVOICE.number, dutchInvoice(), dutchRecomputed('4200.25'));
  t.equal(note.kind, 'debit');
  const doc = noteDoc(note, 'JB-DN-2026-000001');
  t.equal(noteDueDate(doc), '2027-01-01', '30 days after 2 December');
  t.equal(noteDueDate({ ...doc, dueOn: '2026-12-31' }), '2026-12-31', 'as given');
  if (!needPeer(t, hasPdftotext(), 'pdftotext (poppler-utils)')) return;
  const { rows } = await text(doc);
  for (const s of [
    'Debit note JB-DN-2026-000001',
    'Corrects invoice JB-2026-000042 of 2026-11-01',
    'Due date 2027-01-01',
    'Payment terms 30 days net',
    'Energy, standard hours (v1) 4088.500 kWh 4200.250 kWh 858.59 882.05 +23.46',
    '1226.550 kWh 1260.075 kWh 257.58 264.62 +7.04',
    'Subtotal difference excl. VAT +30.50',
    'BTW 21% Standard rate 21% 1513.62 1544.12 +30.50 +6.41',
    'Total difference EUR +36.91',
    'Amount due 36.91 EUR',
    'IBAN NL91 ABNA 0417 1643 00',
    'BIC ABNANL2A',
    'Payment reference JB-DN-2026-000001',
  ])
    t.ok(rows.includes(s), `the note reads "${s}"`);
  t.notOk(rows.includes('Amount credited'));
});

t.test('a credit note under reverse charge over two sites: a heading per site and the mention', async (t) => {
  const was = reverseChargeInvoice();
  const less = (site: string) =>
    was.lines
      .filter((l) => l.kind !== 'tax' && l.site === site)
      .map((l) => (l.kind === 'energy' && site === 'ams2' ? line(site, l.key, l.description, '12000', 'kWh', '0.19', REVERSE_CHARGE) : l));
  const sites = { ams1: less('ams1'), ams2: less('ams2') };
  const now = invoiceDraft({ customer: 'nordwind', sites, taxes: [taxLine('VAT', [...sites.ams1, ...sites.ams2], REVERSE_CHARGE)] });
  const note = noteOf('JB-2026-000043', was, now);
  t.same(
    note.lines.map((l) => [l.site, l.key, l.amountDelta]),
    [
      ['ams2', 'energy:v1:standard', '-166.11'],
      [undefined, 'tax:VAT:AE:0', '0.00'],
    ],
    'the ams2 energy line and the breakdown base change; the tax stays 0',
  );
  if (!needPeer(t, hasPdftotext(), 'pdftotext (poppler-utils)')) return;
  const doc = { ...noteDoc(note, 'JB-CN-2026-000002'), invoice: { number: 'JB-2026-000043', issuedOn: '2026-11-01' } };
  const { pages, rows } = await text(doc);
  const all = pages.join(' ');
  for (const s of [
    'Energy, standard hours (v1) 12874.250 kWh 12000.000 kWh 2446.11 2280.00 -166.11',
    'VAT 0% Reverse charge 0% 15378.22 15212.11 -166.11 0.00',
    'Total difference EUR -166.11',
    'Amount credited: 166.11 EUR',
  ])
    t.ok(rows.includes(s), `the note reads "${s}"`);
  t.ok(all.includes(REVERSE_CHARGE_MENTION), 'the reverse-charge mention');
  t.ok(all.includes('VAT id DE123456789'), "the buyer's VAT id");
  t.ok(all.includes('Amsterdam 2 Energy, standard hours'), 'the site of the line');
  t.notOk(all.includes('Amsterdam 1'), 'only the site whose lines changed');
});

t.test('an adjustment note, and a note of an invoice without parties', async (t) => {
  const credit = noteOf(INVOICE.number, dutchInvoice(), dutchRecomputed('4000'));
  const [energy] = credit.lines;
  const moved: NoteDraft = {
    ...credit,
    kind: 'adjustment',
    lines: [energy!, { ...energy!, key: 'fixed_fee:v1:Monitoring', description: 'Monitoring', amountDelta: '18.59', quantityDelta: '0' }],
    subtotalDelta: '0.00',
    taxDelta: '0.00',
    totalDelta: '0.00',
  };
  const plain = pdfText(Buffer.from(await renderNotePdf(noteDoc(moved, 'JB-AN-2026-000001'), { compress: false })));
  t.ok(plain.includes('Adjustment note JB-AN-2026-000001'));
  t.ok(plain.includes('Total unchanged: the note moves amounts between lines; nothing is due and nothing is credited.'));
  // A note made before parties had details: neither parties nor VAT categories.
  const debit = noteOf(INVOICE.number, dutchInvoice(), dutchRecomputed('4200.25'));
  const bare: NoteDraft = { ...debit, lines: debit.lines.map(withoutVat) };
  delete bare.parties;
  const old = pdfText(
    Buffer.from(await renderNotePdf({ ...noteDoc(bare, 'JB-DN-2026-000002'), dueOn: '2027-01-01' }, { compress: false })),
  );
  for (const s of ['Debit note JB-DN-2026-000002', 'Customer', 'Acme Hosting B.V. (C-10042)', 'Amount due: 36.91 EUR by 2027-01-01.'])
    t.ok(old.includes(s), `without parties: "${s}"`);
  for (const s of ['SELLER', 'IBAN']) t.notOk(old.includes(s), `without parties: no "${s}"`);
});
