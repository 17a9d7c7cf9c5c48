// The power chain of a site: every node from the utility feed down to the outlets, its live power, and
// per circuit the load of each phase against the rating and the imbalance between phases.
import { api } from '../api.js';
import { badge, errorBox, html, options, render } from '../dom.js';
import { amps, clock, kW, percent, volts } from '../format.js';

export const REFRESH_MS = 5000;

export function mount(main, ctx) {
  let site = ctx.site(ctx.params.get('site'))?.id;
  render(
    main,
    html`
    <h1>Power chain</h1>
    <p class="sub">Live power per node; per circuit, each phase's current against its rating (warning at 80 %, critical at 100 %) and the imbalance between phases (warning above 20 %).</p>
    <div class="panel">
      <div class="bar"><label>Site <select id="chain-site">${options(
        ctx.sites.map((s) => [s.id, s.name]),
        site,
      )}</select></label><div id="chain-counts"></div></div>
      <table class="tree" id="chain-table"><thead><tr><th>Node</th><th>Feed</th><th>Phase</th><th class="num">Power</th><th class="num">Rating</th><th>Phase load</th><th class="num">Imbalance</th><th>Status</th></tr></thead><tbody></tbody></table>
    </div>`,
  );
  const tbody = main.querySelector('#chain-table tbody');
  const rows = (n) => [
    html`<tr data-node="${n.id}">
      <td><span class="indent" data-width="${n.depth * 18}px"></span>${n.name ?? n.id} <span class="kind">${n.kind}${n.rack ? ` · ${n.rack}` : ''}</span></td>
      <td>${n.feed ?? ''}</td><td>${n.phase}</td>
      <td class="num" title="${n.ts ? clock(n.ts, ctx.site(site).timeZone) : ''}">${n.kW === undefined || n.kW === null ? html`<span class="muted">–</span>` : kW(n.kW)}</td>
      <td class="num">${n.ratedCurrentA ? `${n.ratedCurrentA} A` : ''}${n.voltageV ? html` <span class="muted">${volts(n.voltageV)}</span>` : ''}</td>
      <td>${n.balance.phases.map((p) => html`<div>${p.phase} <span class="phasebar"><i class="${p.status}" data-width="${Math.min(100, p.loadPct ?? 0)}%"></i></span>${amps(p.currentA)}${p.loadPct !== undefined && p.loadPct !== null ? html` <span class="muted">${percent(p.loadPct, 0)}</span>` : ''}</div>`)}</td>
      <td class="num">${n.balance.imbalancePct === undefined || n.balance.imbalancePct === null ? '' : percent(n.balance.imbalancePct)}</td>
      <td>${n.balance.status === 'unknown' ? html`<span class="muted">${n.kW === undefined || n.kW === null ? 'no live reading' : 'power only: its meters read no phase currents'}</span>` : html`${badge(n.balance.status)} <span class="muted">${n.balance.reasons.join('; ')}</span>`}</td></tr>`,
    ...n.children.flatMap(rows),
  ];
  const tick = async () => {
    try {
      const c = await api.chain(site);
      render(tbody, c.roots.flatMap(rows));
      render(
        main.querySelector('#chain-counts'),
        html`${badge('ok', `${c.counts.ok} ok`)} ${badge('warning', `${c.counts.warning} warning`)} ${badge('critical', `${c.counts.critical} critical`)}`,
      );
    } catch (err) {
      render(tbody, html`<tr><td colspan="8">${errorBox(err)}</td></tr>`);
    }
  };
  main.querySelector('#chain-site').addEventListener('change', (e) => {
    site = e.target.value;
    void tick();
  });
  void tick();
  const timer = setInterval(tick, REFRESH_MS);
  return () => clearInterval(timer);
}
