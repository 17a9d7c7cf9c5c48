// GET /: the installer's status page, rendered from the status snapshot. One self-contained HTML document
// (no scripts, fonts or images from anywhere), refreshing itself, laid out in one column for a phone. Pure.
import type { Measurement } from '../../protocol/measurements.js';
import type { DeviceStatus, GatewayStatus } from './snapshot.js';

export const REFRESH_S = 5;

const UNITS: Partial<Record<Measurement, [string, number]>> = {
  energy_import_kwh: ['kWh', 2],
  power_w: ['W', 0],
  current_a: ['A', 2],
  voltage_v: ['V', 1],
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** "12 s ago", "3 min ago", "2 h ago", "4 d ago" from two ISO times; "never" without one. */
export function ago(at: string | undefined, now: string): string {
  if (!at) return 'never';
  const s = Math.max(0, Math.round((Date.parse(now) - Date.parse(at)) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** A duration in seconds, short. */
export function duration(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

const CSS = `
body{font:15px/1.4 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#1d2330;color:#fff;padding:12px 16px}header h1{font-size:18px;margin:0}header p{margin:2px 0 0;opacity:.8;font-size:13px}
main{max-width:760px;margin:0 auto;padding:8px}
section{background:#fff;border-radius:8px;margin:8px 0;padding:10px 14px;box-shadow:0 1px 2px #0002}
h2{font-size:16px;margin:4px 0 8px}
.badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:13px;font-weight:600;color:#fff}
.ok{background:#1f8a4c}.failing,.down,.critical{background:#c0392b}.waiting,.warning{background:#b7791f}.info{background:#4a6fa5}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}dt{color:#5b6475}dd{margin:0;overflow-wrap:anywhere}
.device{border-top:1px solid #e3e6eb;padding:8px 0}.device:first-of-type{border-top:0}
.device h3{font-size:15px;margin:0 0 4px;overflow-wrap:anywhere}.err{color:#c0392b;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{text-align:left;padding:3px 6px;border-bottom:1px solid #e3e6eb}
.scroll{overflow-x:auto}footer{text-align:center;color:#5b6475;font-size:12px;padding:8px}
`;

function badge(cls: string, text: string): string {
  return `<span class="badge ${cls}">${escapeHtml(text)}</span>`;
}

function rows(pairs: readonly (readonly [string, string | undefined])[]): string {
  return `<dl>${pairs
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`)
    .join('')}</dl>`;
}

function values(v: Partial<Record<Measurement, number>>): string {
  return Object.entries(UNITS)
    .filter(([m]) => v[m as Measurement] !== undefined)
    .map(([m, [unit, digits]]) => `${v[m as Measurement]!.toFixed(digits)} ${unit}`)
    .join(' · ');
}

function device(d: DeviceStatus, now: string): string {
  const ids = Object.entries(d.identities);
  const serials = ids
    .map(([dev, i]) => `${ids.length > 1 ? `${dev}: ` : ''}${i.serial ?? '?'}${i.model ? ` (${i.model})` : ''}`)
    .join(', ');
  const readings = Object.entries(d.values)
    .map(([dev, v]) => `${Object.keys(d.values).length > 1 ? `${escapeHtml(dev)}: ` : ''}${escapeHtml(values(v))}`)
    .join('<br>');
  const errors = Object.entries(d.errors)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const lat = d.requestLatencyMs ? `${d.requestLatencyMs.mean} ms mean, ${d.requestLatencyMs.max} ms max` : undefined;
  const stateText = d.state === 'failing' ? `failing (${d.consecutiveFailures})` : d.state;
  return `<div class="device" id="device-${escapeHtml(d.id)}"><h3>${badge(d.state, stateText)} ${escapeHtml(d.id)}</h3>${rows([
    ['profile', escapeHtml(d.profile)],
    ['where', escapeHtml(d.kind === 'modbus' ? `bus ${d.bus}, ${d.address}` : `SNMP ${d.address}`)],
    ['serial', serials ? escapeHtml(serials) : undefined],
    ['last reading', escapeHtml(ago(d.lastReadingAt, now))],
    ['values', readings || undefined],
    ['last poll', d.lastPollAt ? escapeHtml(`${ago(d.lastPollAt, now)}, ${d.lastOutcome ?? ''}, ${d.lastDurationMs ?? 0} ms`) : undefined],
    ['latency', lat],
    ['errors', errors ? escapeHtml(errors) : undefined],
    [
      'last error',
      d.lastError
        ? `<span class="err">${escapeHtml(`${d.lastError.kind}${d.lastError.reason ? `: ${d.lastError.reason}` : ''} (${ago(d.lastError.at, now)})`)}</span>`
        : undefined,
    ],
  ])}</div>`;
}

export function renderStatusPage(s: GatewayStatus): string {
  const b = s.broker;
  const failing = s.devices.filter((d) => d.state === 'failing').length;
  const alerts =
    s.alerts.length === 0
      ? '<p>none</p>'
      : s.alerts
          .map(
            (a) =>
              `<div class="device"><h3>${badge(a.severity, a.severity)} ${escapeHtml(a.type)}</h3><p>${escapeHtml(a.message)}</p>${rows([
                ['about', escapeHtml(a.subject ?? a.device ?? '')],
                ['since', escapeHtml(ago(iso(a.since ?? a.ts), s.now))],
              ])}</div>`,
          )
          .join('');
  const buses =
    s.buses.length === 0
      ? ''
      : `<section id="buses"><h2>Buses</h2><div class="scroll"><table><tr><th>bus</th><th>type</th><th>requests</th><th>timeouts</th><th>CRC</th><th>exceptions</th><th>other errors</th><th>mean</th></tr>${s.buses
          .map(
            (x) =>
              `<tr><td>${escapeHtml(x.id)}</td><td>${escapeHtml(x.type)}</td><td>${x.requests}</td><td>${x.errors.timeout}</td><td>${x.errors.crc}</td><td>${x.errors.exception}</td><td>${
                x.errors.garbage + x.errors.link + x.errors.stale_frame + x.errors.desync
              }</td><td>${x.latencyMs.mean} ms</td></tr>`,
          )
          .join('')}</table></div></section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="${REFRESH_S}"><title>${escapeHtml(s.gateway.id)}: gateway status</title><style>${CSS}</style></head>
<body><header><h1>${escapeHtml(s.gateway.id)}</h1><p>site ${escapeHtml(s.gateway.site)}, room ${escapeHtml(s.gateway.room)} · version ${escapeHtml(s.gateway.version)} · ${escapeHtml(s.now)}</p></header>
<main>
<section id="broker"><h2>Broker ${b.connected ? badge('ok', 'connected') : badge('down', 'not connected')}</h2>${rows([
    ['broker', escapeHtml(b.url)],
    ['last delivery', escapeHtml(ago(b.lastAckAt, s.now))],
    ['rate', `${b.publishedPerS} entries/s`],
    [
      'outbox',
      escapeHtml(
        `${s.outbox.entries} entries waiting (${s.outbox.items} items, ${(s.outbox.bytes / 1e6).toFixed(1)} MB)${s.outbox.entries > 0 ? `, oldest ${duration(s.outbox.oldestAgeS)}` : ''}`,
      ),
    ],
    ['last error', b.lastError ? `<span class="err">${escapeHtml(b.lastError)}</span>` : undefined],
  ])}</section>
<section id="alerts"><h2>Alerts (${s.alerts.length})</h2>${alerts}</section>
<section id="devices"><h2>Devices (${s.devices.length}${failing > 0 ? `, ${failing} failing` : ''})</h2>${s.devices.map((d) => device(d, s.now)).join('') || '<p>none configured</p>'}</section>
${buses}
</main><footer>refreshes every ${REFRESH_S} s · <a href="status.json">status.json</a> · <a href="metrics">metrics</a></footer></body></html>
`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
