// The central node's logger: one pino per process, children per area; secrets are censored.
import { pino, type Logger } from 'pino';

const SECRETS = ['password', '*.password', 'secret', '*.secret', 'token', '*.token', 'url'];

export function centralLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino({ level, redact: { paths: SECRETS, censor: '[redacted]' }, base: { node: 'central' } }, destination as pino.DestinationStream);
}
