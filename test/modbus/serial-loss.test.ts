// The RS-485 adapter disappears (USB unplugged) and comes back: the bus reports link errors without
// hanging, fails fast while the port is gone, and reopens the port by itself once it is back.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startModbusSim } from '../../sim/modbus/start.js';
import { hasSocat, needPeer } from '../helpers/env.js';
import { builtinProfiles, makeBus, makeDevice } from '../helpers/modbus.js';
import { waitFor } from '../helpers/wait.js';

function socat(a: string, b: string) {
  const p = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  return p;
}

async function appear(paths: string[]): Promise<void> {
  await waitFor(() => paths.every(existsSync), { timeoutMs: 10_000, what: `socat's pty links ${paths.join(', ')}` });
}

t.test('serial port lost and back', async (t) => {
  if (!needPeer(t, hasSocat(), 'socat')) return;
  const dir = mkdtempSync(join(tmpdir(), 'jb-loss-'));
  const [a, b] = [join(dir, 'a'), join(dir, 'b')];
  let pair = socat(a, b);
  await appear([a, b]);
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const line = { baudRate: 115200, parity: 'none', stopBits: 1 } as const;
  let sim = await startModbusSim({ wire: { kind: 'serial', path: a, line }, meters: [{ unit: 1, profile: sdm }] });
  const bus = makeBus({ type: 'rtu', path: b, ...line, connectTimeoutMs: 500 });
  t.teardown(async () => {
    await bus.close();
    await sim.close();
    pair.kill();
  });
  const device = await makeDevice(bus, sdm.id, 1, { timeoutMs: 200, retries: 0 });
  t.equal((await device.poll('energy')).fault, undefined, 'reads while plugged in');

  await sim.close();
  pair.kill();
  await waitFor(() => !existsSync(b), { timeoutMs: 10_000, what: `the pty link ${b} to go (adapter unplugged)` });
  const started = performance.now();
  const lost = await device.poll('energy');
  t.ok(lost.fault?.kind === 'link' || lost.fault?.kind === 'timeout', `fault while unplugged: ${lost.fault?.kind}`);
  t.ok(performance.now() - started < 2000, 'no hang on the dead port');

  pair = socat(a, b);
  await appear([a, b]);
  sim = await startModbusSim({ wire: { kind: 'serial', path: a, line }, meters: [{ unit: 1, profile: sdm }] });
  let back = false;
  await waitFor(
    async () => {
      const p = await device.poll('energy');
      back = !p.fault && !p.skipped && p.readings.length > 0;
      return back;
    },
    { timeoutMs: 15_000, what: 'a good poll after the port came back', intervalMs: 100 },
  );
  t.ok(back, 'reads again after the port came back');
  t.ok(bus.counters.get('link_errors') >= 1, `${bus.counters.get('link_errors')} link errors counted`);
  t.ok(bus.counters.get('reconnects') >= 1, 'port reopened');
});
