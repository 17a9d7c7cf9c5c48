// Power over time with uPlot (served from node_modules by central): mean kW per bucket as steps, the
// buckets resting on estimates drawn again in amber, the axis in the site's time zone.
import uPlot from '/vendor/uplot/uPlot.esm.js';

export function powerChart(el, history) {
  el.innerHTML = '';
  const xs = history.buckets.map((b) => b.fromMs / 1000);
  const kw = history.buckets.map((b) => b.kW);
  const est = history.buckets.map((b) => (b.estimated ? b.kW : null));
  // The last step needs its end to be drawn.
  const last = history.buckets[history.buckets.length - 1];
  if (last) {
    xs.push(last.toMs / 1000);
    kw.push(last.kW);
    est.push(last.estimated ? last.kW : null);
  }
  const width = Math.max(320, el.clientWidth || 900);
  return new uPlot(
    {
      width,
      height: 320,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), history.timeZone),
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] } },
      axes: [{}, { label: 'kW', values: (_u, ticks) => ticks.map((t) => `${+t.toFixed(3)}`) }],
      series: [
        { label: 'time' },
        {
          label: 'Power (kW)',
          stroke: '#1f5fbf',
          width: 2,
          fill: 'rgba(31,95,191,0.08)',
          paths: uPlot.paths.stepped({ align: 1 }),
          value: (_u, v) => (v == null ? '–' : `${v.toFixed(3)} kW`),
        },
        {
          label: 'Estimated',
          stroke: '#b26a00',
          width: 2,
          fill: 'rgba(255,196,0,0.25)',
          paths: uPlot.paths.stepped({ align: 1 }),
          value: (_u, v) => (v == null ? '–' : `${v.toFixed(3)} kW`),
        },
      ],
    },
    [xs, kw, est],
    el,
  );
}
