// Numbers with their units and instants in the site's own time zone. Pure: also run by the table tests.

const nf = (digits) => new Intl.NumberFormat('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const cache = new Map();
const fmt = (digits) => {
  if (!cache.has(digits)) cache.set(digits, nf(digits));
  return cache.get(digits);
};

/** Power in kW with a precision that suits its size: 0.350 kW, 12.4 kW, 1,250 kW. */
export function kW(value) {
  if (value === undefined || value === null || !Number.isFinite(value)) return '–';
  const a = Math.abs(value);
  return `${fmt(a < 10 ? 3 : a < 100 ? 2 : a < 1000 ? 1 : 0).format(value)} kW`;
}

export function kWh(value) {
  if (value === undefined || value === null || !Number.isFinite(value)) return '–';
  return `${fmt(Math.abs(value) < 100 ? 2 : 1).format(value)} kWh`;
}

export function amps(value) {
  return value === undefined || value === null ? '–' : `${fmt(1).format(value)} A`;
}

export function volts(value) {
  return value === undefined || value === null ? '–' : `${fmt(0).format(value)} V`;
}

export function percent(value, digits = 1) {
  return value === undefined || value === null || !Number.isFinite(value) ? '–' : `${fmt(digits).format(value)} %`;
}

/** A change with its sign: +12.5 kWh, −3.0 %. */
export function signed(text, value) {
  if (value === undefined || value === null || !Number.isFinite(value)) return '–';
  return value > 0 ? `+${text}` : value < 0 ? text.replace('-', '−') : text;
}

const dtf = new Map();
function zoneFormat(timeZone, opts) {
  const key = `${timeZone}|${JSON.stringify(opts)}`;
  if (!dtf.has(key)) dtf.set(key, new Intl.DateTimeFormat('en-GB', { timeZone, ...opts }));
  return dtf.get(key);
}

/** 15 Oct 2026, 12:07 CEST: an instant in the site's zone, with the zone's abbreviation. */
export function dateTime(ms, timeZone) {
  if (ms === undefined || ms === null) return '–';
  return zoneFormat(timeZone, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(ms);
}

/** 12:07:31 in the site's zone. */
export function clock(ms, timeZone) {
  if (ms === undefined || ms === null) return '–';
  return zoneFormat(timeZone, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms);
}

/** How long ago, in words: 42 s ago, 5 min ago, 3 h ago, 2 d ago. */
export function ago(ms, nowMs) {
  if (ms === undefined || ms === null) return 'never';
  const s = Math.max(0, Math.round((nowMs - ms) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min ago`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** A duration in words: 3 h 20 min. */
export function duration(ms) {
  const m = Math.round(ms / 60000);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** A month label: 'October 2026' for '2026-10'. */
export function monthLabel(month) {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, 1));
}

/** The month before 'YYYY-MM'. */
export function previousMonth(month) {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The current month in a zone, 'YYYY-MM'. */
export function monthOf(ms, timeZone) {
  const p = Object.fromEntries(
    zoneFormat(timeZone, { year: 'numeric', month: '2-digit' })
      .formatToParts(ms)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}`;
}

/** Share measured as text, and whether to mark the figure as estimated. */
export function quality(measuredShare) {
  if (measuredShare === undefined || measuredShare >= 0.99995) return { estimated: false, text: 'measured' };
  // Near 100 %, enough digits that an estimated figure never reads as 100.0 % measured.
  return { estimated: true, text: `${fmt(measuredShare >= 0.999 ? 3 : 1).format(Math.floor(measuredShare * 1e5) / 1e3)} % measured` };
}
