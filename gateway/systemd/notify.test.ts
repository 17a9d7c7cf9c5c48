import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { hasProgram, quietLog } from '../../test/helpers/env.js';
import { intervalTimer, notifyPlan, SystemdNotifier, systemdNotifyProgram } from './notify.js';

t.test('what the environment asks for', async (t) => {
  const cases: [Record<string, string>, number, ReturnType<typeof notifyPlan>][] = [
    [{}, 10, { notify: false }],
    [{ WATCHDOG_USEC: '60000000' }, 10, { notify: false }],
    [{ NOTIFY_SOCKET: '/run/systemd/notify' }, 10, { notify: true }],
    [{ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '60000000' }, 10, { notify: true, pingEveryMs: 30_000 }],
    [{ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '60000000', WATCHDOG_PID: '10' }, 10, { notify: true, pingEveryMs: 30_000 }],
    [{ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '60000000', WATCHDOG_PID: '11' }, 10, { notify: true }],
    [{ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '0' }, 10, { notify: true }],
    [{ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: 'soon' }, 10, { notify: true }],
    [{ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '1000' }, 10, { notify: true, pingEveryMs: 1 }],
  ];
  for (const [env, pid, want] of cases) t.same(notifyPlan(env, pid), want, JSON.stringify(env));
});

function harness(env: Record<string, string>, healthy = () => true, fail = false) {
  const sent: string[] = [];
  let tick: (() => void) | undefined;
  let everyMs: number | undefined;
  const n = new SystemdNotifier({
    env,
    pid: 7,
    healthy,
    log: quietLog,
    send: async (s) => {
      if (fail) throw new Error('no such program');
      sent.push(s);
    },
    every: (ms, fn) => {
      everyMs = ms;
      tick = fn;
      return () => {
        tick = undefined;
      };
    },
  });
  return { n, sent, tick: () => tick?.(), everyMs: () => everyMs, ticking: () => tick !== undefined };
}

t.test('ready, watchdog pings while healthy, stopping', async (t) => {
  let ok = true;
  const h = harness({ NOTIFY_SOCKET: '/x', WATCHDOG_USEC: '20000000', WATCHDOG_PID: '7' }, () => ok);
  await h.n.ready();
  t.same(h.sent, ['READY=1']);
  t.equal(h.everyMs(), 10_000, 'pings at half WatchdogSec');
  h.tick();
  h.tick();
  await new Promise((r) => setImmediate(r));
  t.same(h.sent, ['READY=1', 'WATCHDOG=1', 'WATCHDOG=1']);
  ok = false;
  await h.n.ping();
  t.equal(h.n.withheld, 1, 'an unhealthy gateway does not feed the watchdog');
  t.equal(h.sent.length, 3);
  await h.n.stopping();
  t.equal(h.sent.at(-1), 'STOPPING=1');
  t.notOk(h.ticking(), 'pings stop');
});

t.test('outside systemd nothing is sent; a failing sender is logged, never thrown', async (t) => {
  const off = harness({});
  await off.n.ready();
  await off.n.stopping();
  t.same(off.sent, []);
  t.equal(off.everyMs(), undefined);
  const noWatchdog = harness({ NOTIFY_SOCKET: '/x' });
  await noWatchdog.n.ready();
  t.same(noWatchdog.sent, ['READY=1']);
  t.equal(noWatchdog.everyMs(), undefined, 'no watchdog configured, no pings');
  const failing = harness({ NOTIFY_SOCKET: '/x', WATCHDOG_USEC: '2000000' }, () => true, true);
  await failing.n.ready();
  await failing.n.ping();
  await failing.n.stopping();
  t.pass('no throw');
  let ticks = 0;
  const stop = intervalTimer(5, () => {
    ticks++;
  });
  await new Promise((r) => setTimeout(r, 40));
  stop();
  const seen = ticks;
  await new Promise((r) => setTimeout(r, 20));
  t.ok(seen > 0 && ticks === seen, `the interval timer ticks (${seen}) and stops`);
});

t.test('systemd-notify delivers WATCHDOG=1 to a notify socket', async (t) => {
  if (!hasProgram('systemd-notify', ['--version']) || !hasProgram('python3', ['--version'])) {
    t.comment('skipping: systemd-notify or python3 is not installed');
    return;
  }
  // A unix datagram socket as systemd's notify socket, served by python3 (node:dgram has no unix sockets).
  const sock = join(mkdtempSync(join(tmpdir(), 'jb-notify-')), 'notify');
  const listener = spawn(
    'python3',
    [
      '-c',
      [
        'import socket,sys',
        's=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
        's.bind(sys.argv[1])',
        'print("up", flush=True)',
        's.settimeout(10)',
        'while True:',
        '  d=s.recv(4096)',
        '  print(d.decode(), flush=True)',
      ].join('\n'),
      sock,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  t.teardown(() => {
    listener.kill();
  });
  let heard = '';
  await new Promise<void>((resolve) =>
    listener.stdout.on('data', (d: Buffer) => {
      heard += d.toString();
      if (heard.includes('up')) resolve();
    }),
  );
  const before = process.env.NOTIFY_SOCKET;
  process.env.NOTIFY_SOCKET = sock;
  t.teardown(() => {
    if (before === undefined) delete process.env.NOTIFY_SOCKET;
    else process.env.NOTIFY_SOCKET = before;
  });
  await systemdNotifyProgram()('WATCHDOG=1');
  for (let i = 0; i < 50 && !heard.includes('WATCHDOG=1'); i++) await new Promise((r) => setTimeout(r, 20));
  t.match(heard, /WATCHDOG=1/, 'the socket received the state');
  await t.rejects(systemdNotifyProgram('/nonexistent/systemd-notify')('READY=1'), /ENOENT/);
});
