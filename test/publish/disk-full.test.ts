// A full SD card is reported, not a crash: the gateway keeps polling, says so in its status, keeps a
// bounded number of results in memory and announces what it had to drop.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startModbusSim } from '../../sim/modbus/start.js';
import { freePort, needPeer } from '../helpers/env.js';
import { demoConfig, runGateway, waitFor } from '../helpers/gateway.js';
import { builtinProfiles } from '../helpers/modbus.js';
import { waitFor as waitUntil } from '../helpers/wait.js';
import type { Reading } from '../../protocol/reading.js';

function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

t.test('the data disk fills up', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jb-full-'));
  if (!needPeer(t, mountTmpfs(dataDir, '600k'), 'root, to mount a small tmpfs as a full disk')) return;
  t.teardown(() => execFileSync('umount', ['-l', dataDir]));
  const simPort = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port: simPort },
    meters: [1, 2, 3].map((unit) => ({ unit, profile: sdm })),
  });
  t.teardown(() => sim.close());
  // No broker: nothing is acknowledged, so the outbox only grows.
  const config = { ...demoConfig(`mqtt://127.0.0.1:${await freePort()}`, simPort), dataDir };
  config.outbox = { ...config.outbox, commitIntervalMs: 50, maxPendingItems: 40 };
  config.devices = config.devices.map((d) => ({ ...d, energyIntervalMs: 100, fullIntervalMs: 100 }));
  const produced: Reading[] = [];
  const gw = await runGateway(config, produced);
  t.teardown(() => gw.stop());
  t.ok(await waitFor(() => /full/i.test(gw.publisher.lastError ?? ''), 30_000), `the full disk is reported: ${gw.publisher.lastError}`);
  const status = gw.publisher.status('online');
  t.match(status.lastError, /full/i, 'in the status message too');
  const before = produced.length;
  // Polling goes on: wait (bounded) for more poll results than the memory bound holds, watching the bound meanwhile.
  const polls = () => config.devices.reduce((n, d) => n + (gw.book.get(d.id)?.polls ?? 0), 0);
  const pollsBefore = polls();
  let mostPending = gw.outbox.pendingCount;
  await waitUntil(
    () => {
      mostPending = Math.max(mostPending, gw.outbox.pendingCount);
      return polls() > pollsBefore + 60 && produced.length > before;
    },
    { timeoutMs: 15_000, what: () => `60 more polls on the full disk (${polls() - pollsBefore})` },
  );
  t.ok(produced.length > before, 'polling goes on');
  t.ok(
    mostPending <= 40 && gw.outbox.pendingCount <= 40,
    `memory stays bounded (at most ${mostPending} results waiting, ${gw.outbox.pendingCount} now)`,
  );
  t.ok(gw.outbox.size.entries > 0, 'what was committed before stays committed');
});
