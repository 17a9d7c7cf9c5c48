// `npm start`'s demo, end to end: a month and a half of history polled through the real chain on the
// warped clock, last month invoiced by the central node's run, the portal's API answering the printed
// operator login, live readings arriving, and a clean stop. It runs alone (test/timing is serial): the
// history keeps both cores busy for a minute or two.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parseDemoArgs } from '../../scripts/demo/args.js';
import { invoiceRows, liveText, readyText } from '../../scripts/demo/report.js';

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
  const finals = [...stdout.matchAll(/^(AMS1-\d{4}-\d{6})\s+(\w+)\s+final\s+([\d.]+) EUR\s+(\S+\.pdf)$/gm)];
  t.same(finals.map((m) => m[2]).sort(), ['acme', 'lumen', 'nordwind'], 'one final invoice per demo customer');
  for (const m of finals) {
    t.ok(Number(m[3]) > 0, `${m[1]}: ${m[3]} EUR`);
    t.ok(existsSync(m[4]!), `${m[1]}: its PDF is written`);
  }
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
