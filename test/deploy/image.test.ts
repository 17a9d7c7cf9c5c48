// The container image without a Docker engine: what the Dockerfile copies exists, it runs as a non-root
// user with `joulebook` as entrypoint and the central node as default command; the compose example
// parses, mounts files that exist and hands central a central.yaml the real loader accepts; and the
// image's commands work on the built tree as the runtime stage runs them (NODE_ENV=production,
// node bin/joulebook.js): --help, the central node on the compose's central.yaml with the addresses
// pointed at this machine's Mosquitto and PostgreSQL, and `gateway check`.
// deploy/check-image.sh goes further: npm pack, install with --omit=dev, and the same commands.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parse } from 'yaml';
import { parseCentralConfig } from '../../central/config/central-load.js';
import { startModbusSim } from '../../sim/modbus/start.js';
import { canConnect } from '../helpers/brokers.js';
import { BIN } from '../helpers/cli.js';
import { freePort, needPeer } from '../helpers/env.js';
import { builtinProfiles } from '../helpers/modbus.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

interface Stage {
  from: string;
  lines: string[];
}

function stages(dockerfile: string): Stage[] {
  const out: Stage[] = [];
  for (const raw of dockerfile.replace(/\\\n/g, ' ').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (/^FROM /i.test(line)) out.push({ from: line, lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

/** Runs the CLI as the runtime stage does; resolves with the output once `until` shows or it exits. */
function runImageCommand(
  args: string[],
  o: { until?: RegExp; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NODE_ENV: 'production', ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let signalled = false;
    const timer = setTimeout(() => p.kill('SIGTERM'), o.timeoutMs ?? 20_000);
    const seen = (d: Buffer) => {
      out += d.toString();
      // A moment's grace: the signal handlers go in right after the line is logged, and a SIGTERM
      // before them would end the process by the default action.
      if (!signalled && o.until?.test(out)) {
        signalled = true;
        setTimeout(() => p.kill('SIGTERM'), 300);
      }
    };
    p.stdout.on('data', seen);
    p.stderr.on('data', seen);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

t.test('Dockerfile: two stages, native build, every copied path exists, non-root, joulebook as entrypoint', async (t) => {
  const [build, run] = stages(read('Dockerfile'));
  t.match(build?.from, /^FROM node:22-bookworm-slim AS build$/);
  t.match(run?.from, /^FROM node:22-bookworm-slim$/);
  const b = build!.lines.join('\n');
  t.match(b, /apt-get install -y --no-install-recommends python3 make g\+\+/, 'a toolchain for better-sqlite3');
  t.match(b, /npm ci .*&& npm rebuild better-sqlite3/, 'the native module is built');
  t.match(b, /npm run build && npm prune --omit=dev/);
  for (const stage of [build!, run!]) {
    for (const l of stage.lines.filter((x) => /^COPY /.test(x) && !/--from=/.test(x))) {
      for (const src of l.split(/\s+/).slice(1, -1)) t.ok(existsSync(join(ROOT, src)), `COPY ${src} exists`);
    }
  }
  const r = run!.lines;
  t.ok(r.includes('USER node'), 'runs as the unprivileged node user');
  t.ok(r.includes('VOLUME /data'));
  const entry = JSON.parse(r.find((l) => l.startsWith('ENTRYPOINT '))!.slice('ENTRYPOINT '.length)) as string[];
  const cmd = JSON.parse(r.find((l) => l.startsWith('CMD '))!.slice('CMD '.length)) as string[];
  t.same(entry, ['node', '/app/bin/joulebook.js']);
  t.same(cmd, ['central', '-c', '/etc/joulebook/central.yaml']);
  const ignored = read('.dockerignore').split('\n');
  for (const x of ['node_modules', 'dist', '.git', 'test']) t.ok(ignored.includes(x), `.dockerignore keeps ${x} out of the context`);
});

t.test('compose example: parses, its mounts exist, its central.yaml loads, mosquitto reads the mounted files', async (t) => {
  const compose = parse(read('deploy/compose.yaml')) as {
    services: Record<
      string,
      {
        image?: string;
        command?: string[];
        ports?: string[];
        volumes?: string[];
        depends_on?: Record<string, unknown>;
        environment?: Record<string, string>;
      }
    >;
  };
  t.same(Object.keys(compose.services).sort(), ['central', 'mosquitto', 'postgres']);
  const central = compose.services.central!;
  t.same(central.command, ['central', '-c', '/etc/joulebook/central.yaml']);
  t.match(central.environment, { PGPASSWORD: /POSTGRES_PASSWORD/ });
  t.same(Object.keys(central.depends_on ?? {}).sort(), ['mosquitto', 'postgres']);
  for (const [name, s] of Object.entries(compose.services)) {
    for (const v of s.volumes ?? []) {
      const src = v.split(':')[0]!;
      if (src.startsWith('.')) t.ok(src.endsWith('auth') || existsSync(join(ROOT, 'deploy', src)), `${name}: ${src} exists`);
    }
  }
  const config = parseCentralConfig(read('deploy/central.yaml'), 'deploy/central.yaml');
  t.match(config, {
    dataDir: '/data',
    broker: { external: { url: 'mqtt://mosquitto:1884', shareGroup: 'joulebook' } },
    storage: { postgres: { url: 'postgres://joulebook@postgres:5432/joulebook' } },
  });
  const conf = read('deploy/mosquitto/mosquitto.conf');
  t.match(conf, /^allow_anonymous false$/m);
  t.match(conf, /^password_file \/mosquitto\/auth\/passwd$/m);
  t.match(
    conf,
    /^per_listener_settings true\n\nlistener 1883\nuse_username_as_clientid true\n/m,
    'client ids bound to usernames where gateways sign in',
  );
  t.match(
    conf,
    /^listener 1884\nallow_anonymous false\npassword_file \/mosquitto\/auth\/central\.passwd\nacl_file \/mosquitto\/auth\/central\.acl$/m,
    'the central node on a listener of its own',
  );
  t.same(compose.services.mosquitto!.ports, ['1883:1883'], "only the gateways' listener is published");
  t.ok(compose.services.mosquitto!.volumes!.includes('./mosquitto/auth:/mosquitto/auth:ro'));
});

t.test('the image commands on the built tree: --help, central on the compose config, gateway check', async (t) => {
  const help = await runImageCommand(['--help']);
  t.equal(help.code, 0);
  for (const c of ['gateway', 'central', 'provision', 'invoice', 'sim']) t.match(help.out, new RegExp(`\\n  ${c}\\b`), `${c} listed`);

  const mosquitto = await canConnect(1883);
  const postgres = await pgReachable();
  if (needPeer(t, mosquitto, 'Mosquitto on 127.0.0.1:1883') && needPeer(t, postgres, `PostgreSQL at ${PG_URL}`)) {
    const schemas = pgSchemas('jb_image');
    t.teardown(() => schemas.dropAll());
    const dir = mkdtempSync(join(tmpdir(), 'jb-image-'));
    const file = join(dir, 'central.yaml');
    // The compose file's central.yaml, only the addresses changed: the services' names become this machine's.
    writeFileSync(
      file,
      read('deploy/central.yaml')
        .replace('mqtt://mosquitto:1884', 'mqtt://127.0.0.1:1883')
        .replace('postgres://joulebook@postgres:5432/joulebook', PG_URL)
        .replace('schema: joulebook', `schema: ${schemas.next()}`)
        .replace('dataDir: /data', `dataDir: ${dir}`),
    );
    const central = await runImageCommand(['central', '-c', file], { until: /central node running/ });
    t.match(central.out, /central node running/, 'the central node started on PostgreSQL and Mosquitto');
    t.match(central.out, /"storage":"postgres"/);
    t.equal(central.code, 0, 'and stopped cleanly on SIGTERM');
  }

  const simPort = await freePort();
  const sim = await startModbusSim({
    wire: { kind: 'tcp', host: '127.0.0.1', port: simPort },
    meters: [{ unit: 1, profile: (await builtinProfiles()).get('abb-b23')! }],
  });
  t.teardown(() => sim.close());
  const gw = join(mkdtempSync(join(tmpdir(), 'jb-image-')), 'gateway.yaml');
  writeFileSync(
    gw,
    `gateway: { id: gw1, site: ams1, room: r1 }\nbuses: [{ id: b, type: tcp, host: 127.0.0.1, port: ${simPort} }]\ndevices: [{ id: m1, bus: b, unit: 1, profile: abb-b23 }]\n`,
  );
  const check = await runImageCommand(['gateway', 'check', '-c', gw, '--no-broker']);
  t.equal(check.code, 0, check.out);
  t.match(check.out, /m1\s+abb-b23\s+\S+\s+[\d.]+ kWh/);
});
