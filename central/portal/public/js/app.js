// The portal's shell: who is signed in, the sites they may see, and a page per hash route. Each page
// module exports mount(main, ctx) and returns a function that stops its timers when the page changes.
import { api } from './api.js';
import { html, render } from './dom.js';
import * as overview from './pages/overview.js';
import * as historyPage from './pages/history.js';
import * as comparePage from './pages/compare.js';
import * as chainPage from './pages/chain.js';
import * as alertsPage from './pages/alerts.js';
import * as invoicesPage from './pages/invoices.js';
import * as signin from './pages/signin.js';

const PAGES = { overview, history: historyPage, compare: comparePage, chain: chainPage, alerts: alertsPage, invoices: invoicesPage };
const main = document.getElementById('main');
let ctx;
let stop = () => {};

function routeOf() {
  const [page, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return { page: PAGES[page] ? page : 'overview', params: new URLSearchParams(query) };
}

function showChrome(me) {
  document.getElementById('nav').hidden = !me;
  document.getElementById('who').hidden = !me;
  if (!me) return;
  const who = me.customer ? `${me.username} · ${me.customerName ?? me.customer}` : `${me.username} · ${me.role}`;
  document.getElementById('who-name').textContent = who;
  document.querySelectorAll('nav a[data-role="staff"]').forEach((a) => {
    a.hidden = me.role === 'customer';
  });
}

async function show() {
  stop();
  stop = () => {};
  if (!ctx) {
    showChrome(undefined);
    stop = signin.mount(main, { onSignedIn: start }) ?? (() => {});
    return;
  }
  const { page, params } = routeOf();
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.dataset.page === page));
  const chosen = PAGES[page] === chainPage && ctx.me.role === 'customer' ? overview : PAGES[page];
  render(main, html``);
  stop = (await chosen.mount(main, { ...ctx, params })) ?? (() => {});
}

async function start() {
  try {
    const me = await api.me();
    const sites = await api.sites();
    const list = sites;
    ctx = { me, sites: list, site: (id) => list.find((s) => s.id === id) ?? list[0] };
  } catch {
    ctx = undefined;
  }
  showChrome(ctx?.me);
  await show();
}

document.getElementById('sign-out').addEventListener('click', async () => {
  try {
    await api.signOut();
  } finally {
    ctx = undefined;
    location.hash = '#/overview';
    await show();
  }
});
window.addEventListener('jb:signed-out', () => {
  if (!ctx) return;
  ctx = undefined;
  void show();
});
window.addEventListener('hashchange', () => void show());
void start();
