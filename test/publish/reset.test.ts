// A gateway that finds its outbox damaged after a power cut moves it aside, starts a fresh one, keeps
// numbering above the last sequence it knew, and tells subscribers: a gap event and a critical alert.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { startModbusSim } from '../../sim/modbus/start.js';
import { AlertsMessage, EventsMessage, ReadingsMessage } from '../../protocol/wire.js';
import { freePort } from '../helpers/env.js';
import { startAedes } from '../helpers/brokers.js';
import { demoConfig, runGateway, waitFor } from '../helpers/gateway.js';
import { builtinProfiles } from '../helpers/modbus.js';

t.test('a damaged outbox at start', async (t) => {
  const broker = await startAedes(await freePort());
  t.teardown(() => broker.close());
  const simPort = await freePort();
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port: simPort },
    meters: [{ unit: 1, profile: (await builtinProfiles()).get('eastron-sdm630')! }],
  });
  t.teardown(() => sim.close());
  const config = demoConfig(broker.url, simPort);
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(join(config.dataDir, 'outbox.db'), Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(8192, 0xa5)]));
  writeFileSync(join(config.dataDir, 'state.json'), JSON.stringify({ boots: 7, lastSeq: 90210, channels: {} }));

  const sub = await mqtt.connectAsync(broker.url, { clientId: 'watch-reset' });
  t.teardown(() => sub.endAsync(true));
  const got = { alerts: [] as AlertsMessage[], events: [] as EventsMessage[], readings: [] as ReadingsMessage[] };
  sub.on('message', (topic, payload) => {
    const body = JSON.parse(payload.toString()) as unknown;
    if (topic.endsWith('/alerts')) got.alerts.push(AlertsMessage.parse(body));
    if (topic.endsWith('/events')) got.events.push(EventsMessage.parse(body));
    if (topic.endsWith('/readings')) got.readings.push(ReadingsMessage.parse(body));
  });
  await sub.subscribeAsync('joulebook/v1/+/+/+', { qos: 1 });

  const gw = await runGateway(config);
  t.teardown(() => gw.stop());
  t.ok(
    await waitFor(() => got.alerts.length > 0 && got.events.length > 0 && got.readings.length > 0, 10_000),
    'alert, event and readings arrive',
  );
  t.match(got.alerts[0]!.alerts[0], { id: 'outbox-reset', severity: 'critical', state: 'raised', message: /moved aside/ });
  t.match(
    got.events.flatMap((m) => m.events).find((e) => e.type === 'gap'),
    { reason: 'outbox_reset', toSeq: 90210 },
  );
  t.ok(got.readings[0]!.seq > 90210, `numbering continues above the last known sequence (${got.readings[0]!.seq})`);
  t.equal(gw.boot.split('-')[0], '8', 'the boot counter went on');
  t.ok(
    readdirSync(config.dataDir).some((n) => n.startsWith('outbox.db.corrupt-')),
    'the damaged file is kept',
  );
});
