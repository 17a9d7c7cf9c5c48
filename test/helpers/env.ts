// Test plumbing: free ports, socat pty pairs, and outside programs that must be there in CI.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { Test } from 'tap';

/** A port the OS says is free now. (modbus-serial and net-snmp take port 0 as "default port", so we never pass 0.) */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export function hasProgram(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.error === undefined;
}

/**
 * Skips the test with the reason when an outside program is missing; with JB_REQUIRE_PEERS=1 (CI) a missing
 * program fails the test instead. Returns true when the test may go on.
 */
export function needPeer(t: Test, available: boolean, what: string): boolean {
  if (available) return true;
  if (process.env.JB_REQUIRE_PEERS === '1') {
    t.fail(`${what} is required (JB_REQUIRE_PEERS=1) but missing`);
    return false;
  }
  t.comment(`skipping: ${what} is not installed`);
  t.pass(`skipped: ${what} missing`);
  return false;
}

export const quietLog: Logger = pino({ level: process.env.JB_TEST_LOG ?? 'silent' });

export interface PtyPair {
  a: string;
  b: string;
  close(): void;
}

/** Two linked pseudo-terminals, like the two ends of an RS-485 line. */
export async function ptyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'jb-pty-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const proc: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(existsSync(a) && existsSync(b)); i++) await new Promise((r) => setTimeout(r, 20));
  if (!existsSync(a) || !existsSync(b)) {
    proc.kill();
    throw new Error('socat did not create the pty pair');
  }
  return { a, b, close: () => proc.kill() };
}

export const hasSocat = () => hasProgram('socat', ['-V']);
