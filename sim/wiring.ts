// Wiring for simulated sites (tests, demo, benchmarks): free loopback ports and pty pairs as RS-485 lines.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port the OS says is free now. (Several Modbus and SNMP libraries take port 0 as "default port", so we never pass 0.) */
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

/** A UDP port on loopback the OS says is free now. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * The first of `count` consecutive UDP ports on loopback that are all free now (simulated PDUs). Chosen
 * below Linux's ephemeral range (32768-60999), where the simulator's own agents get their ports.
 */
export async function freeUdpPortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * (22_000 - count));
    const sockets: ReturnType<typeof createSocket>[] = [];
    let ok = true;
    for (let i = 0; i < count && ok; i++) {
      const s = createSocket('udp4');
      sockets.push(s);
      ok = await new Promise<boolean>((resolve) => {
        s.once('error', () => resolve(false));
        s.bind(base + i, '127.0.0.1', () => resolve(true));
      });
    }
    await Promise.all(
      sockets.map(
        (s) =>
          new Promise<void>((r) => {
            try {
              s.close(() => r());
            } catch {
              r();
            }
          }),
      ),
    );
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free UDP ports found`);
}

export function socatAvailable(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).error === undefined;
}

export interface PtyPair {
  /** The simulator's end of the line. */
  a: string;
  /** The gateway's end. */
  b: string;
  close(): void;
}

/** Two linked pseudo-terminals from socat, like the two ends of an RS-485 line. */
export async function ptyPair(names: [string, string] = ['a', 'b']): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'joulebook-pty-'));
  const [a, b] = [join(dir, names[0]), join(dir, names[1])];
  const proc = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  for (let i = 0; i < 150 && !(existsSync(a) && existsSync(b)); i++) await new Promise((r) => setTimeout(r, 20));
  if (!existsSync(a) || !existsSync(b)) {
    proc.kill();
    throw new Error('socat did not create the pty pair');
  }
  return { a, b, close: () => proc.kill() };
}
