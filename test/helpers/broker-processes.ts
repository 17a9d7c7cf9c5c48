// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ts-node under tap loads only referenced files; this brings the untyped package's declaration along
/// <reference path="../../central/broker/aedes-persistence-level.d.ts" />
// Brokers in processes of their own, to be killed with SIGKILL (a crash: no will published, nothing closed):
// the central node as installed, and a bare aedes on the same level database, standing for a broker that
// stored wills and sessions without checking them (what an earlier version of the central node did).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import persistenceLevel, { type StoredWill } from 'aedes-persistence-level';
import { Level } from 'level';
import { BIN } from './cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function waitFor(p: ChildProcess, stream: 'stdout' | 'stderr', text: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    let out = '';
    p[stream]!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(text)) resolve(p);
    });
    p.once('exit', (code, sig) => reject(new Error(`exited (${code ?? sig}) before "${text}":\n${out}`)));
  });
}

/** `joulebook central -c config` from the built tree; resolves once it runs. */
export function startCentralProcess(config: string): Promise<ChildProcess> {
  const p = spawn(process.execPath, [BIN, 'central', '-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  return waitFor(p, 'stderr', 'central node running');
}

const BARE_AEDES = `
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import persistenceLevel from 'aedes-persistence-level';
import { Level } from 'level';
const [dataDir, port] = process.argv.slice(1);
const db = new Level(join(dataDir, 'aedes'));
await db.open();
const aedes = await Aedes.createBroker({ persistence: persistenceLevel(db) });
createServer(aedes.handle).listen(Number(port), '127.0.0.1', () => console.log('listening'));
`;

/** aedes with level persistence in `dataDir` (the embedded broker's layout), no authentication, no ACL. */
export function startBareAedesProcess(dataDir: string, port: number): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['--input-type=module', '-e', BARE_AEDES, dataDir, String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return waitFor(p, 'stdout', 'listening');
}

export function kill9(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    p.once('exit', () => resolve());
    p.kill('SIGKILL');
  });
}

/** The Last Wills a stopped broker's database holds (`brokerDir` as the embedded broker's dataDir). */
export async function storedWills(brokerDir: string): Promise<StoredWill[]> {
  const db = new Level<string, unknown>(join(brokerDir, 'aedes'));
  await db.open();
  const persistence = persistenceLevel(db);
  const wills: StoredWill[] = [];
  for await (const w of persistence.streamWill()) wills.push(w);
  await persistence.destroy();
  return wills;
}
