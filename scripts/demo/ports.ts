// The usual port when it is free, any free one otherwise (a Mosquitto on 1883, a second demo).
import { createServer } from 'node:net';
import { freePort } from '../../sim/wiring.js';

export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

export async function preferPort(port: number, host = '127.0.0.1'): Promise<{ port: number; usual: boolean }> {
  return (await portFree(port, host)) ? { port, usual: true } : { port: await freePort(), usual: false };
}
