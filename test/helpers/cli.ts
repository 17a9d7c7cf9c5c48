// Runs the installed `joulebook` command as a user would, as a separate process.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/joulebook.js', import.meta.url));

/** Runs `joulebook args...` (with `env` added to this process's); stops it when stdout matches `until` or after `timeoutMs`. */
export function runCli(
  args: string[],
  opts: { timeoutMs?: number; until?: RegExp; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => p.kill('SIGTERM'), opts.timeoutMs ?? 20_000);
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (opts.until?.test(stdout)) p.kill('SIGTERM');
    });
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `joulebook sim ...` as its own process; resolves once it says it is serving. */
export function startSimProcess(args: string[]): Promise<{ stop: () => void; proc: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, 'sim', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    p.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('simulating')) resolve({ stop: () => p.kill('SIGTERM'), proc: p });
    });
    p.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
}
