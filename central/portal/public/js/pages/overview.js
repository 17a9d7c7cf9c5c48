// Live power: the site's total, then per room, rack, feed or phase, refreshed every few seconds. A
// customer sees its own racks only (the API answers with nothing else).
import { api } from '../api.js';
import { errorBox, html, render, segmented } from '../dom.js';
import { ago, clock, kW } from '../format.js';

export const REFRESH_MS = 3000;
const GROUPS = [
  ['room', 'Room'],
  ['rack', 'Rack'],
  ['feed', 'Feed'],
  ['phase', 'Phase'],
];

export function mount(main, ctx) {
  let by = ctx.params.get('by') ?? 'rack';
  render(
    main,
    html`
    <h1>Live power</h1>
    <p class="sub" id="live-sub">Latest readings, refreshed every ${REFRESH_MS / 1000} s.</p>
    <div class="cards" id="site-cards"></div>
    <div class="panel">
      <div class="bar"><h2 class="bar-title">Power by <span id="by-name"></span></h2><div id="by-pick"></div></div>
      <table id="live-table"><thead><tr><th>Site</th><th id="group-head">Rack</th><th class="num">Power</th><th class="num">Meters</th><th>Last reading</th><th></th></tr></thead><tbody></tbody></table>
    </div>`,
  );
  const tbody = main.querySelector('#live-table tbody');
  const pick = () =>
    segmented(main.querySelector('#by-pick'), GROUPS, by, (v) => {
      by = v;
      pick();
      void tick();
    });
  pick();
  let previous = new Map();
  const tick = async () => {
    try {
      const [sites, groups] = await Promise.all([api.live({ by: 'site' }), api.live({ by })]);
      render(
        main.querySelector('#site-cards'),
        sites.rows.map(
          (r) => html`
        <div class="card" data-site="${r.site}"><div class="label">${ctx.site(r.site)?.name ?? r.site}</div>
        <div class="value live-value" data-key="site:${r.site}">${r.points ? kW(r.kW) : '–'}</div>
        <div class="note">${r.points} meters · ${clock(r.newestTs, r.timeZone)} ${tz(r.timeZone, r.newestTs)}</div></div>`,
        ),
      );
      main.querySelector('#by-name').textContent = GROUPS.find((g) => g[0] === by)[1].toLowerCase();
      main.querySelector('#group-head').textContent = GROUPS.find((g) => g[0] === by)[1];
      const next = new Map();
      render(
        tbody,
        groups.rows.map((r) => {
          const key = `${r.site}/${r.group}`;
          next.set(key, r.kW);
          const changed = previous.has(key) && previous.get(key) !== r.kW;
          return html`<tr data-group="${r.group}" class="${changed ? 'pulse' : ''}">
          <td>${ctx.site(r.site)?.name ?? r.site}</td><td>${r.group === '-' ? html`<span class="muted">no ${by}</span>` : r.group}</td>
          <td class="num live-value" data-key="${key}">${r.points ? kW(r.kW) : html`<span class="muted" title="no meter read within the last minutes">–</span>`}</td><td class="num">${r.points}${r.stale ? html` <span class="muted">(${r.stale} silent)</span>` : ''}</td>
          <td>${r.newestTs ? `${clock(r.newestTs, r.timeZone)} ${tz(r.timeZone, r.newestTs)}` : '–'} <span class="muted">${r.newestTs ? ago(r.newestTs, groups.nowMs) : ''}</span></td>
          <td>${r.group !== '-' && by !== 'phase' ? html`<a href="#/history?site=${r.site}&target=${by}:${r.group}">chart</a>` : ''}</td></tr>`;
        }),
      );
      previous = next;
      main.querySelector('#live-sub').textContent =
        `Latest readings at ${new Date(groups.nowMs).toISOString().slice(11, 19)} UTC, refreshed every ${REFRESH_MS / 1000} s.`;
    } catch (err) {
      render(tbody, html`<tr><td colspan="6">${errorBox(err)}</td></tr>`);
    }
  };
  void tick();
  const timer = setInterval(tick, REFRESH_MS);
  return () => clearInterval(timer);
}

/** The zone's abbreviation at an instant (CEST in summer, CET in winter). */
function tz(timeZone, atMs) {
  return (
    new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' })
      .formatToParts(atMs ?? Date.now())
      .find((p) => p.type === 'timeZoneName')?.value ?? ''
  );
}
