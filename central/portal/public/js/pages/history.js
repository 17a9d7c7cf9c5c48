// History: mean power per bucket of a site, room, rack, feed or phase over an hour to a year. The server
// cuts the period into at most a few hundred buckets from the energy counters.
import { api } from '../api.js';
import { estMark, errorBox, html, options, render, segmented } from '../dom.js';
import { dateTime, kW, kWh, quality } from '../format.js';
import { powerChart } from '../chart.js';

const RANGES = [
  ['1h', '1 hour'],
  ['24h', '24 hours'],
  ['7d', '7 days'],
  ['30d', '30 days'],
  ['365d', '1 year'],
];
const KINDS = [
  ['site', 'Whole site'],
  ['room', 'Room'],
  ['rack', 'Rack'],
  ['feed', 'Feed'],
  ['phase', 'Phase'],
];

export async function mount(main, ctx) {
  const site = ctx.site(ctx.params.get('site'))?.id;
  const [kind0, id0] = (ctx.params.get('target') ?? (ctx.me.role === 'customer' ? 'site' : 'site')).split(':');
  const state = {
    site,
    kind: kind0,
    id: id0 ?? '',
    range: ctx.params.get('range') ?? (ctx.params.get('from') ? '' : '24h'),
    from: ctx.params.get('from') ?? '',
    to: ctx.params.get('to') ?? '',
  };
  render(
    main,
    html`
    <h1>History</h1>
    <p class="sub">Mean power per interval, from the energy counters. Times in the site's time zone.</p>
    <div class="panel">
      <form class="bar" id="hist-form">
        <label>Site <select name="site">${options(
          ctx.sites.map((s) => [s.id, s.name]),
          state.site,
        )}</select></label>
        <label>Of <select name="kind">${options(KINDS, state.kind)}</select></label>
        <label id="id-label">Which <select name="id"></select></label>
        <div id="range-pick"></div>
      </form>
      <div class="cards" id="hist-cards"></div>
      <div id="chart" class="chart"></div>
      <p class="muted"><span class="legend-est"></span>Amber: intervals whose energy rests partly on an estimate (a gap in the readings, a meter exchange).</p>
    </div>`,
  );
  const form = main.querySelector('#hist-form');
  let targets = { rooms: [], racks: [], feeds: [], phases: [] };
  const fillIds = () => {
    const list = { room: targets.rooms, rack: targets.racks, feed: targets.feeds, phase: targets.phases }[state.kind] ?? [];
    main.querySelector('#id-label').hidden = state.kind === 'site';
    if (state.kind !== 'site' && !list.includes(state.id)) state.id = list[0] ?? '';
    render(
      form.elements.id,
      options(
        list.map((x) => [x, x]),
        state.id,
      ),
    );
  };
  const load = async () => {
    const chartEl = main.querySelector('#chart');
    const target = state.kind === 'site' ? 'site' : `${state.kind}:${state.id}`;
    history.replaceState(null, '', `#/history?site=${state.site}&target=${target}&range=${state.range}`);
    try {
      const h = await api.history({
        site: state.site,
        target,
        ...(state.range ? { range: state.range } : { from: state.from, to: state.to }),
      });
      const q = quality(h.total.measuredShare);
      render(
        main.querySelector('#hist-cards'),
        html`
        <div class="card"><div class="label">Energy</div><div class="value" id="hist-kwh">${kWh(h.total.kWh)}${q.estimated ? estMark(q.text) : ''}</div><div class="note">${q.text}</div></div>
        <div class="card"><div class="label">Highest interval mean</div><div class="value">${kW(h.maxKw)}</div><div class="note">intervals of ${h.step}</div></div>
        <div class="card"><div class="label">From</div><div class="value small">${dateTime(h.fromMs, h.timeZone)}</div><div class="note">to ${dateTime(h.toMs, h.timeZone)}${h.clippedToMs !== null && h.clippedToMs !== undefined ? html`<br><span id="hist-clipped">data until ${dateTime(h.clippedToMs, h.timeZone)}: nothing after it is counted</span>` : ''}</div></div>`,
      );
      powerChart(chartEl, h);
      chartEl.dataset.points = String(h.buckets.length);
    } catch (err) {
      render(chartEl, errorBox(err));
    }
  };
  const pickRange = () =>
    segmented(main.querySelector('#range-pick'), RANGES, state.range, (v) => {
      state.range = v;
      pickRange();
      void load();
    });
  const loadTargets = async () => {
    try {
      targets = await api.targets(state.site);
    } catch {
      targets = { rooms: [], racks: [], feeds: [], phases: [] };
    }
    fillIds();
  };
  form.addEventListener('change', async (e) => {
    if (e.target.name === 'site') {
      state.site = e.target.value;
      await loadTargets();
    }
    if (e.target.name === 'kind') {
      state.kind = e.target.value;
      fillIds();
    }
    if (e.target.name === 'id') state.id = e.target.value;
    await load();
  });
  pickRange();
  await loadTargets();
  await load();
}
