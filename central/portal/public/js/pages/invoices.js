// Invoices: every final invoice and held draft the viewer may see, with PDF and CSV downloads.
import { api } from '../api.js';
import { badge, errorBox, html, render } from '../dom.js';
import { dateTime, monthLabel } from '../format.js';

export function mount(main, ctx) {
  render(
    main,
    html`
    <h1>Invoices</h1>
    <p class="sub">Monthly invoices per billing account, a section per site, every line traced to the meters.
    Download as PDF or CSV.</p>
    <div class="panel" id="inv"></div>`,
  );
  // An invoice covers the sites of its sections (one, unless the account holds equipment in several).
  const siteNames = (i) => i.sites.map((s) => ctx.site(s)?.name ?? s).join(', ');
  const load = async () => {
    try {
      const res = await api.invoices();
      const list = res;
      render(
        main.querySelector('#inv'),
        list.length === 0
          ? html`<p class="muted">No invoices yet.</p>`
          : html`<table id="inv-table"><thead><tr>
        <th>Number</th><th>Site</th><th>Period</th><th>Customer</th><th>Status</th><th class="num">Total</th><th>Issued</th><th>Download</th></tr></thead><tbody>
        ${list.map(
          (
            i,
          ) => html`<tr data-invoice="${i.number ?? i.id}"><td>${i.number ?? html`<span class="muted">draft #${i.id}</span>`}</td><td>${siteNames(i)}</td>
          <td>${monthLabel(i.period)}</td><td>${i.customerName ?? i.customer}</td><td>${badge(i.status === 'final' ? 'ok' : i.status === 'held' ? 'warning' : 'info', i.status)}</td>
          <td class="num">${i.total} ${i.currency}</td><td>${i.finalizedAt ? dateTime(i.finalizedAt, ctx.site(i.site)?.timeZone ?? 'UTC') : '–'}</td>
          <td>${i.number ? html`<a class="dl-pdf" href="${api.invoiceUrl(i, 'pdf')}" download="${i.number}.pdf">PDF</a> · <a class="dl-csv" href="${api.invoiceUrl(i, 'csv')}" download="${i.number}.csv">CSV</a>` : ''}</td></tr>`,
        )}
        </tbody></table>`,
      );
    } catch (err) {
      render(main.querySelector('#inv'), errorBox(err));
    }
  };
  void load();
}
