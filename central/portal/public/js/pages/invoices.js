// Invoices: every final invoice and held draft the viewer may see, with PDF, CSV, JSON and XML (the UBL
// e-invoice, where the invoice can be one) downloads; under each invoice the credit and debit notes that
// correct it, with the same downloads. A customer sees its own invoices and their notes (the API confines it).
import { api } from '../api.js';
import { badge, errorBox, html, render } from '../dom.js';
import { dateTime, monthLabel } from '../format.js';

const KIND_LABEL = { credit: 'Credit note', debit: 'Debit note', adjustment: 'Adjustment note' };

/** PDF · CSV · JSON · XML links of an invoice or a note; XML only where there is an e-invoice. */
function downloads(doc, url) {
  const link = (format, label, ext) =>
    html`<a class="dl-${format}" href="${url(doc, format)}" download="${doc.number}.${ext}">${label}</a>`;
  const xml = doc.eInvoice
    ? link('ubl', 'XML', 'xml')
    : html`<span class="muted" title="no e-invoice: the issuing entity has no legal details">XML –</span>`;
  return html`${link('pdf', 'PDF', 'pdf')} · ${link('csv', 'CSV', 'csv')} · ${link('json', 'JSON', 'json')} · ${xml}`;
}

export function mount(main, ctx) {
  render(
    main,
    html`
    <h1>Invoices</h1>
    <p class="sub">Monthly invoices per billing account, a section per site, every line traced to the meters;
    credit and debit notes correct an invoice when late data changed its figures.
    Download as PDF, CSV, JSON or XML (the UBL e-invoice).</p>
    <div class="panel" id="inv"></div>`,
  );
  // An invoice covers the sites of its sections (one, unless the account holds equipment in several).
  const siteNames = (i) => i.sites.map((s) => ctx.site(s)?.name ?? s).join(', ');
  const zoneOf = (site) => ctx.site(site)?.timeZone ?? 'UTC';
  const noteRow = (n, i) => html`<tr class="note-row" data-note="${n.number}" data-invoice-of="${i.number}">
    <td class="note-number">↳ ${n.number}</td><td>${siteNames(n.sites.length > 0 ? n : i)}</td><td>${monthLabel(n.period)}</td>
    <td>${KIND_LABEL[n.kind] ?? n.kind} of ${i.number}</td><td>${badge(n.kind === 'credit' ? 'ok' : n.kind === 'debit' ? 'warning' : 'info', n.kind)}</td>
    <td class="num note-delta">${n.totalDelta} ${n.currency}</td><td>${dateTime(n.createdAt, zoneOf(i.site))}</td>
    <td>${downloads(n, api.noteUrl)}</td></tr>`;
  const load = async () => {
    try {
      const [list, notes] = await Promise.all([api.invoices(), api.notes()]);
      const notesOf = new Map();
      for (const n of notes) notesOf.set(n.invoiceNumber, [...(notesOf.get(n.invoiceNumber) ?? []), n]);
      render(
        main.querySelector('#inv'),
        list.length === 0
          ? html`<p class="muted">No invoices yet.</p>`
          : html`<table id="inv-table"><thead><tr>
        <th>Number</th><th>Site</th><th>Period</th><th>Customer</th><th>Status</th>
        <th class="num">Total</th><th>Issued</th><th>Download</th></tr></thead><tbody>
        ${list.map(
          (i) => html`<tr class="invoice-row" data-invoice="${i.number ?? i.id}">
          <td>${i.number ?? html`<span class="muted">draft #${i.id}</span>`}</td><td>${siteNames(i)}</td>
          <td>${monthLabel(i.period)}</td><td>${i.customerName ?? i.customer}</td>
          <td>${badge(i.status === 'final' ? 'ok' : i.status === 'held' ? 'warning' : 'info', i.status)}</td>
          <td class="num">${i.total} ${i.currency}</td><td>${i.finalizedAt ? dateTime(i.finalizedAt, zoneOf(i.site)) : '–'}</td>
          <td>${i.number ? downloads(i, api.invoiceUrl) : ''}</td></tr>
          ${i.number ? (notesOf.get(i.number) ?? []).map((n) => noteRow(n, i)) : ''}`,
        )}
        </tbody></table>`,
      );
    } catch (err) {
      render(main.querySelector('#inv'), errorBox(err));
    }
  };
  void load();
}
