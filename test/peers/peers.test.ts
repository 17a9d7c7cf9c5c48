// Interoperability with Modbus implementations no one here wrote:
// Debian's mbpoll (a C client on libmodbus) reads our simulator; pymodbus serves an SDM630 to our client and scan.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { systemClock } from '../../common/clock.js';
import { scanBus } from '../../gateway/drivers/modbus/scan.js';
import { startModbusSim } from '../../sim/modbus/start.js';
import { freePort, hasProgram, hasSocat, needPeer, quietLog } from '../helpers/env.js';
import { abbB23OnPty, builtinProfiles, makeBus, makeDevice } from '../helpers/modbus.js';

const FROZEN_MS = Date.UTC(2026, 10, 1, 12, 0, 0);
const PYTHON = '/usr/bin/python3';
const run = promisify(execFile);

/** mbpoll runs asynchronously: the simulator answering it lives in this process's event loop. */
async function mbpollRun(args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await run('mbpoll', [...args, '-1'], { encoding: 'utf8', timeout: 10_000 });
    return { ok: true, out: r.stdout };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

async function mbpoll(args: string[]): Promise<number[]> {
  const r = await mbpollRun(args);
  if (!r.ok) throw new Error(`mbpoll ${args.join(' ')} failed: ${r.out}`);
  return [...r.out.matchAll(/^\[(\d+)\]:\s+(\S+)/gm)].map((m) => Number(m[2]));
}

const hasPymodbus = () => spawnSync(PYTHON, ['-c', 'import pymodbus'], { stdio: 'ignore' }).status === 0;

t.test('mbpoll reads our SDM630 simulator at the datasheet addresses', async (t) => {
  if (!needPeer(t, hasProgram('mbpoll', ['-V']), 'mbpoll')) return;
  const port = await freePort();
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port },
    meters: [{ unit: 1, profile: sdm }],
    now: () => FROZEN_MS,
  });
  t.teardown(() => sim.close());
  const truth = sim.bank.meters.get(1)!.truth(FROZEN_MS);
  const close = (a: number, b: number) => Math.abs(a - b) <= Math.abs(b) * 1e-5;
  // Eastron SDM630 protocol v2.0: input registers 30001.. as float32, most significant word first.
  const common = ['-m', 'tcp', '-p', String(port), '-a', '1', '-0', '-B', '-t', '3:float', '127.0.0.1'];
  const volts = await mbpoll(['-r', '0', '-c', '3', ...common]);
  t.ok(
    volts.every((v, i) => close(v, truth[`l${i + 1}`]!.voltage_v!)),
    `L1-L3 voltage at 0x0000.. ${volts.join(' / ')}`,
  );
  const [freq, importKwh] = await mbpoll(['-r', '70', '-c', '2', ...common]);
  t.ok(close(freq!, truth.total!.frequency_hz!), `frequency at 0x0046: ${freq}`);
  t.ok(close(importKwh!, truth.total!.energy_import_kwh!), `import energy at 0x0048: ${importKwh}`);
  const [powerTotal] = await mbpoll(['-r', '52', '-c', '1', ...common]);
  t.ok(close(powerTotal!, truth.total!.power_w!), `total power at 0x0034: ${powerTotal}`);
  const [serial] = await mbpoll([
    '-m',
    'tcp',
    '-p',
    String(port),
    '-a',
    '1',
    '-0',
    '-B',
    '-t',
    '4:int',
    '-r',
    String(0xfc00),
    '-c',
    '1',
    '127.0.0.1',
  ]);
  t.equal(String(serial), sim.bank.meters.get(1)!.serial, 'serial number at holding 0xFC00');
  const bad = await mbpollRun(['-m', 'tcp', '-p', String(port), '-a', '1', '-0', '-t', '3', '-r', '1000', '-c', '1', '127.0.0.1']);
  t.notOk(bad.ok);
  t.match(bad.out, /Illegal data address/i, 'unmapped registers answer exception 2');
});

t.test('mbpoll reads our simulator over RTU on a pty pair', async (t) => {
  if (!needPeer(t, hasProgram('mbpoll', ['-V']), 'mbpoll') || !needPeer(t, hasSocat(), 'socat')) return;
  const { pty, sim } = await abbB23OnPty(t, 5, FROZEN_MS);
  // ABB B23: import energy at 0x5000 as u64 in 0.01 kWh, read here as four raw registers.
  const words = await mbpoll([
    '-m',
    'rtu',
    '-b',
    '19200',
    '-P',
    'even',
    '-s',
    '1',
    '-a',
    '5',
    '-0',
    '-t',
    '4',
    '-r',
    String(0x5000),
    '-c',
    '4',
    pty.b,
  ]);
  const raw = words.reduce((acc, w) => acc * 65536n + BigInt(w), 0n);
  const want = Math.round(sim.bank.meters.get(5)!.truth(FROZEN_MS).total!.energy_import_kwh! * 100);
  t.equal(Number(raw), want, `u64 energy ${raw} x 0.01 kWh`);
});

t.test('our client and scan read a pymodbus SDM630', async (t) => {
  if (!needPeer(t, hasPymodbus(), 'python3-pymodbus (for /usr/bin/python3)')) return;
  const port = await freePort();
  const script = fileURLToPath(new URL('pymodbus_sdm630.py', import.meta.url));
  const expected = JSON.parse(readFileSync(fileURLToPath(new URL('pymodbus_sdm630.values.json', import.meta.url)), 'utf8')) as Record<
    string,
    number | string
  >;
  const proc = spawn(PYTHON, [script, '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => proc.kill('SIGTERM'));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('pymodbus did not start')), 10_000);
    proc.stdout.on('data', (b: Buffer) => {
      if (b.toString().includes('READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => reject(new Error(`pymodbus exited ${code}`)));
  });
  const sdm = (await builtinProfiles()).get('eastron-sdm630')!;
  const bus = makeBus({ type: 'tcp', host: '127.0.0.1', port });
  t.teardown(() => bus.close());
  const device = await makeDevice(bus, sdm.id, 1, { timeoutMs: 1000 });
  const poll = await device.poll('full');
  t.equal(poll.fault, undefined, 'full poll');
  let compared = 0;
  for (const r of poll.readings) {
    for (const [m, v] of Object.entries(r.values)) {
      const want = expected[`${m}:${r.channel}`];
      t.equal(v, want, `${m}:${r.channel}`);
      compared++;
    }
  }
  t.equal(compared, sdm.fields.length, 'every SDM630 field compared');
  t.equal(await device.readSerial(), expected.serial, 'serial');

  const hits = await scanBus({ bus, profiles: await builtinProfiles(), clock: systemClock, log: quietLog }, [1, 2], 500);
  t.equal(hits.length, 1, 'one meter found');
  t.equal(hits[0]?.profile, 'eastron-sdm630', 'scan identifies the SDM630');
  t.equal(hits[0]?.serial, '12345678');
});
