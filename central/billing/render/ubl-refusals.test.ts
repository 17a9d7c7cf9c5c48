// Why a document is not sent as an e-invoice: not final, no legal details, made before lines carried
// their VAT category, a detail Peppol or a national rule requires missing, figures that do not add up.
// Each is an EInvoiceUnavailableError naming the document and the reason; other failures stay what they are.
import t, { type Test } from 'tap';
import { dec } from '../money.js';
import type { InvoiceDraft, InvoiceLine, NoteLine } from '../types.js';
import type { InvoiceDocument } from './document.js';
import { EInvoiceUnavailableError, renderInvoiceUbl, renderNoteUbl } from './ubl.js';
import { finalDocument } from '../../../test/helpers/einvoice-drafts.js';
import {
  ACME,
  ACME_CREDIT_NOTE,
  ACME_INVOICE,
  AMSTERDAM,
  amsterdamDraft,
  feeSpec,
  RHEIN_MAIN,
  RHEIN_MAIN_INVOICE,
} from '../../../test/helpers/einvoice-documents.js';

/** A copy of `o` without the field `k` (a detail the inventory does not have). */
function without<T extends object, K extends keyof T>(o: T, k: K): Omit<T, K> {
  const copy = { ...o };
  delete copy[k];
  return copy;
}

/** The reason a document is refused (fails the test when it is not). */
function refusal(t: Test, render: () => string, what: string, reason: RegExp): void {
  try {
    render();
    t.fail(`no refusal: ${reason}`);
  } catch (e) {
    t.ok(e instanceof EInvoiceUnavailableError, `an EInvoiceUnavailableError (${String(e)})`);
    const err = e as EInvoiceUnavailableError;
    t.equal(err.what, what);
    t.match(err.reason, reason);
    t.equal(err.message, `no e-invoice for ${what}: ${err.reason}`);
  }
}

t.test('EInvoiceUnavailableError: not final, no legal details, no VAT categories, and what Peppol would reject', async (t) => {
  const d = ACME_INVOICE.draft;
  const doc = (draft: InvoiceDraft): InvoiceDocument => ({ ...ACME_INVOICE, draft });
  const withParties = (p: Partial<NonNullable<InvoiceDraft['parties']>>) => doc({ ...d, parties: { ...d.parties!, ...p } });
  const num = 'AMS-2026-000101';
  refusal(t, () => renderInvoiceUbl({ draft: d }), 'a draft', /not final/);
  const bare = without(d, 'parties');
  refusal(t, () => renderInvoiceUbl(doc(bare)), num, /no legal details/);
  const noVat = d.lines.map((l): InvoiceLine => (l.kind === 'energy' ? { ...l, vat: undefined } : l));
  refusal(t, () => renderInvoiceUbl(doc({ ...d, lines: noVat })), num, /line "Energy" has no VAT category/);
  const taxNoVat = d.lines.map((l): InvoiceLine => (l.kind === 'tax' ? { ...l, vat: undefined } : l));
  refusal(t, () => renderInvoiceUbl(doc({ ...d, lines: taxNoVat })), num, /tax line "BTW 21%" has no VAT category/);
  refusal(t, () => renderInvoiceUbl(doc({ ...d, lines: d.lines.filter((l) => l.kind === 'tax') })), num, /no lines/);
  const noEndpoint = without(AMSTERDAM, 'endpoint');
  refusal(t, () => renderInvoiceUbl(withParties({ seller: noEndpoint })), num, /issuing entity has no Peppol electronic address/);
  refusal(
    t,
    () => renderInvoiceUbl(withParties({ buyer: { ...ACME, endpoint: { scheme: 'EM', id: 'ap@acme.example' } } })),
    num,
    /scheme EM/,
  );
  const noVatId = without(AMSTERDAM, 'vatId');
  refusal(t, () => renderInvoiceUbl(withParties({ seller: noVatId })), num, /no VAT id/);
  const noAddress = without(ACME, 'address');
  refusal(t, () => renderInvoiceUbl(withParties({ buyer: noAddress })), num, /billing account has no address/);
  refusal(t, () => renderInvoiceUbl(withParties({ buyer: { ...ACME, address: { country: 'NL', city: 'Amsterdam' } } })), num, /NL-R-002/);
  const noBank = without(AMSTERDAM, 'bank');
  refusal(t, () => renderInvoiceUbl(withParties({ seller: noBank })), num, /NL-R-007/);
  refusal(t, () => renderInvoiceUbl(doc({ ...d, currency: 'KWD' })), num, /3 decimals/);
  refusal(t, () => renderInvoiceUbl(doc({ ...d, currency: 'XXX' })), num, /no rounding rule/);
  refusal(t, () => renderInvoiceUbl(doc({ ...d, total: dec(d.total).plus('0.01').toFixed(2) })), num, /total .* is not the subtotal/);
  refusal(t, () => renderInvoiceUbl(doc({ ...d, subtotal: '0.00' })), num, /lines sum to 3554\.63, its subtotal is 0\.00/);
  refusal(t, () => renderInvoiceUbl(doc({ ...d, taxTotal: '0.00' })), num, /breakdown sums to 746\.47/);
  const badBase = d.lines.map((l): InvoiceLine => (l.kind === 'tax' ? { ...l, quantity: '1000' } : l));
  refusal(t, () => renderInvoiceUbl(doc({ ...d, lines: badBase })), num, /breakdown S:21 is on 1000 but its lines sum to 3554\.63/);
  const stray = d.lines.map((l): InvoiceLine => (l.kind === 'tax' ? { ...l, vat: { category: 'S', ratePct: '9' } } : l));
  refusal(t, () => renderInvoiceUbl(doc({ ...d, lines: stray })), num, /no line falls under S:9/);

  const rrm = RHEIN_MAIN_INVOICE.draft;
  const rrmNoVat = without(RHEIN_MAIN, 'vatId');
  refusal(
    t,
    () => renderInvoiceUbl({ ...RHEIN_MAIN_INVOICE, draft: { ...rrm, parties: { ...rrm.parties!, buyer: rrmNoVat } } }),
    'AMS-2026-000102',
    /BR-AE-02/,
  );
  const german = (over: Partial<typeof AMSTERDAM>) => ({
    ...AMSTERDAM,
    address: { city: 'Frankfurt am Main', postalCode: '60314', country: 'DE' },
    ...over,
  });
  const deToDe = (seller: typeof AMSTERDAM) =>
    renderInvoiceUbl({ ...RHEIN_MAIN_INVOICE, draft: { ...rrm, parties: { ...rrm.parties!, seller } } });
  refusal(t, () => deToDe(german({ contact: { name: 'Billing', email: 'billing@example.de' } })), 'AMS-2026-000102', /DE-R-002/);
  refusal(t, () => deToDe(german({ address: { city: 'Frankfurt am Main', country: 'DE' } })), 'AMS-2026-000102', /DE-R-003/);
  refusal(t, () => deToDe(without(german({}), 'bank')), 'AMS-2026-000102', /DE-R-001/);
  t.match(deToDe(german({})), /<cbc:CityName>Frankfurt am Main<\/cbc:CityName>/, 'a complete German seller is fine');
  const noReason = amsterdamDraft([feeSpec({ vat: { category: 'E', ratePct: '0' } })], []);
  refusal(t, () => renderInvoiceUbl(finalDocument(noReason, 'X-4', '2026-11-01')), 'X-4', /no exemption reason/);
  const rated = amsterdamDraft([feeSpec({ vat: { category: 'Z', ratePct: '5' } })], []);
  refusal(t, () => renderInvoiceUbl(finalDocument(rated, 'X-5', '2026-11-01')), 'X-5', /only S has a rate above zero/);
  const untaxed = amsterdamDraft([feeSpec({})], []);
  refusal(t, () => renderInvoiceUbl(finalDocument(untaxed, 'X-6', '2026-11-01')), 'X-6', /S:21 is on no tax line/);

  const n = ACME_CREDIT_NOTE;
  const bareNote = without(n.note, 'parties');
  refusal(t, () => renderNoteUbl({ ...n, note: bareNote }), n.number, /no legal details/);
  const noteNoVat = n.note.lines.map((l): NoteLine => ({ ...l, vat: undefined }));
  refusal(t, () => renderNoteUbl({ ...n, note: { ...n.note, lines: noteNoVat } }), n.number, /has no VAT category/);
});

t.test('other errors are not dressed up as unavailable', async (t) => {
  const d = ACME_INVOICE.draft;
  let caught: unknown;
  try {
    renderInvoiceUbl({ ...ACME_INVOICE, draft: { ...d, subtotal: 'lots' } });
  } catch (e) {
    caught = e;
  }
  t.ok(caught instanceof Error && !(caught instanceof EInvoiceUnavailableError), `a plain error: ${String(caught)}`);
});
