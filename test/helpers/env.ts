// Test plumbing: free ports, socat pty pairs, and outside programs that must be there in CI.
import { spawnSync } from 'node:child_process';
import { pino, type Logger } from 'pino';
import type { Test } from 'tap';
import { socatAvailable } from '../../sim/wiring.js';

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

export const hasSocat = socatAvailable;
export { freePort, ptyPair, type PtyPair } from '../../sim/wiring.js';

export const hasSnmpsim = () => hasProgram('snmpsimd', ['--version']);
export const hasNetSnmpTools = () => hasProgram('snmpget', ['--version']);
