// `joulebook central` (dist, a process of its own) on a database file an operator emptied, overwrote or
// truncated (issue 17): it exits non-zero before anything listens, stderr names the file and says what to
// do, and the file is as it was. The first start makes the database 0600 in a 0700 data folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { setUser } from '../../central/broker/credentials.js';
import { BIN, runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/env.js';

const FAST = { scrypt: { N: 1024, r: 8, p: 1 }, mosquittoIterations: 101 };
const modeOf = (f: string) => statSync(f).mode & 0o777;

/** A folder with central.yaml (data in ./data, the broker on a free port) and its credentials file. */
async function node(extra = ''): Promise<{ dir: string; config: string; data: string; db: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'jb-db-files-'));
  await setUser(join(dir, 'credentials.yaml'), { username: 'gw-1', password: 'pw', role: 'gateway', site: 'ams1', gateway: 'gw-1' }, FAST);
  const config = join(dir, 'central.yaml');
  writeFileSync(
    config,
    [`broker: { embedded: { host: 127.0.0.1, port: ${await freePort()} } }`, 'log: { level: info }', extra, ''].join('\n'),
  );
  const data = join(dir, 'data');
  return { dir, config, data, db: join(data, 'joulebook.db') };
}

/** Starts the node; resolves once it runs, with a stop that waits for its exit. */
function start(config: string, args: string[] = []): Promise<{ p: ChildProcess; stop: () => Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, 'central', '-c', config, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('central node running'))
        resolve({
          p,
          stop: () => {
            p.kill('SIGTERM');
            return exited;
          },
        });
    });
    void exited.then((code) => reject(new Error(`central exited (${code}) before running:\n${err}`)));
  });
}

t.test('the first start makes the data folder 0700 and the database, its -wal and -shm 0600', async (t) => {
  const n = await node();
  t.notOk(existsSync(n.data));
  const running = await start(n.config);
  const modes = { data: modeOf(n.data), db: modeOf(n.db), wal: modeOf(`${n.db}-wal`), shm: modeOf(`${n.db}-shm`) };
  t.equal(await running.stop(), 0);
  t.same(modes, { data: 0o700, db: 0o600, wal: 0o600, shm: 0o600 }, 'measured while the node runs');
  t.equal(modeOf(n.db), 0o600, 'and after it stopped');
});

t.test('an emptied, random or truncated database file: exit non-zero, the file named, nothing written', async (t) => {
  // A real database, as the node leaves it after a clean stop.
  const first = await node();
  const running = await start(first.config);
  t.equal(await running.stop(), 0);
  t.notOk(existsSync(`${first.db}-wal`), 'a clean stop leaves no WAL');
  const real = readFileSync(first.db);
  const pages = real.length / 4096;
  t.ok(pages >= 10 && Number.isInteger(pages), `a real database of ${pages} pages`);

  const cases: [string, Buffer, RegExp][] = [
    [
      'zero-length',
      Buffer.alloc(0),
      /: the database file is empty \(0 bytes\): its readings, users and invoice numbers are gone\. Restore it from a backup; to start a new, empty database there instead, delete the file or start the central node once with --new-database\n$/,
    ],
    [
      'random bytes',
      randomBytes(32_768),
      /: not a SQLite database \(its first bytes are not "SQLite format 3"\): restore it from a backup, or move it away to start a new database there; nothing was written to it\n$/,
    ],
    [
      'a truncated copy of the real database',
      real.subarray(0, Math.floor(pages / 2) * 4096),
      /: a truncated database \(its header counts \d+ pages of 4096 bytes, \d+ bytes; the file has \d+\): restore it from a backup/,
    ],
  ];
  for (const [what, bytes, message] of cases) {
    const n = await node();
    mkdirSync(n.data);
    writeFileSync(n.db, bytes);
    const r = await runCli(['central', '-c', n.config], { timeoutMs: 15_000 });
    t.not(r.code, 0, `${what}: exit code ${r.code}`);
    t.equal(r.code, 1, `${what}: exit 1 (2 is for configuration errors)`);
    t.ok(r.stderr.startsWith(`joulebook: ${n.db}: `), `${what}: stderr starts with the file: ${r.stderr.trim()}`);
    t.match(r.stderr, message, `${what}: says what is wrong and what to do`);
    t.notMatch(r.stderr, /central node running/, `${what}: never ran`);
    t.ok(readFileSync(n.db).equals(bytes), `${what}: the file's bytes are unchanged`);
    t.same(readdirSync(n.data), ['joulebook.db'], `${what}: nothing beside it (no -wal, -shm, broker data)`);
    if (bytes.length > 0) continue;
    // The other commands on the same file refuse it too (once is enough: they share the opener).
    const user = await runCli(['central', 'user', 'add', 'ops', '--role', 'operator', '-c', n.config], { timeoutMs: 15_000 });
    t.equal(user.code, 1, `${what}: central user add refuses it`);
    t.ok(user.stderr.startsWith(`joulebook: ${n.db}: the database file is empty`), `${what}: and names it`);
    t.ok(readFileSync(n.db).equals(bytes), `${what}: still unchanged`);
  }
});

t.test('--new-database starts a new database in an empty file; create: never refuses a missing one', async (t) => {
  const n = await node();
  mkdirSync(n.data);
  writeFileSync(n.db, '', { mode: 0o600 });
  const running = await start(n.config, ['--new-database']);
  t.equal(await running.stop(), 0);
  const db = new Database(n.db, { readonly: true });
  t.ok((db.prepare('SELECT count(*) AS c FROM schema_migrations').get() as { c: number }).c >= 3, 'the schema is there');
  db.close();
  const again = await start(n.config);
  t.equal(await again.stop(), 0, 'and it starts without the flag from then on');

  const never = await node('storage: { sqlite: { create: never } }');
  const r = await runCli(['central', '-c', never.config], { timeoutMs: 15_000 });
  t.equal(r.code, 1);
  t.equal(
    r.stderr,
    `joulebook: ${never.db}: no database file, and storage.sqlite.create is "never": restore it from a backup or mount its volume; to start a new, empty database there, start the central node once with --new-database\n`,
  );
  t.notOk(existsSync(never.db), 'no database made');
  const asked = await start(never.config, ['--new-database']);
  t.equal(await asked.stop(), 0);
  t.equal(modeOf(never.db), 0o600, 'made when asked');
  const later = await start(never.config);
  t.equal(await later.stop(), 0, 'and opened as it is afterwards');
});
