// The stop's last resort (gateway/shutdown.ts: the deadline passed, or a second signal): abandon() commits
// what was polled and closes the outbox synchronously, with the broker away and polls in flight, so the
// process may exit at once without losing a reading.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { startModbusSim } from '../../sim/modbus/start.js';
import type { Reading } from '../../protocol/reading.js';
import { freePort } from '../helpers/env.js';
import { demoConfig, identity, runGateway, waitFor } from '../helpers/gateway.js';
import { builtinProfiles } from '../helpers/modbus.js';

t.test('abandon commits every reading taken and closes the outbox, at once', async (t) => {
  const simPort = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port: simPort },
    meters: [1, 2, 3].map((unit) => ({ unit, profile: sdm })),
  });
  t.teardown(() => sim.close());
  const config = demoConfig(`mqtt://127.0.0.1:${await freePort()}`, simPort, { outbox: { commitIntervalMs: 60_000 } }); // nothing listens there
  const produced: Reading[] = [];
  const gw = await runGateway(config, produced);
  // What the process exit does after abandon(), done by hand here.
  t.teardown(async () => {
    await gw.acquisition.stop();
    await gw.publisher.stop();
    await gw.state.flush();
  });
  t.ok(await waitFor(() => produced.length > 10, 10_000), 'readings taken, none committed yet (a minute between commits)');
  const started = performance.now();
  gw.abandon();
  t.ok(performance.now() - started < 200, 'synchronous and quick');
  const taken = new Set(produced.map(identity));
  gw.abandon(); // a second time is harmless
  const db = new Database(join(config.dataDir, 'outbox.db'), { readonly: true });
  t.teardown(() => db.close());
  t.equal(db.pragma('quick_check', { simple: true }), 'ok', 'the outbox file is intact');
  const kept = new Set(
    (db.prepare("SELECT body FROM items WHERE kind = 'readings'").all() as { body: string }[]).flatMap((r) =>
      (JSON.parse(r.body) as Reading[]).map(identity),
    ),
  );
  t.same(
    [...taken].filter((k) => !kept.has(k)),
    [],
    `all ${taken.size} readings taken are committed`,
  );
});
