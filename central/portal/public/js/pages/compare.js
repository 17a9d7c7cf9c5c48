// Two months side by side per rack, feed or (operators) customer: energy, 15-minute peak, and the change.
import { api } from '../api.js';
import { estMark, errorBox, html, options, render } from '../dom.js';
import { dateTime, kW, kWh, monthLabel, monthOf, percent, previousMonth, signed } from '../format.js';

export function mount(main, ctx) {
  const site = ctx.site(ctx.params.get('site'));
  const now = monthOf(Date.now(), site?.timeZone ?? 'UTC');
  const state = {
    site: site?.id,
    by: ctx.params.get('by') ?? 'rack',
    b: ctx.params.get('b') ?? previousMonth(now),
    a: ctx.params.get('a') ?? previousMonth(previousMonth(now)),
  };
  const BY = [['rack', 'Rack'], ['feed', 'Feed'], ...(ctx.me.role === 'customer' ? [] : [['customer', 'Customer']])];
  render(
    main,
    html`
    <h1>Compare two months</h1>
    <p class="sub">Energy and the highest 15-minute mean power of each month, in the site's time zone.</p>
    <div class="panel">
      <form class="bar" id="cmp-form">
        <label>Site <select name="site">${options(
          ctx.sites.map((s) => [s.id, s.name]),
          state.site,
        )}</select></label>
        <label>Per <select name="by">${options(BY, state.by)}</select></label>
        <label>First month <input type="month" name="a" value="${state.a}"></label>
        <label>Second month <input type="month" name="b" value="${state.b}"></label>
        <button class="primary" type="submit">Compare</button>
      </form>
      <div id="cmp-out"></div>
    </div>`,
  );
  const form = main.querySelector('#cmp-form');
  const out = main.querySelector('#cmp-out');
  const side = (s) => html`${kWh(s.kWh)}${s.estimated ? estMark() : ''}`;
  const delta = (v, text) => html`<span class="${v > 0 ? 'up' : v < 0 ? 'down' : ''}">${signed(text, v)}</span>`;
  const row = (r, cls = '') => html`<tr class="${cls}" data-group="${r.group}">
    <td>${r.group}</td><td class="num">${side(r.a)}</td><td class="num">${side(r.b)}</td>
    <td class="num">${delta(r.deltaKwh, kWh(r.deltaKwh))}</td><td class="num">${r.deltaPct === undefined || r.deltaPct === null ? html`<span class="muted">new</span>` : delta(r.deltaPct, percent(r.deltaPct))}</td>
    <td class="num">${kW(r.a.peakKw)}</td><td class="num">${kW(r.b.peakKw)}</td><td class="num">${r.deltaPeakKw === undefined || r.deltaPeakKw === null ? '–' : delta(r.deltaPeakKw, kW(r.deltaPeakKw))}</td></tr>`;
  const load = async () => {
    history.replaceState(null, '', `#/compare?site=${state.site}&by=${state.by}&a=${state.a}&b=${state.b}`);
    render(out, html`<p class="muted">Computing…</p>`);
    try {
      const c = await api.compare({ site: state.site, by: state.by, a: state.a, b: state.b });
      const A = monthLabel(c.a.label);
      const B = monthLabel(c.b.label);
      render(
        out,
        html`<table id="cmp-table"><thead>
        <tr><th>${BY.find((x) => x[0] === c.by)[1]}</th><th class="num">${A}</th><th class="num">${B}</th><th class="num">Change</th><th class="num">Change %</th><th class="num">Peak ${A}</th><th class="num">Peak ${B}</th><th class="num">Peak change</th></tr></thead>
        <tbody>${c.rows.map((r) => row(r))}${row(c.total, 'total')}</tbody></table>
        <p class="muted">Peak: the highest mean power over a 15-minute interval. <span class="est">est.</span> marks energy that rests partly on estimates.</p>
        ${[c.a, c.b].filter((p) => p.clippedToMs !== null && p.clippedToMs !== undefined).map((p) => html`<p class="muted clipped">${monthLabel(p.label)}: data until ${dateTime(p.clippedToMs, c.timeZone)}; nothing after it is counted.</p>`)}`,
      );
    } catch (err) {
      render(out, errorBox(err));
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const d = new FormData(form);
    Object.assign(state, { site: d.get('site'), by: d.get('by'), a: d.get('a'), b: d.get('b') });
    void load();
  });
  void load();
}
