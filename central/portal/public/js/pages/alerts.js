// Alerts: the ones raised now, then every raise and clear, each with the numbers behind it (values, with
// their units in their names) and when it started, in the site's time zone.
import { api } from '../api.js';
import { badge, errorBox, html, render } from '../dom.js';
import { dateTime, duration } from '../format.js';

/** meterW: 1520 -> "meter 1,520 W"; diffPct: 4.2 -> "diff 4.2 %". */
export function valueText(name, value) {
  const m = /^(.*?)(Pct|W|Kwh|A|V|Ms|Hz)$/.exec(name);
  const units = { Pct: '%', W: 'W', Kwh: 'kWh', A: 'A', V: 'V', Ms: 'ms', Hz: 'Hz' };
  const n = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }).format(value);
  return m ? `${m[1]} ${n} ${units[m[2]]}` : `${name} ${n}`;
}

export function mount(main, ctx) {
  render(
    main,
    html`
    <h1>Alerts</h1>
    <p class="sub">Raised by the gateways' checks (phase sums, imbalance, load, lost and frozen meters, counter resets); cleared when the condition ends.</p>
    <div class="panel"><h2>Raised now</h2><div id="active"></div></div>
    <div class="panel"><h2>History</h2><div id="log"></div></div>`,
  );
  const table = (list, withState) =>
    list.length === 0
      ? html`<p class="muted">None.</p>`
      : html`<table class="alerts"><thead><tr>
      ${withState ? html`<th>State</th>` : ''}<th>Severity</th><th>Alert</th><th>Where</th><th>Message</th><th>Numbers</th><th>Since</th><th>${withState ? 'At' : 'For'}</th></tr></thead><tbody>
      ${list.map((a) => {
        const tz = ctx.site(a.site)?.timeZone ?? 'UTC';
        return html`<tr data-alert="${a.id}">${withState ? html`<td>${badge(a.state)}</td>` : ''}<td>${badge(a.severity === 'info' ? 'info' : a.severity)}</td>
          <td>${a.type}<div class="muted">${a.id}</div></td><td>${a.site}/${a.gateway}<div class="muted">${a.subject ?? [a.device, a.channel].filter(Boolean).join(' ')}</div></td>
          <td>${a.message}</td><td>${Object.entries(a.values ?? {}).map(([k, v]) => html`<div>${valueText(k, v)}</div>`)}</td>
          <td>${dateTime(a.since ?? a.ts, tz)}</td><td>${withState ? dateTime(a.ts, tz) : duration(Date.now() - (a.since ?? a.ts))}</td></tr>`;
      })}</tbody></table>`;
  const load = async () => {
    try {
      const [active, all] = await Promise.all([api.alerts({ state: 'active' }), api.alerts({ state: 'history' })]);
      render(main.querySelector('#active'), table(listOf(active), false));
      render(main.querySelector('#log'), table(listOf(all).slice().reverse(), true));
    } catch (err) {
      render(main.querySelector('#active'), errorBox(err));
    }
  };
  void load();
  const timer = setInterval(load, 10_000);
  return () => clearInterval(timer);
}

const listOf = (x) => x;
