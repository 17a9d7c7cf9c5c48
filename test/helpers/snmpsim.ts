// Debian's snmpsimd serving .snmprec recordings on a free loopback port; the community picks the recording.
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort } from '../../sim/wiring.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/snmp', import.meta.url));

export interface Snmpsim {
  port: number;
  stop(): void;
}

export async function startSnmpsim(extraArgs: string[] = []): Promise<Snmpsim> {
  const dir = mkdtempSync(join(tmpdir(), 'jb-snmpsim-'));
  const data = join(dir, 'data');
  cpSync(FIXTURES, data, { recursive: true });
  chmodSync(dir, 0o755);
  chmodSync(data, 0o755);
  mkdirSync(join(dir, 'cache'));
  chmodSync(join(dir, 'cache'), 0o777);
  const port = await freeUdpPort();
  // snmpsimd refuses to run as root; it drops to nobody, who must be able to read the data and cache.
  const args = [
    `--data-dir=${data}`,
    `--cache-dir=${join(dir, 'cache')}`,
    `--agent-udpv4-endpoint=127.0.0.1:${port}`,
    '--logging-method=stderr',
    ...extraArgs,
  ];
  if (process.getuid?.() === 0) args.push('--process-user=nobody', '--process-group=nogroup');
  const proc = spawn('snmpsimd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`snmpsimd did not start:\n${log}`)), 30_000);
    proc.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('Listening at')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`snmpsimd exited ${code}:\n${log}`));
    });
  });
  proc.removeAllListeners('exit');
  return { port, stop: () => proc.kill('SIGTERM') };
}
