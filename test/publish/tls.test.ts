// TLS with a client certificate, and a username and password, against a real Mosquitto: readings flow;
// a wrong password is refused, reported and survived.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { startModbusSim } from '../../sim/modbus/start.js';
import { ReadingsMessage } from '../../protocol/wire.js';
import { freePort, hasProgram, needPeer } from '../helpers/env.js';
import { canConnect, hasMosquitto } from '../helpers/brokers.js';
import { demoConfig, runGateway, waitFor } from '../helpers/gateway.js';
import { builtinProfiles } from '../helpers/modbus.js';
import { makeTlsFiles } from '../helpers/tls.js';
import { waitFor as waitUntil } from '../helpers/wait.js';

t.test('mqtts with client certificate and password', async (t) => {
  if (!needPeer(t, hasMosquitto() && hasProgram('openssl', ['version']), 'mosquitto and openssl')) return;
  const tls = makeTlsFiles();
  const port = await freePort();
  const passwd = join(tls.dir, 'passwd');
  writeFileSync(passwd, '');
  execFileSync('mosquitto_passwd', ['-b', passwd, 'gw-tls', 's3cret-pass']);
  chmodSync(passwd, 0o644);
  const conf = join(tls.dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      `cafile ${tls.ca}`,
      `certfile ${tls.serverCert}`,
      `keyfile ${tls.serverKey}`,
      'require_certificate true',
      'allow_anonymous false',
      `password_file ${passwd}`,
      'log_dest none',
      '',
    ].join('\n'),
  );
  const broker = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  t.teardown(() => broker.kill());
  await waitUntil(() => canConnect(port), { timeoutMs: 10_000, what: `mosquitto listening on 127.0.0.1:${port}` });

  const url = `mqtts://127.0.0.1:${port}`;
  const creds = {
    ca: readFileSync(tls.ca),
    cert: readFileSync(tls.clientCert),
    key: readFileSync(tls.clientKey),
    username: 'gw-tls',
    password: 's3cret-pass',
  };
  const sub = await mqtt.connectAsync(url, { ...creds, clientId: 'sub-tls', rejectUnauthorized: true });
  t.teardown(() => sub.endAsync(true));
  const got: ReadingsMessage[] = [];
  sub.on('message', (_topic, payload) => got.push(ReadingsMessage.parse(JSON.parse(payload.toString()))));
  await sub.subscribeAsync('joulebook/v1/+/+/readings', { qos: 1 });

  const simPort = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const meters = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port: simPort },
    meters: [1, 2, 3].map((unit) => ({ unit, profile: sdm })),
  });
  t.teardown(() => meters.close());

  const good = demoConfig(url, simPort);
  good.mqtt = { ...good.mqtt, username: 'gw-tls', password: 's3cret-pass', tls: { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey } };
  const gw = await runGateway(good);
  t.teardown(() => gw.stop());
  t.ok(await waitFor(() => got.length > 3, 10_000), `readings arrive over TLS (${got.length} messages)`);
  t.ok(gw.publisher.connected);

  const bad = demoConfig(url, simPort, { gateway: { id: 'gw-bad', site: 'ams1', room: 'r1' } });
  bad.mqtt = { ...bad.mqtt, username: 'gw-tls', password: 'wrong', tls: { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey } };
  const refused = await runGateway(bad);
  t.teardown(() => refused.stop());
  t.ok(
    await waitFor(() => /not authorized|bad user|refused/i.test(refused.publisher.lastError ?? ''), 10_000),
    `refusal reported: ${refused.publisher.lastError}`,
  );
  t.notOk(refused.publisher.connected);
  t.ok(await waitFor(() => refused.outbox.size.entries > 0, 5000), 'its readings wait in the outbox');
});
