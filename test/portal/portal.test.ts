// The portal in real headless Chromium against a real central node: an operator and a customer sign in,
// watch a live value move as a gateway publishes over MQTT, open a chart, compare two months and download
// an invoice (PDF, CSV, JSON, its UBL e-invoice) and the credit note that corrects it; a customer sees
// nothing of another's, and another customer gets 404 for that invoice's UBL and for the note.
// Screenshots of every page: test-artifacts/portal/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import t from 'tap';
import { artifactDir, CHROMIUM, hasChromium, launchChromium } from '../helpers/browser.js';
import { needPeer } from '../helpers/env.js';
import { PASSWORDS, startPortalWorld } from './world.js';

const SHOTS = artifactDir('portal');

async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/#/overview`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('#nav:not([hidden])');
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Waits until the live table shows this value for the group (it refreshes every 3 s). */
async function liveShows(page: Page, key: string, value: string): Promise<void> {
  await page
    .locator(`#live-table td.live-value[data-key="${key}"]`, { hasText: new RegExp(`^${value.replace('.', '\\.')}$`) })
    .waitFor({ timeout: 10_000 });
}

async function attrs(page: Page, selector: string, name: string): Promise<(string | null)[]> {
  const rows = page.locator(selector);
  const out: (string | null)[] = [];
  for (let i = 0; i < (await rows.count()); i++) out.push(await rows.nth(i).getAttribute(name));
  return out;
}

t.test('operator and customer in Chromium', async (t) => {
  if (!needPeer(t, hasChromium(), `Chromium (${CHROMIUM}; Debian package chromium)`)) return;
  const w = await startPortalWorld();
  t.teardown(() => w.close());
  const browser = await launchChromium();
  t.teardown(() => browser.close());

  await t.test('operator', async (t) => {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
    await context.clock.install({ time: w.clock.now() });
    const page = await context.newPage();
    await page.goto(`${w.url}/`);
    await page.fill('input[name=username]', 'ops');
    await page.fill('input[name=password]', 'wrong');
    await page.click('#signin-form button[type=submit]');
    await page.locator('#signin-error', { hasText: 'Wrong username or password' }).waitFor({ timeout: 5000 });
    t.pass('a wrong password is refused');
    await signIn(page, w.url, 'ops', PASSWORDS.ops);
    t.match(await page.locator('#who-name').textContent(), /ops · operator/);

    await w.publishLive(2500);
    await liveShows(page, 'ams1/ams1-k11', '2.500 kW');
    t.pass('the rack shows the published power');
    await w.publishLive(4200);
    await liveShows(page, 'ams1/ams1-k11', '4.200 kW');
    t.pass('the live value moved to 4.200 kW without a reload');
    await shot(page, 'operator-live');

    await page.goto(`${w.url}/#/history?site=ams1&target=rack:ams1-r12&range=365d`);
    await page.waitForSelector('#chart canvas', { timeout: 15_000 });
    t.match(await page.locator('#hist-cards').textContent(), /kWh/, 'the chart comes with its energy');
    await shot(page, 'operator-history');

    await page.goto(`${w.url}/#/compare?site=ams1&by=rack&a=2026-09&b=2026-10`);
    await page.waitForSelector('#cmp-table', { timeout: 20_000 });
    const r12 = await page.locator('#cmp-table tr[data-group="ams1-r12"]').textContent();
    t.match(r12, /2,235(\.0)? kWh/, "rack r12: 3 kW over October's 745 hours");
    t.match(r12, /3\.000 kW/, 'its 15-minute peak');
    await shot(page, 'operator-compare');

    await page.goto(`${w.url}/#/chain`);
    await page.waitForSelector('main table', { timeout: 10_000 });
    await shot(page, 'operator-chain');
    await page.goto(`${w.url}/#/alerts`);
    await page.waitForSelector('main h1', { timeout: 10_000 });
    await shot(page, 'operator-alerts');

    await page.goto(`${w.url}/#/invoices`);
    await page.waitForSelector('#inv-table', { timeout: 10_000 });
    const numbers = await attrs(page, '#inv-table tbody tr.invoice-row', 'data-invoice');
    const all = (await w.central.billing!.store.invoices({ period: '2026-10' })).map((i) => i.number);
    t.ok(all.length >= 2 && all.includes('NL-BV-2026-000001'), 'October invoiced by the real run');
    t.same([...numbers].sort(), [...all].sort(), 'every invoice listed');
    await shot(page, 'operator-invoices');
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('tr[data-invoice="NL-BV-2026-000001"] a.dl-pdf')]);
    t.equal(
      readFileSync((await pdf.path())!)
        .subarray(0, 5)
        .toString(),
      '%PDF-',
      'the PDF downloads',
    );
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('tr[data-invoice="NL-BV-2026-000001"] a.dl-csv')]);
    t.match(readFileSync((await csv.path())!, 'utf8'), /NL-BV-2026-000001,final,acme,ams1,/, 'the CSV downloads');
    const note = page.locator(`tr.note-row[data-note="${w.acmeNote.number}"]`);
    t.equal(await note.getAttribute('data-invoice-of'), 'NL-BV-2026-000001', 'the credit note is listed under its invoice');
    t.match(await note.locator('td.note-delta').textContent(), /^-\d+\.\d\d EUR$/);
    t.equal(await page.locator('tr.note-row').count(), 1, 'and no other note');
    await context.close();
  });

  await t.test('customer', async (t) => {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
    await context.clock.install({ time: w.clock.now() });
    const page = await context.newPage();
    await signIn(page, w.url, 'acme-admin', PASSWORDS.acme);
    t.ok(await page.locator('nav a[data-page="chain"]').isHidden(), 'no power chain for customers');
    await w.publishLive(3100);
    await liveShows(page, 'ams1/ams1-k11', '3.100 kW');
    const racks = await attrs(page, '#live-table tbody tr', 'data-group');
    t.ok(racks.includes('ams1-r12') && !racks.some((r) => r?.startsWith('ams1-c7')), "its own racks, none of nordwind's cage");
    await w.publishLive(3600);
    await liveShows(page, 'ams1/ams1-k11', '3.600 kW');
    t.pass('the customer watches its rack move');
    await shot(page, 'customer-live');

    await page.goto(`${w.url}/#/history?site=ams1&target=rack:ams1-k11&range=365d`);
    await page.waitForSelector('#chart canvas', { timeout: 15_000 });
    await shot(page, 'customer-history');
    await page.goto(`${w.url}/#/history?site=ams1&target=rack:ams1-c7-k01&range=365d`);
    await page.waitForSelector('main .error, main [role=alert], main select[name=id]', { timeout: 10_000 });
    t.notMatch(await page.locator('main').textContent(), /ams1-c7/, "another customer's rack is neither offered nor charted");

    await page.goto(`${w.url}/#/compare?site=ams1&by=rack&a=2026-09&b=2026-10`);
    await page.waitForSelector('#cmp-table', { timeout: 20_000 });
    const compared = await page.locator('#cmp-table').textContent();
    t.match(compared, /ams1-r12/, 'its racks compared');
    t.notMatch(compared, /ams1-c7/, "none of another customer's");
    await shot(page, 'customer-compare');

    await page.goto(`${w.url}/#/invoices`);
    await page.waitForSelector('#inv-table', { timeout: 10_000 });
    const numbers = await attrs(page, '#inv-table tbody tr.invoice-row', 'data-invoice');
    const own = (await w.central.billing!.store.invoices({ customer: 'acme', status: 'final' })).map((i) => i.number);
    t.ok(own.includes('NL-BV-2026-000001'), "acme's October invoice");
    t.same([...numbers].sort(), [...own].sort(), 'only its own invoices');
    await shot(page, 'customer-invoices');
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('tr[data-invoice="NL-BV-2026-000001"] a.dl-pdf')]);
    t.equal(
      readFileSync((await pdf.path())!)
        .subarray(0, 5)
        .toString(),
      '%PDF-',
    );
    const others = (await w.central.billing!.store.invoices({ customer: 'nordwind' }))[0]!;
    const direct = await page.request.get(`${w.url}/api/v1/invoices/${others.id}/pdf`);
    t.equal(direct.status(), 404, "another customer's invoice by its URL: not found");

    const row = 'tr[data-invoice="NL-BV-2026-000001"]';
    const [json] = await Promise.all([page.waitForEvent('download'), page.click(`${row} a.dl-json`)]);
    t.match(JSON.parse(readFileSync((await json.path())!, 'utf8')), { number: 'NL-BV-2026-000001', status: 'final' }, 'and its JSON');

    const noteRow = `tr.note-row[data-note="${w.acmeNote.number}"]`;
    t.equal(await page.locator('tr.note-row').count(), 1, 'its credit note, under the invoice');
    const [notePdf] = await Promise.all([page.waitForEvent('download'), page.click(`${noteRow} a.dl-pdf`)]);
    t.equal(notePdf.suggestedFilename(), `${w.acmeNote.number}.pdf`);
    t.equal(
      readFileSync((await notePdf.path())!)
        .subarray(0, 5)
        .toString(),
      '%PDF-',
      'the credit note PDF downloads',
    );
    const [noteJson] = await Promise.all([page.waitForEvent('download'), page.click(`${noteRow} a.dl-json`)]);
    t.match(JSON.parse(readFileSync((await noteJson.path())!, 'utf8')), {
      number: w.acmeNote.number,
      kind: 'credit',
      invoice: { number: 'NL-BV-2026-000001' },
    });
    await shot(page, 'customer-invoices-notes');
    // The e-invoices last: the invoice's and the credit note's UBL.
    const [xml] = await Promise.all([page.waitForEvent('download'), page.click(`${row} a.dl-ubl`)]);
    t.equal(xml.suggestedFilename(), 'NL-BV-2026-000001.xml');
    const ubl = readFileSync((await xml.path())!, 'utf8');
    t.match(ubl, /<Invoice[\s>]/, 'the UBL e-invoice of its invoice downloads');
    t.match(ubl, /NL-BV-2026-000001/);
    const [noteXml] = await Promise.all([page.waitForEvent('download'), page.click(`${noteRow} a.dl-ubl`)]);
    t.match(readFileSync((await noteXml.path())!, 'utf8'), /<CreditNote[\s>]/, 'and its UBL credit note');
    await page.goto(`${w.url}/#/alerts`);
    await page.waitForSelector('main h1', { timeout: 10_000 });
    await shot(page, 'customer-alerts');
    await context.close();
  });

  await t.test("another customer: acme's invoice UBL and credit note are not found", async (t) => {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
    await context.clock.install({ time: w.clock.now() });
    const page = await context.newPage();
    await signIn(page, w.url, 'nord-admin', PASSWORDS.nord);
    await page.goto(`${w.url}/#/invoices`);
    await page.waitForSelector('#inv-table', { timeout: 10_000 });
    t.notOk(
      (await attrs(page, '#inv-table tbody tr.invoice-row', 'data-invoice')).includes('NL-BV-2026-000001'),
      "acme's invoice is not listed",
    );
    t.equal(await page.locator('tr.note-row').count(), 0, 'nor its note');
    const acmeInvoice = (await w.central.billing!.store.invoiceByNumber('NL-BV-2026-000001'))!;
    for (const path of [
      `invoices/${acmeInvoice.id}/ubl`,
      `notes/${w.acmeNote.id}/pdf`,
      `notes/${w.acmeNote.id}/ubl`,
      `notes/${w.acmeNote.id}`,
    ]) {
      t.equal((await page.request.get(`${w.url}/api/v1/${path}`)).status(), 404, `${path}: not found`);
    }
    t.same(await (await page.request.get(`${w.url}/api/v1/notes`)).json(), [], 'no notes of its own');
    await context.close();
  });
});
