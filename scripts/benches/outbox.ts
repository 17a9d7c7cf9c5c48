// The gateway outbox: what an append costs per reading (JSON encoding and the batched SQLite commit),
// how fast a 1,000,000-reading backlog drains to a real Mosquitto through the publisher, and how many
// fsyncs a live gateway makes per second (counted by strace on a child process).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { systemClock } from '../../common/clock.js';
import { PACKAGE_ROOT } from '../../gateway/paths.js';
import { Outbox } from '../../gateway/outbox/outbox.js';
import { Publisher } from '../../gateway/publish/publisher.js';
import { Mqtt } from '../../gateway/config/schema.js';
import { publisherOptions } from '../../gateway/publish/options.js';
import { freePort } from '../../sim/wiring.js';
import type { Bench } from '../bench.js';
import { fakeReadings } from './outbox-data.js';
import { round } from './round.js';

const BACKLOG = 1_000_000;
const BATCH = 48;
const LIVE_S = 10;
const LIVE_PER_S = 2000;
const log = pino({ level: 'silent' });
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function mosquitto(port: number, dir: string) {
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nlog_dest none\n`);
  const p = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  await sleep(300);
  return p;
}

export const outboxBench: Bench = {
  name: 'outbox',
  description: `outbox append cost, a ${BACKLOG.toLocaleString('en')}-reading backlog drained to Mosquitto, fsyncs per second live`,
  async run(out) {
    const dir = mkdtempSync(join(tmpdir(), 'jb-bench-outbox-'));
    const outbox = Outbox.open({ file: join(dir, 'outbox.db'), maxBytes: 4e9, maxAgeMs: 1e12 }, systemClock, log);

    // Append: batches of one PDU poll, committed every 100 batches (a second of a busy room).
    const t0 = performance.now();
    for (let i = 0; i < BACKLOG / BATCH; i++) {
      const now = Date.now();
      outbox.append('readings', fakeReadings(BATCH, now), now);
      if (i % 100 === 99) outbox.commit();
    }
    outbox.commit();
    const appendUs = ((performance.now() - t0) * 1000) / BACKLOG;
    out(
      `append: ${appendUs.toFixed(2)} us per reading (${outbox.size.entries} readings, ${(outbox.size.bytes / 2 ** 20).toFixed(0)} MiB in the outbox)`,
    );

    const port = await freePort();
    const broker = await mosquitto(port, dir);
    try {
      const publisher = new Publisher({
        options: publisherOptions(Mqtt.parse({ url: `mqtt://127.0.0.1:${port}`, clientId: 'bench-replay', replayReadingsPerS: 1e9 }), {
          site: 'bench',
          gateway: 'bench',
          boot: '1',
        }),
        outbox,
        clock: systemClock,
        log,
        meta: () => ({ version: 'bench', configHash: 'x', site: 'bench', room: 'r', devices: [] }),
      });
      const r0 = performance.now();
      publisher.start();
      while (publisher.counters.get('entries_acked') < BACKLOG) {
        await sleep(100);
        outbox.commit();
      }
      const replayS = (performance.now() - r0) / 1000;
      outbox.commit();
      await publisher.stop();
      out(
        `replay: ${BACKLOG} readings acknowledged by Mosquitto in ${replayS.toFixed(2)} s (${publisher.counters.get('messages')} messages); outbox left: ${outbox.size.entries}`,
      );
      const rssMb = process.memoryUsage().rss / 2 ** 20;
      outbox.close();

      // Live: a child process at a room's rate; strace counts its fsync and fdatasync calls.
      const child = join(PACKAGE_ROOT, 'dist/scripts/benches/outbox-live.js');
      const args = [process.execPath, child, `mqtt://127.0.0.1:${port}`, String(LIVE_S), String(LIVE_PER_S), dir];
      let fsyncs: number | undefined;
      let counted = 'strace';
      try {
        const { stdout, stderr } = await run('strace', ['-f', '-c', '-e', 'trace=fsync,fdatasync', ...args], { maxBuffer: 2 ** 24 });
        fsyncs = [...stderr.matchAll(/^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(fsync|fdatasync)$/gm)].reduce(
          (n, m) => n + Number(m[1]),
          0,
        );
        out(`live: ${LIVE_PER_S} readings/s for ${LIVE_S} s, ${stdout.trim()}, ${fsyncs} fsync/fdatasync calls`);
      } catch {
        counted = 'commits (strace unavailable)';
        const { stdout } = await run(args[0]!, args.slice(1));
        fsyncs = (JSON.parse(stdout) as { commits: number }).commits;
      }
      return {
        append_us_per_reading: round(appendUs, 2),
        replay_readings_per_s: Math.round(BACKLOG / replayS),
        fsyncs_per_s_live: round(fsyncs / LIVE_S, 2),
        fsyncs_counted_by: counted,
        live_readings_per_s: LIVE_PER_S,
        rss_mb: round(rssMb, 1),
      };
    } finally {
      broker.kill('SIGTERM');
    }
  },
};
