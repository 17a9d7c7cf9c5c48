// `npm start`'s demo, end to end: a month and a half of history polled through the real chain on the
// warped clock, last month invoiced by the central node's run, the portal's API answering the printed
// operator login, live readings arriving, and a clean stop. It runs alone (test/timing is serial): the
// history keeps both cores busy for a minute or two.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parseDemoArgs } from '../../scripts/demo/args.js';
import type { StoredInvoice } from '../../central/storage/billing/types.js';
import { invoiceRows, liveText, readyText, termsOf } from '../../scripts/demo/report.js';

const DEMO = fileURLToPath(new URL('../../dist/scripts/demo/main.js', import.meta.url));

t.test('npm start: history, invoices, portal, live, stop', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-demo-test-'));
  const child = spawn(process.execPath, [DEMO, '--duration-s', '8', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  const deadline = Date.now() + 220_000;
  while (!/Portal: (\S+)/.test(stdout) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const url = /Portal: (\S+)/.exec(stdout)?.[1];
  t.ok(url, 'the portal URL is printed');
  const month = /Invoices for (\d{4}-\d{2})/.exec(stdout)?.[1];
  t.ok(month, 'last month is invoiced');
  const finals = [...stdout.matchAll(/^(AMS1-\d{4}-\d{6})\s+(\w+)\s+final\s+([\d.]+) EUR\s+(\S+)\s+(\S+\.pdf)$/gm)];
  t.same(finals.map((m) => m[2]).sort(), ['acme', 'lumen', 'nordwind'], 'one final invoice per demo customer');
  t.same(
    Object.fromEntries(finals.map((m) => [m[2], m[4]])),
    { acme: 'acme-colo/1', nordwind: 'nordwind-colo/1,nordwind-colo/2', lumen: 'lumen-colo/1' },
    'each on its contract; Nordwind renewed on the 16th',
  );
  type Line = { key: string; kind: string; description: string; prorate?: { days: number; daysInPeriod: number; basis?: string } };
  const invoice = new Map<string, { period: { days: number }; lines: Line[] }>();
  for (const m of finals) {
    t.ok(Number(m[3]) > 0, `${m[1]}: ${m[3]} EUR`);
    t.ok(existsSync(m[5]!), `${m[1]}: its PDF is written`);
    invoice.set(m[2]!, JSON.parse(readFileSync(m[5]!.replace(/\.pdf$/, '.json'), 'utf8')));
  }
  const days = invoice.get('acme')?.period.days ?? 0;
  const acme = invoice.get('acme')?.lines ?? [];
  t.ok(
    acme.some((l) => l.key.startsWith('energy:acme-colo/1+ams1-demo:')) && acme.some((l) => l.kind === 'commitment'),
    "acme: its negotiated price over the site's list, and power committed per rack",
  );
  t.match(
    acme.find((l) => l.kind === 'commitment'),
    { description: 'Committed power 3 kW (2 racks × 1.5 kW)', prorate: { days, daysInPeriod: days, basis: 'held' } },
  );
  const nordwind = invoice.get('nordwind')?.lines ?? [];
  t.same(
    nordwind.filter((l) => l.kind === 'fixed_fee').map((l) => l.prorate),
    [
      { days: 15, daysInPeriod: days, basis: 'held' },
      { days: days - 15, daysInPeriod: days, basis: 'held' },
    ],
    "nordwind: the site's fee split at the renewal on the 16th",
  );
  t.ok(
    nordwind.some((l) => l.kind === 'commitment' && l.key.startsWith('commitment:nordwind-colo/2+')),
    'committed power from the renewal on',
  );
  const lumen = invoice.get('lumen')?.lines ?? [];
  t.same(
    lumen.filter((l) => l.kind === 'fixed_fee').map((l) => [l.description, l.prorate]),
    [
      ['Cross-connect and monitoring', { days: days - 15, daysInPeriod: days, basis: 'held' }],
      ['Remote hands, 4 hours', { days: days - 15, daysInPeriod: days, basis: 'held' }],
    ],
    'lumen: its own fees for the days from its move-in on the 16th',
  );
  const history = /history .*: (\d+) hourly polls .* in ([\d.]+) s, (\d+) readings stored/.exec(stdout);
  t.ok(
    history && Number(history[3]) > 100_000,
    `the history went through the chain (${history?.[3]} readings stored in ${history?.[2]} s)`,
  );

  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'operator', password: 'operator-demo' }),
  });
  t.equal(login.status, 200, 'the printed operator login signs in');
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  const invoices = (await (await fetch(`${url}/api/v1/invoices?period=${month}`, { headers: { cookie } })).json()) as {
    number: string;
    status: string;
  }[];
  t.same(
    invoices.map((i) => i.status),
    ['final', 'final', 'final'],
    'the API lists them',
  );
  t.equal((await fetch(`${url}/`)).status, 200, 'the portal page is served');

  t.equal(await exited, 0, 'exits 0 after --duration-s');
  t.match(stdout, /live \d\d:\d\d:\d\d UTC: \d+ readings stored centrally/, 'live readings arrive');
  t.match(stdout, /stopped\. The demo's files stay in/, 'stops cleanly');
});

t.test('arguments and text', async (t) => {
  t.same(parseDemoArgs(['--duration-s', '2', '--data-dir', '/x']), { durationS: 2, dataDir: '/x' });
  t.throws(() => parseDemoArgs(['--duration-s', '-1']), /positive number/);
  t.throws(() => parseDemoArgs(['--data-dir']), /needs a folder/);
  t.throws(() => parseDemoArgs(['--nope']), /unknown argument --nope/);
  t.same(invoiceRows([], '/inv'), []);
  const stored = (versions: string[]) => ({ draft: { versions } }) as unknown as StoredInvoice;
  t.equal(termsOf(stored(['ams1-a', 'ams1-b'])), 'ams1-a,ams1-b', 'the site list');
  t.equal(termsOf(stored(['c/1+ams1-a', 'c/1+ams1-b', 'c/2+ams1-b'])), 'c/1,c/2', 'a contract over it');
  t.equal(termsOf(stored(['own/1'])), 'own/1', 'a price list of its own');
  const text = readyText({
    dir: '/d',
    centralYaml: '/d/central.yaml',
    mqttUrl: 'mqtt://127.0.0.1:1884',
    mqttUsual: false,
    rs485: 'RTU over TCP',
    history: { month: '2026-10', steps: 10, elapsedMs: 1500, readingsStored: 5 },
    invoices: [],
    invoiceDir: '/d/inv',
    logins: [],
  });
  t.match(text, /1883 was taken/);
  t.match(text, /none \(see the log above\)/);
  t.match(text, /Ctrl-C stops everything/);
  t.match(liveText([{ gateway: 'gw', powerW: new Map([['m', 1500]]), acked: 3, outbox: 0 }], 9, 0), /gw: 1 devices, 1\.50 kW now/);
});
