// Telling systemd the gateway is up and alive (sd_notify): READY=1 once started, WATCHDOG=1 at half the
// unit's WatchdogSec while the gateway is healthy, STOPPING=1 on the way out. A gateway whose event loop
// hangs stops feeding the watchdog and systemd restarts it (Restart=on-failure). Outside systemd
// (no NOTIFY_SOCKET) nothing is sent. The sending itself is behind `NotifySender`; the default runs
// `systemd-notify`, which waits until systemd has read each message, so with NotifyAccess=all it is
// attributed to the unit even though it comes from a child process (systemd-notify(1), --no-block).
import { execFile } from 'node:child_process';
import type { Logger } from 'pino';

export type NotifySender = (state: string) => Promise<void>;

export interface NotifyPlan {
  /** systemd listens (NOTIFY_SOCKET is set). */
  notify: boolean;
  /** Feed the watchdog this often; absent when the unit has no watchdog for this process. */
  pingEveryMs?: number;
}

/**
 * What sd_notify and sd_watchdog_enabled would decide from the environment: a watchdog only when
 * WATCHDOG_USEC is a positive integer and WATCHDOG_PID, if set, is this process. Pings at half the
 * interval, as sd_watchdog_enabled(3) recommends.
 */
export function notifyPlan(env: Readonly<Record<string, string | undefined>>, pid: number): NotifyPlan {
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return { notify: false };
  const usec = Number(env.WATCHDOG_USEC);
  const forUs = env.WATCHDOG_PID === undefined || env.WATCHDOG_PID === '' || Number(env.WATCHDOG_PID) === pid;
  if (!Number.isInteger(usec) || usec <= 0 || !forUs) return { notify: true };
  return { notify: true, pingEveryMs: Math.max(1, Math.floor(usec / 2000)) };
}

export interface SystemdNotifierDeps {
  env: Readonly<Record<string, string | undefined>>;
  pid: number;
  send: NotifySender;
  /** Runs `fn` every `ms`; returns a function that stops it. */
  every: (ms: number, fn: () => void) => () => void;
  /** False holds the watchdog back (so systemd restarts a gateway that is alive but stuck). */
  healthy: () => boolean;
  log: Logger;
}

export class SystemdNotifier {
  readonly plan: NotifyPlan;
  private cancel: (() => void) | undefined;
  private failures = 0;
  pings = 0;
  withheld = 0;

  constructor(private readonly deps: SystemdNotifierDeps) {
    this.plan = notifyPlan(deps.env, deps.pid);
  }

  async ready(): Promise<void> {
    if (!this.plan.notify) return;
    await this.sendLogged('READY=1');
    const every = this.plan.pingEveryMs;
    if (every === undefined) return;
    this.deps.log.info({ pingEveryMs: every }, 'feeding the systemd watchdog');
    this.cancel = this.deps.every(every, () => void this.ping());
  }

  async ping(): Promise<void> {
    if (!this.deps.healthy()) {
      this.withheld++;
      this.deps.log.warn('gateway not healthy: systemd watchdog not fed');
      return;
    }
    this.pings++;
    await this.sendLogged('WATCHDOG=1');
  }

  async stopping(): Promise<void> {
    this.cancel?.();
    this.cancel = undefined;
    if (this.plan.notify) await this.sendLogged('STOPPING=1');
  }

  private async sendLogged(state: string): Promise<void> {
    try {
      await this.deps.send(state);
    } catch (err) {
      // Logged the first time and then every 100th, not at every ping.
      if (this.failures++ % 100 === 0) this.deps.log.error({ state, err, failures: this.failures }, 'systemd notification failed');
    }
  }
}

/** Sends one state through the `systemd-notify` program (it reads NOTIFY_SOCKET itself). */
export function systemdNotifyProgram(program = 'systemd-notify'): NotifySender {
  return (state) =>
    new Promise((resolve, reject) => {
      execFile(program, [state], { timeout: 5000 }, (err) => (err ? reject(err) : resolve()));
    });
}

export const intervalTimer = (ms: number, fn: () => void): (() => void) => {
  const t = setInterval(fn, ms);
  t.unref();
  return () => clearInterval(t);
};
