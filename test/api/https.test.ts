// The API over HTTPS (api.tls): a sign-in sets a Secure, HttpOnly, SameSite=Strict cookie that opens the
// next request; a wrong password is refused; /metrics and the OpenAPI document are served beside it.
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { startApi } from '../../central/api/compose.js';
import { makeTlsFiles } from '../helpers/tls.js';
import { makeWorld } from './world.js';

function https(
  url: string,
  ca: Buffer,
  o: { method?: string; body?: unknown; cookie?: string; token?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = {
      ...(o.body ? { 'content-type': 'application/json' } : {}),
      ...(o.cookie ? { cookie: o.cookie } : {}),
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
    };
    const req = request(url, { method: o.method ?? 'GET', ca, headers }, (res) => {
      let text = '';
      res
        .setEncoding('utf8')
        .on('data', (c: string) => {
          text += c;
        })
        .on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(o.body ? JSON.stringify(o.body) : undefined);
  });
}

t.test('HTTPS, cookie sign-in, metrics', async (t) => {
  const w = await makeWorld({ listen: false });
  t.teardown(() => w.close());
  const tls = makeTlsFiles();
  const ca = readFileSync(tls.ca);
  const api = await startApi(w.deps, { host: '127.0.0.1', port: 0, tls: { cert: tls.serverCert, key: tls.serverKey } });
  t.teardown(() => api.close());
  t.match(api.url, /^https:\/\/127\.0\.0\.1:\d+$/);

  const wrong = await https(`${api.url}/api/v1/auth/login`, ca, { method: 'POST', body: { username: 'ops', password: 'nope' } });
  t.equal(wrong.status, 401, 'a wrong password is refused');
  const ok = await https(`${api.url}/api/v1/auth/login`, ca, { method: 'POST', body: { username: 'ops', password: w.passwords.operator } });
  t.equal(ok.status, 200);
  const cookie = String(ok.headers['set-cookie']);
  t.match(cookie, /HttpOnly/i);
  t.match(cookie, /Secure/i, 'Secure over HTTPS');
  t.match(cookie, /SameSite=Strict/i);
  const me = await https(`${api.url}/api/v1/me`, ca, { cookie: cookie.split(';')[0]! });
  t.match(JSON.parse(me.text), { username: 'ops', role: 'operator' }, 'the cookie opens the next request');
  t.equal((await https(`${api.url}/metrics`, ca)).status, 401, 'the metrics are for staff');
  const metrics = await https(`${api.url}/metrics`, ca, { token: w.tokens.readonly });
  t.equal(metrics.status, 200);
  t.match(metrics.text, /jb_up 1/, 'the metrics renderer is served');
  t.match(JSON.parse((await https(`${api.url}/api/v1/openapi.json`, ca)).text), { openapi: '3.0.3' });
  await t.rejects(https(`${api.url}/api/v1/me`, Buffer.from('')), 'an unknown CA is refused by the client');
});
