import t from 'tap';
import { dutchInvoice, DUTCH_BUYER } from '../../../test/helpers/billing-documents.js';
import { hasPdftotext, pdftotextPages } from '../../../test/helpers/pdf.js';
import { needPeer } from '../../../test/helpers/env.js';
import { renderInvoicePdf } from './pdf.js';
import { printable } from './pdf-text.js';

t.test("what WinAnsi has passes as it is; other letters lose an accent or take the nearest; the rest is '?'", async (t) => {
  for (const [typed, printed] of [
    ['Acme Hosting B.V.', 'Acme Hosting B.V.'],
    ['Friedrichstraße 68, Åre, Ærø, Façade', 'Friedrichstraße 68, Åre, Ærø, Façade'],
    ['Polder · KvK 81234567 · 2 racks × 3 kW – €12,30 “quoted”', 'Polder · KvK 81234567 · 2 racks × 3 kW – €12,30 “quoted”'],
    ['Škoda, Žilina, Œuvre', 'Škoda, Žilina, Œuvre'],
    ['Zakład Łódź Sp. z o.o.', 'Zaklad Lódz Sp. z o.o.'],
    ['Kőbánya, Ţara, Čakovec, Ōsaka', 'Kobánya, Tara, Cakovec, Osaka'],
    ['0 → 1, x ≤ 2', '0 -> 1, x <= 2'],
    ['東京 Ltd', '?? Ltd'],
    ['two\nlines', 'two\nlines'],
  ])
    t.equal(printable(typed!), printed, JSON.stringify(typed));
});

t.test("a Polish buyer's name prints readable in the PDF", async (t) => {
  const d = dutchInvoice();
  d.parties = { ...d.parties!, buyer: { ...DUTCH_BUYER, legalName: 'Zakład Energetyczny Łódź Sp. z o.o.' } };
  const pdf = await renderInvoicePdf({ draft: d, final: { number: 'JB-2026-000045', issuedOn: '2026-11-01' } });
  if (!needPeer(t, hasPdftotext(), 'pdftotext (poppler-utils)')) return;
  t.ok(pdftotextPages(pdf)[0]!.includes('Zaklad Energetyczny Lódz Sp. z o.o.'));
});
