// One pino logger per process, children per area. One list of secrets for the gateway and the central node:
// values under these keys never reach a log line, and a URL keeps its host but loses its password.
import { pino, type Logger } from 'pino';

/** Keys whose values are censored wherever they appear (top level and two levels down). */
export const SECRET_KEYS = ['password', 'secret', 'token', 'key', 'passphrase'] as const;

const REDACT = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

/** A URL as a log may show it: `postgres://jb:[redacted]@db/joulebook`; what does not parse is censored. */
export function withoutPassword(url: unknown): unknown {
  if (typeof url !== 'string') return url;
  try {
    const u = new URL(url);
    if (u.password === '') return url;
    u.password = 'redacted';
    return u.toString().replace(':redacted@', ':[redacted]@');
  } catch {
    return '[redacted]';
  }
}

export interface LoggerOptions {
  destination?: NodeJS.WritableStream;
  /** Fields on every line (e.g. `{ node: 'central' }`). */
  base?: Record<string, unknown>;
}

/** The process's root logger; `err` fields keep their type, message, stack and cause (pino's serializer). */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  return pino(
    {
      level,
      base: options.base ?? undefined,
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err, url: withoutPassword },
    },
    (options.destination ?? process.stderr) as pino.DestinationStream,
  );
}
