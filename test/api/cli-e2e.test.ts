// `joulebook central user|token` and `joulebook central -c` with the example inventory, as separate
// processes: a user and a token made by the command, the API served by the node, the token revoked.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { freePort } from '../helpers/env.js';
import { BIN, runCli } from '../helpers/cli.js';

const inventory = fileURLToPath(new URL('../../config/inventory.example.yaml', import.meta.url));

t.test('users and tokens by command; the central node serves the API with them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-api-cli-'));
  const [apiPort, mqttPort] = [await freePort(), await freePort()];
  const file = join(dir, 'central.yaml');
  writeFileSync(join(dir, 'credentials.yaml'), 'version: 1\nusers: []\n');
  writeFileSync(file, `inventory: ${inventory}\napi: { port: ${apiPort} }\nbroker: { embedded: { port: ${mqttPort} } }\n`);
  const add = await runCli(['central', 'user', 'add', 'acme-portal', '--role', 'customer', '--customer', 'acme', '-c', file]);
  t.match(add.stdout, /user acme-portal added \(customer\); password \(shown once\): \S{20,}/);
  const bad = await runCli(['central', 'user', 'add', 'x', '--role', 'customer', '--customer', 'nobody', '-c', file]);
  t.not(bad.code, 0);
  t.match(bad.stderr, /unknown customer "nobody"/);
  t.match((await runCli(['central', 'user', 'add', 'ops', '--role', 'operator', '-c', file])).stdout, /added \(operator\)/);
  const opsToken = (await runCli(['central', 'token', 'create', 'ops', '--label', 'prometheus', '-c', file])).stdout
    .trim()
    .split('\n')
    .pop()!;
  const list = JSON.parse((await runCli(['central', 'user', 'list', '--json', '-c', file])).stdout) as { username: string; role: string }[];
  t.same(
    list.map((u) => [u.username, u.role]),
    [
      ['acme-portal', 'customer'],
      ['ops', 'operator'],
    ],
  );
  t.notMatch(JSON.stringify(list), /scrypt/, 'never a hash');
  const created = await runCli(['central', 'token', 'create', 'acme-portal', '--label', 'test', '-c', file]);
  const token = created.stdout.trim().split('\n').pop()!;
  t.match(token, /^jbt_\w{12}_[\w-]{43}$/);
  const id = token.split('_')[1]!;
  t.match((await runCli(['central', 'token', 'list', '-c', file])).stdout, new RegExp(`${id}  acme-portal  test`));

  const node = spawn(process.execPath, [BIN, 'central', '-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    node.kill('SIGTERM');
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    // The node logs to stderr.
    node.stderr.on('data', (d: Buffer) => {
      out += d.toString();
      if (/API listening/.test(out)) resolve();
    });
    setTimeout(() => reject(new Error(`no API after 20 s: ${out}`)), 20_000).unref();
    node.on('exit', (code) => reject(new Error(`central exited ${code}: ${out}`)));
  });
  const api = `http://127.0.0.1:${apiPort}/api/v1`;
  const me = await fetch(`${api}/me`, { headers: { authorization: `Bearer ${token}` } });
  t.match(await me.json(), { username: 'acme-portal', role: 'customer', customer: 'acme' });
  const sites = (await (await fetch(`${api}/sites`, { headers: { authorization: `Bearer ${token}` } })).json()) as { id: string }[];
  t.ok(sites.length >= 1, 'acme sees its sites');
  t.equal((await fetch(`${api}/tariffs`, { headers: { authorization: `Bearer ${token}` } })).status, 403);
  t.equal((await fetch(`http://127.0.0.1:${apiPort}/metrics`)).status, 401, 'the metrics are for staff (api.metrics defaults to staff)');
  t.equal(
    (await fetch(`http://127.0.0.1:${apiPort}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status,
    403,
    'not for a customer',
  );
  const metrics = await fetch(`http://127.0.0.1:${apiPort}/metrics`, { headers: { authorization: `Bearer ${opsToken}` } });
  t.equal(metrics.status, 200, "the node's metrics registry is served by the API to staff");
  t.match(await metrics.text(), /^joulebook_central_ingest_\w+/m);
  t.match((await runCli(['central', 'token', 'revoke', id, '-c', file])).stdout, /revoked/);
  t.equal(
    (await fetch(`${api}/me`, { headers: { authorization: `Bearer ${token}` } })).status,
    401,
    'a revoked token is refused by the running node',
  );
  t.match((await runCli(['central', 'user', 'passwd', 'ops', '-c', file])).stdout, /password of ops \(shown once\): \S{20,}/);
  t.match((await runCli(['central', 'user', 'remove', 'ops', '-c', file])).stdout, /removed/);
  t.not((await runCli(['central', 'user', 'remove', 'ops', '-c', file])).code, 0);
  t.not((await runCli(['central', 'token', 'revoke', 'nope', '-c', file])).code, 0);
});
