import t from 'tap';
import { freePort, quietLog } from '../../test/helpers/env.js';
import { StatusServer, StatusServerError } from './server.js';

t.test('a route that throws answers 500 and the server goes on', async (t) => {
  const port = await freePort();
  const s = new StatusServer({
    options: { host: '127.0.0.1', port },
    log: quietLog,
    routes: new Map([
      [
        '/boom',
        () => {
          throw new Error('snapshot failed');
        },
      ],
      ['/ok', () => ({ contentType: 'text/plain', body: 'fine' })],
    ]),
  });
  t.same(await s.start(), { url: `http://127.0.0.1:${port}` });
  t.teardown(() => s.stop());
  const boom = await fetch(`http://127.0.0.1:${port}/boom`);
  t.equal(boom.status, 500);
  t.equal(await boom.text(), 'internal error; see the gateway log\n');
  const ok = await fetch(`http://127.0.0.1:${port}/ok?x=1`);
  t.equal(ok.status, 200, 'query strings are ignored');
  t.equal(ok.headers.get('cache-control'), 'no-store');
  t.equal(await ok.text(), 'fine');
});

t.test('addresses it cannot listen on, each with the setting to change', async (t) => {
  const routes = new Map();
  const cases: { host: string; code: string; says: string }[] = [
    { host: '192.0.2.1', code: 'EADDRNOTAVAIL', says: 'is not an address of this machine' },
    { host: 'no-such-host.invalid', code: 'ENOTFOUND', says: 'failed: getaddrinfo ENOTFOUND' },
  ];
  for (const c of cases) {
    const s = new StatusServer({ options: { host: c.host, port: await freePort() }, routes, log: quietLog });
    const err = await s.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    t.type(err, StatusServerError, c.host);
    t.match(err, {
      code: c.code,
      message: new RegExp(
        `^status page: ${c.host.replace(/\./g, '\\.')}:\\d+ ${c.says}.*change status\\.host or status\\.port in gateway\\.yaml, or set status\\.enabled: false$`,
      ),
    });
    await s.stop(); // never started: nothing to do
  }
});

t.test('IPv6 hosts are bracketed in the URL', async (t) => {
  const s = new StatusServer({ options: { host: '::1', port: await freePort() }, routes: new Map(), log: quietLog });
  const r = await s.start().catch((e: unknown) => e);
  if (r instanceof StatusServerError) {
    t.comment(`skipping: no IPv6 loopback here (${r.message})`);
    return;
  }
  t.teardown(() => s.stop());
  t.match(r, { url: /^http:\/\/\[::1\]:\d+$/ });
});
