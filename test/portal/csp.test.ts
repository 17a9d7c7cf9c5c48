// The portal under its Content-Security-Policy, in real headless Chromium against a real central node
// (issue 17): every page works and the browser reports no violation, while an inline script or style
// attribute slipped into the page is refused, so the count would see one.
import t from 'tap';
import { CONTENT_SECURITY_POLICY } from '../../central/api/headers.js';
import { CHROMIUM, hasChromium, launchChromium } from '../helpers/browser.js';
import { needPeer } from '../helpers/env.js';
import { PASSWORDS, startPortalWorld } from './world.js';

/** What the page functions below see (they run in the browser; this project's types know no DOM). */
interface InPage {
  cspViolations: string[];
  inlineRan?: boolean;
  document: {
    addEventListener(type: 'securitypolicyviolation', f: (e: { violatedDirective: string; blockedURI: string }) => void): void;
    createElement(tag: string): { textContent: string; setAttribute(name: string, value: string): void };
    head: { append(e: unknown): void };
    body: { append(e: unknown): void };
  };
}
interface Sized {
  dataset: { width?: string };
  style: { width: string };
}

t.test('every portal page under the CSP: no violation', async (t) => {
  if (!needPeer(t, hasChromium(), `Chromium (${CHROMIUM}; Debian package chromium)`)) return;
  const w = await startPortalWorld();
  t.teardown(() => w.close());
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
  // Before any page script: the browser's own report of each refusal, and the console's.
  await context.addInitScript(() => {
    const g = globalThis as unknown as InPage;
    g.cspViolations = [];
    g.document.addEventListener('securitypolicyviolation', (e) => {
      g.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const consoleCsp: string[] = [];
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) consoleCsp.push(m.text());
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  const first = await page.goto(`${w.url}/`);
  t.equal(first?.headers()['content-security-policy'], CONTENT_SECURITY_POLICY, 'the page comes with the policy');
  await page.fill('input[name=username]', 'ops');
  await page.fill('input[name=password]', PASSWORDS.ops);
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('#nav:not([hidden])');
  await w.publishLive(2500);
  await page.locator('#live-table td.live-value').first().waitFor({ timeout: 10_000 });

  const pages: [string, string][] = [
    ['history?site=ams1&target=rack:ams1-r12&range=365d', '#chart canvas'],
    ['compare?site=ams1&by=rack&a=2026-09&b=2026-10', '#cmp-table'],
    ['chain', '#chain-table tbody tr'],
    ['alerts', 'main h1'],
    ['invoices', '#inv-table'],
    ['overview', '#live-table td.live-value'],
  ];
  for (const [hash, selector] of pages) {
    await page.goto(`${w.url}/#/${hash}`);
    await page.waitForSelector(selector, { timeout: 20_000 });
    t.pass(`#/${hash} shows ${selector}`);
  }
  await page.goto(`${w.url}/#/chain`);
  await page.waitForSelector('#chain-table tbody tr');
  const widths = await page.$$eval('[data-width]', (els) => (els as unknown as Sized[]).map((e) => [e.dataset.width, e.style.width]));
  t.ok(widths.length > 0, `the power chain sizes ${widths.length} elements`);
  t.ok(
    widths.every(([want, got]) => want === got),
    'each through the CSSOM (no style attribute in markup)',
  );

  const violations = await page.evaluate(() => (globalThis as unknown as InPage).cspViolations);
  t.same(violations, [], 'no CSP violation reported by the browser');
  t.same(consoleCsp, [], 'none on the console');
  t.same(errors, [], 'no script error');

  // The count sees a violation: an inline script and a style attribute slipped into the page are refused.
  await page.evaluate(() => {
    const { document } = globalThis as unknown as InPage;
    const s = document.createElement('script');
    s.textContent = 'window.inlineRan = true';
    document.head.append(s);
    const d = document.createElement('div');
    d.setAttribute('style', 'color: red');
    document.body.append(d);
  });
  await page.waitForFunction(() => (globalThis as unknown as InPage).cspViolations.length >= 2, undefined, { timeout: 5000 });
  const injected = await page.evaluate(() => {
    const g = globalThis as unknown as InPage;
    return { ran: g.inlineRan === true, violations: g.cspViolations };
  });
  t.equal(injected.ran, false, 'the inline script did not run');
  t.match(injected.violations.join('\n'), /script-src-elem inline/, 'refused: the inline script');
  t.match(injected.violations.join('\n'), /style-src-attr inline/, 'refused: the style attribute');
  await context.close();
});
