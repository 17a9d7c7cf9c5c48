// One pino logger per process; areas get children. Secrets never reach the log.
import { pino, type Logger } from 'pino';

export const REDACT = ['password', '*.password', '*.*.password', 'secret', '*.secret', 'token', '*.token', 'key', '*.key'];

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined }, destination as pino.DestinationStream);
}
