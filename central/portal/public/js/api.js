// Every call the portal makes to the central API, in one place (paths under /api/v1). The session is a
// cookie set by the sign-in; a 401 anywhere sends the user back to the sign-in page.
const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function call(method, path, body) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    credentials: 'same-origin',
    headers: body ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return undefined;
  const text = await res.text();
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/auth/login') window.dispatchEvent(new CustomEvent('jb:signed-out'));
    throw new ApiError(res.status, data?.error?.message ?? `${res.status} ${res.statusText}`);
  }
  return data;
}

const qs = (params) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
};

export const api = {
  signIn: (username, password) => call('POST', '/auth/login', { username, password }),
  signOut: () => call('POST', '/auth/logout'),
  me: () => call('GET', '/me'),
  sites: () => call('GET', '/sites'),
  alerts: (params = {}) => call('GET', `/alerts${qs(params)}`),
  invoices: (params = {}) => call('GET', `/invoices${qs(params)}`),
  invoiceUrl: (invoice, format) => `${BASE}/invoices/${encodeURIComponent(invoice.id)}/${format}`,
  notes: (params = {}) => call('GET', `/notes${qs(params)}`),
  noteUrl: (note, format) => `${BASE}/notes/${encodeURIComponent(note.id)}/${format}`,
  targets: (site) => call('GET', `/portal/targets${qs({ site })}`),
  live: (params) => call('GET', `/portal/live${qs(params)}`),
  history: (params) => call('GET', `/portal/history${qs(params)}`),
  compare: (params) => call('GET', `/portal/compare${qs(params)}`),
  chain: (site) => call('GET', `/portal/chain${qs({ site })}`),
};
