// 8 Eastron SDM630 on one RS-485 line (a socat pty pair; the simulator, in its own process, holds each
// answer back by the wire time of its frames), full measurement set, at 9600 and 19200 baud.
// line efficiency = physical minimum for the same frames (wire time of every request and response plus
// the meter's turnaround) / measured cycle time. The inter-frame silence the protocol requires is overhead.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pino } from 'pino';
import { systemClock } from '../../common/clock.js';
import { ModbusBus } from '../../gateway/drivers/modbus/bus.js';
import { ModbusDevice } from '../../gateway/drivers/modbus/device.js';
import { SerialLink } from '../../gateway/drivers/modbus/links.js';
import { frameWireMs, readFrameBytes, type LineSettings } from '../../gateway/drivers/modbus/timing.js';
import { PACKAGE_ROOT, BUILTIN_PROFILES_DIR } from '../../gateway/paths.js';
import { loadProfiles } from '../../gateway/profiles/load.js';
import { ptyPair } from '../../sim/wiring.js';
import type { Bench } from '../bench.js';
import { round } from './round.js';

const METERS = 8;
const CYCLES = 6;
const TURNAROUND_MS = 10;
const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function measure(baudRate: number, out: (l: string) => void) {
  const line: LineSettings = { baudRate, parity: 'none', stopBits: 1 }; // the SDM630's factory setting, 8N1
  const pty = await ptyPair();
  const { a, b } = pty;
  const children: ChildProcess[] = [];
  try {
    const sim = spawn(
      process.execPath,
      [
        join(PACKAGE_ROOT, 'dist/cli/main.js'),
        'sim',
        'modbus',
        '--profile',
        'eastron-sdm630',
        '--serial',
        a,
        '--baud',
        String(baudRate),
        '--units',
        `1-${METERS}`,
        '--line-timing',
        '--turnaround-ms',
        String(TURNAROUND_MS),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(sim);
    let ready = false;
    sim.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('simulating')) ready = true;
    });
    await waitFor(() => ready, 'simulator');

    const profile = (await loadProfiles([BUILTIN_PROFILES_DIR])).get('eastron-sdm630')!;
    const bus = new ModbusBus({
      options: { name: 'bench', framing: 'rtu', line, turnaroundDelayMs: 0, frameGapMs: 25, connectTimeoutMs: 2000, maxStaleFrames: 1 },
      link: new SerialLink(b, line),
      clock: systemClock,
      log,
    });
    const devices = Array.from(
      { length: METERS },
      (_, i) =>
        new ModbusDevice({
          options: { id: `sdm-${i + 1}`, unit: i + 1, timeoutMs: 500, retries: 1, backoffBaseMs: 1000, backoffMaxMs: 1000 },
          profile,
          bus,
          clock: systemClock,
          log,
        }),
    );
    await Promise.all(devices.map((d) => d.poll('full'))); // open the port, settle plans
    const before = bus.counters.get('requests');
    const cycles: number[] = [];
    for (let c = 0; c < CYCLES; c++) {
      const t0 = performance.now();
      const polls = await Promise.all(devices.map((d) => d.poll('full')));
      cycles.push(performance.now() - t0);
      const faults = polls.filter((p) => p.fault);
      if (faults.length > 0) throw new Error(`faults during the benchmark: ${JSON.stringify(faults.map((f) => f.fault))}`);
    }
    const transactions = (bus.counters.get('requests') - before) / CYCLES;
    // Every frame of a full poll: the planned reads and the serial-number read (identity for swap detection).
    const frameMs = (count: number) => {
      const f = readFrameBytes(count);
      return frameWireMs(f.request + f.response, line) + TURNAROUND_MS;
    };
    const minimumMs = devices.reduce(
      (sum, d) =>
        sum + d.plan('full').reduce((s, r) => s + frameMs(r.count), 0) + (d.profile.serial[0] ? frameMs(d.profile.serial[0].words) : 0),
      0,
    );
    const cycleMs = cycles.sort((x, y) => x - y)[Math.floor(cycles.length / 2)]!;
    const naive = devices.reduce((s, d) => s + d.profile.fields.length + (d.profile.serial.length > 0 ? 1 : 0), 0);
    out(
      `${baudRate} baud: ${transactions} transactions per cycle (naive ${naive}); cycle ${cycleMs.toFixed(1)} ms (median of ${CYCLES}), physical minimum ${minimumMs.toFixed(1)} ms`,
    );
    await bus.close();
    return { transactions, naive, cycleMs, minimumMs, efficiency: minimumMs / cycleMs };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    pty.close();
  }
}

export const modbusBench: Bench = {
  name: 'modbus',
  description: `${METERS} SDM630 on a line-timed RS-485 pty bus at 9600 and 19200 baud, full measurement set`,
  async run(out) {
    const r9600 = await measure(9600, out);
    const r19200 = await measure(19200, out);
    return {
      line_efficiency_9600: round(r9600.efficiency, 3),
      line_efficiency_19200: round(r19200.efficiency, 3),
      transactions_per_cycle: r9600.transactions,
      naive_transactions_per_cycle: r9600.naive,
      transaction_reduction: round(r9600.naive / r9600.transactions, 1),
      cycle_ms_9600: round(r9600.cycleMs, 1),
      minimum_ms_9600: round(r9600.minimumMs, 1),
      cycle_ms_19200: round(r19200.cycleMs, 1),
      minimum_ms_19200: round(r19200.minimumMs, 1),
      turnaround_ms: TURNAROUND_MS,
      rss_mb: round(process.memoryUsage().rss / 2 ** 20, 1),
    };
  },
};
