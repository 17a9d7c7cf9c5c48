// Small parsers for command-line values, with errors that say which option was wrong.
import { InvalidArgumentError } from 'commander';

export function hostPort(defaultHost = '127.0.0.1'): (v: string) => { host: string; port: number } {
  return (v) => {
    const m = /^(?:\[?([^\]]*)\]?:)?(\d+)$/.exec(v);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65535) throw new InvalidArgumentError('expected host:port (port 1-65535)');
    return { host: m[1] || defaultHost, port };
  };
}

export function intIn(min: number, max: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer ${min}-${max}`);
    return n;
  };
}

export function oneOf<T extends string>(values: readonly T[]): (v: string) => T {
  return (v) => {
    if (!(values as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${values.join(', ')}`);
    return v as T;
  };
}

/**
 * Resolves on the first SIGINT or SIGTERM (Ctrl-C, systemd stop, docker stop). With `again`, it keeps
 * listening and hands it every later signal, so a second Ctrl-C or a repeated SIGTERM during a bounded
 * stop is reported instead of ending the process by the default action; without, it stops listening.
 */
export function untilSignal(again?: (signal: NodeJS.Signals) => void): Promise<void> {
  let received = false;
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      if (received) again?.(signal);
      received = true;
      if (!again) process.off('SIGINT', on).off('SIGTERM', on);
      resolve();
    };
    process.on('SIGINT', on).on('SIGTERM', on);
  });
}
